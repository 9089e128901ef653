package dev.pgroll4j.core.internal;

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
