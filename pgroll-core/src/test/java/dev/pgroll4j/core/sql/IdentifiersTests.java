package dev.pgroll4j.core.sql;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class IdentifiersTests {

	@Test
	void acceptsOrdinaryAndUnicodeNamesUpTo63Bytes() {
		assertThat(Identifiers.problem("users")).isNull();
		assertThat(Identifiers.problem("Ünïcödé täble")).isNull();
		assertThat(Identifiers.problem("a".repeat(63))).isNull();
		assertThat(Identifiers.problem("€".repeat(21))).isNull();
	}

	@Test
	void rejectsNamesLongerThan63BytesInsteadOfLettingThemBeTruncated() {
		assertThat(Identifiers.problem("a".repeat(64))).contains("64 bytes");
		assertThat(Identifiers.problem("€".repeat(22))).contains("66 bytes");
	}

	@Test
	void rejectsCharactersThatSignalInjectionOrTypos() {
		assertThat(Identifiers.problem("a\"b")).contains("double quote");
		assertThat(Identifiers.problem("a;b")).contains("semicolon");
		assertThat(Identifiers.problem("a\nb")).contains("control character");
		assertThat(Identifiers.problem(" a")).contains("whitespace");
		assertThat(Identifiers.problem("")).isEqualTo("is empty");
	}

	@Test
	void refusesInvisibleCharactersThatMakeANameLookLikeAnother() {
		assertThat(Identifiers.problem("users\u200b")).contains("U+200B ZERO WIDTH SPACE").contains("character 6");
		assertThat(Identifiers.problem("user\u00a0id")).contains("U+00A0 NO-BREAK SPACE");
		assertThat(Identifiers.problem("\u202eresu")).contains("U+202E RIGHT-TO-LEFT OVERRIDE");
		assertThat(Identifiers.problem("a\u2066b\u2069")).contains("U+2066 LEFT-TO-RIGHT ISOLATE");
		assertThat(Identifiers.problem("a\u200db")).contains("U+200D ZERO WIDTH JOINER");
		assertThat(Identifiers.problem("\ufeffusers")).contains("U+FEFF ZERO WIDTH NO-BREAK SPACE");
		assertThat(Identifiers.problem("a\u2028b")).contains("U+2028 LINE SEPARATOR");
		assertThat(Identifiers.problem("a\u3000b")).contains("U+3000 IDEOGRAPHIC SPACE");
		assertThat(Identifiers.problem("a\u00adb")).contains("U+00AD SOFT HYPHEN");
		assertThat(Identifiers.problem("a\ufe0fb")).contains("U+FE0F VARIATION SELECTOR-16");
		assertThat(Identifiers.problem("a\u3164b")).contains("U+3164 HANGUL FILLER");
		assertThat(Identifiers.problem("a\u034fb")).contains("U+034F COMBINING GRAPHEME JOINER");
		assertThat(Identifiers.problem("a\ue000b")).contains("U+E000");
		assertThat(Identifiers.problem("a\ud800b")).contains("U+D800").contains("surrogate");
		assertThat(Identifiers.problem("a\ufdd0b")).contains("U+FDD0").contains("noncharacter");
		assertThat(Identifiers.problem("a\u0378b")).contains("U+0378").contains("not assigned");
		assertThat(Identifiers.problem("a\u0085b")).isNotNull();
		assertThat(Identifiers.printable("users\u200b")).isEqualTo("users\\u200b");
	}

	@Test
	void refusesADecomposedAccentThatLooksLikeThePrecomposedOne() {
		assertThat(Identifiers.problem("cafe\u0301")).contains("normalization form C").contains("caf\u00e9");
		assertThat(Identifiers.problem("caf\u00e9")).isNull();
	}

	@Test
	void keepsOrdinaryLettersOfEveryScriptSpacesAndSymbols() {
		assertThat(Identifiers.problem("caf\u00e9")).isNull();
		assertThat(Identifiers.problem("\u540d\u524d")).isNull();
		assertThat(Identifiers.problem("\u0627\u0644\u0627\u0633\u0645")).isNull();
		assertThat(Identifiers.problem("\u0928\u093e\u092e")).isNull();
		assertThat(Identifiers.problem("my table")).isNull();
		assertThat(Identifiers.problem("price_\u20ac")).isNull();
		assertThat(Identifiers.problem("fruit_\ud83c\udf4e")).isNull();
	}

	@Test
	void reservesThePrefixOfInternalObjectsForNewNames() {
		assertThat(Identifiers.problem("_pgroll_x")).isNull();
		assertThat(Identifiers.newNameProblem("_pgroll_x")).contains("reserved prefix");
	}

	@Test
	void internalNamesFitWithinTheLimitAndStayDistinct() {
		String longA = "a".repeat(60) + "xyz";
		String longB = "a".repeat(60) + "xyw";
		String first = InternalNames.temporaryColumn(longA);
		String second = InternalNames.temporaryColumn(longB);
		assertThat(first.getBytes(StandardCharsets.UTF_8)).hasSizeLessThanOrEqualTo(63);
		assertThat(first).startsWith("_pgroll_new_").isNotEqualTo(second);
		assertThat(InternalNames.temporaryColumn(longA)).isEqualTo(first);
		assertThat(InternalNames.temporaryColumn("email")).isEqualTo("_pgroll_new_email");
		assertThat(InternalNames.deletedTable("€".repeat(21)).getBytes(StandardCharsets.UTF_8))
			.hasSizeLessThanOrEqualTo(63);
	}

}
