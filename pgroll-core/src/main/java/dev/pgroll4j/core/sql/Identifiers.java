package dev.pgroll4j.core.sql;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;

/** Rules for names that users give to tables, columns, indexes, constraints and version schemas. */
public final class Identifiers {

	/** PostgreSQL's NAMEDATALEN - 1: longer names are silently truncated by the server, so we reject them. */
	public static final int MAX_BYTES = 63;

	/** Prefix of every object this tool creates; user objects may not use it. */
	public static final String RESERVED_PREFIX = "_pgroll_";

	private Identifiers() {
	}

	/**
	 * Returns why {@code name} cannot be used as an identifier, or {@code null} when it can. Quotes, semicolons
	 * and control characters are legal inside a quoted PostgreSQL identifier but are refused: in a migration file
	 * they are nearly always an injection attempt or a copy-paste slip. So are characters that cannot be seen
	 * (see {@link #invisibleCharacterProblem}), which make a name look exactly like another.
	 */
	public static String problem(String name) {
		if (name == null || name.isEmpty()) {
			return "is empty";
		}
		int bytes = name.getBytes(StandardCharsets.UTF_8).length;
		if (bytes > MAX_BYTES) {
			return "is " + bytes + " bytes long; PostgreSQL identifiers are at most " + MAX_BYTES + " bytes";
		}
		if (!name.strip().equals(name)) {
			return "has leading or trailing whitespace";
		}
		for (int i = 0; i < name.length(); i++) {
			char c = name.charAt(i);
			if (c == '"') {
				return "contains a double quote";
			}
			if (c == ';') {
				return "contains a semicolon";
			}
			if (Character.isISOControl(c)) {
				return "contains a control character";
			}
		}
		return invisibleCharacterProblem(name);
	}

	/**
	 * Returns why {@code name} could pass for another name, or {@code null} when it cannot. Refused are characters
	 * that show nothing or only blank space: controls (Unicode category Cc), format characters such as zero-width
	 * spaces, joiners and bidirectional overrides and isolates (Cf), spaces other than U+0020 (Zs), line and
	 * paragraph separators (Zl, Zp), private-use characters (Co), unpaired surrogates (Cs), unassigned code points
	 * and noncharacters (Cn), and the other default-ignorable characters (variation selectors, the combining
	 * grapheme joiner, Hangul fillers, ...). A name must also be in Unicode normalization form C, so that "café"
	 * typed with a combining accent cannot stand for "café" typed with a precomposed one. Letters and marks of every
	 * script remain allowed.
	 */
	public static String invisibleCharacterProblem(String name) {
		for (int i = 0; i < name.length();) {
			int c = name.codePointAt(i);
			if (isInvisible(c)) {
				return "contains " + describe(c) + " at character " + (name.codePointCount(0, i) + 1)
						+ ", which cannot be seen and would make the name look like another";
			}
			i += Character.charCount(c);
		}
		if (!Normalizer.isNormalized(name, Normalizer.Form.NFC)) {
			return "is not in Unicode normalization form C (it has a combining character that a precomposed one "
					+ "would replace, so it looks exactly like \"" + Normalizer.normalize(name, Normalizer.Form.NFC)
					+ "\"); write it with precomposed characters";
		}
		return null;
	}

	private static boolean isInvisible(int c) {
		return switch (Character.getType(c)) {
			case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
					Character.PRIVATE_USE, Character.SURROGATE, Character.UNASSIGNED ->
				true;
			case Character.SPACE_SEPARATOR -> c != ' ';
			default -> isDefaultIgnorable(c);
		};
	}

	/**
	 * The characters of Unicode's Default_Ignorable_Code_Point property that are not in a category refused anyway:
	 * they render as nothing, though they are marks or letters.
	 */
	private static boolean isDefaultIgnorable(int c) {
		return c == 0x034F || c == 0x115F || c == 0x1160 || c == 0x17B4 || c == 0x17B5 || (c >= 0x180B && c <= 0x180F)
				|| c == 0x3164 || (c >= 0xFE00 && c <= 0xFE0F) || c == 0xFFA0 || (c >= 0xE0100 && c <= 0xE01EF);
	}

	/** A code point as Unicode names it: {@code U+200B ZERO WIDTH SPACE}. */
	static String describe(int c) {
		String code = String.format("U+%04X", c);
		if (Character.getType(c) == Character.SURROGATE) {
			return code + " (half of a surrogate pair, alone)";
		}
		if ((c & 0xFFFE) == 0xFFFE || (c >= 0xFDD0 && c <= 0xFDEF)) {
			return code + " (a noncharacter)";
		}
		String name = Character.isDefined(c) ? Character.getName(c) : null;
		return (name != null) ? code + " " + name
				: code + " (not assigned in the Unicode version of this Java runtime)";
	}

	/** As {@link #problem(String)}, and also refuses the prefix reserved for this tool's own objects. */
	public static String newNameProblem(String name) {
		String problem = problem(name);
		if (problem == null && name.startsWith(RESERVED_PREFIX)) {
			return "starts with the reserved prefix " + RESERVED_PREFIX;
		}
		return problem;
	}

	/** The name with control and invisible characters shown as escapes, fit for an error message. */
	public static String printable(String name) {
		StringBuilder text = new StringBuilder(name.length());
		name.codePoints().forEach((c) -> {
			if (Character.isISOControl(c) || isInvisible(c)) {
				text.append(String.format((c <= 0xFFFF) ? "\\u%04x" : "\\U%08x", c));
			}
			else {
				text.appendCodePoint(c);
			}
		});
		return text.toString();
	}

}
