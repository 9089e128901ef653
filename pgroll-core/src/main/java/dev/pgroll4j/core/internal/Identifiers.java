package dev.pgroll4j.core.internal;

import java.nio.charset.StandardCharsets;

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
	 * they are nearly always an injection attempt or a copy-paste slip.
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
		return null;
	}

	/** As {@link #problem(String)}, and also refuses the prefix reserved for this tool's own objects. */
	public static String newNameProblem(String name) {
		String problem = problem(name);
		if (problem == null && name.startsWith(RESERVED_PREFIX)) {
			return "starts with the reserved prefix " + RESERVED_PREFIX;
		}
		return problem;
	}

	/** The name with control characters shown as escapes, fit for an error message. */
	public static String printable(String name) {
		StringBuilder text = new StringBuilder(name.length());
		name.codePoints().forEach((c) -> {
			if (Character.isISOControl(c)) {
				text.append(String.format("\\u%04x", c));
			}
			else {
				text.appendCodePoint(c);
			}
		});
		return text.toString();
	}

}
