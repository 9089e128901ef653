package dev.pgroll4j.core.internal;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class SqlTextTests {

	@ParameterizedTest
	@ValueSource(strings = { "upper(name)", "name || '-category'", "'it''s; fine'", "$$a;b$$", "$tag$ ; $tag$",
			"SELECT CASE WHEN review IS NULL THEN product || ' is good' ELSE review END", "(random() * 1000)::int",
			"\"semi;colon\" > 0", "a -- trailing; comment", "/* nested /* ; */ */ 1", "E'back\\\\'';'", "x[1] > 0" })
	void acceptsSingleExpressions(String sql) {
		assertThat(SqlText.expressionProblem(sql)).isNull();
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', quoteCharacter = '`', value = { "1); DROP TABLE users; --|unbalanced ')'", "1 OR true; DROP TABLE users|contains ';'", "1; SELECT 2|contains ';'",
			"(1|unbalanced parentheses", "1)|unbalanced ')'", "'open|unterminated string literal",
			"\"open|unterminated quoted identifier", "/* open|unterminated /* comment", "$x$ open|unterminated $x$" })
	void rejectsWhatCouldEscapeTheExpression(String sql, String problem) {
		assertThat(SqlText.expressionProblem(sql)).contains(problem);
	}

	@Test
	void rejectsEmptyFragments() {
		assertThat(SqlText.expressionProblem("  ")).isEqualTo("is empty");
		assertThat(SqlText.expressionProblem(null)).isEqualTo("is empty");
	}

	@Test
	void renamesUnqualifiedColumnReferencesOnly() {
		String sql = "length(name) > 3 AND users.name <> 'name' AND \"name\" IS NOT NULL AND x::name IS NOT NULL";
		assertThat(SqlText.renameColumns(sql, Map.of("name", "_pgroll_new_name"))).isEqualTo(
				"length(\"_pgroll_new_name\") > 3 AND users.name <> 'name' AND \"_pgroll_new_name\" IS NOT NULL AND "
						+ "x::name IS NOT NULL");
	}

	@Test
	void renamingFoldsUnquotedWordsToLowerCaseButKeepsQuotedCase() {
		assertThat(SqlText.renameColumns("Price > 0 AND \"Price\" > 1", Map.of("price", "p")))
			.isEqualTo("\"p\" > 0 AND \"Price\" > 1");
	}

	@Test
	void doesNotRenameFunctionCallsOrQualifiers() {
		assertThat(SqlText.renameColumns("lower(lower) || lower.x", Map.of("lower", "l")))
			.isEqualTo("lower(\"l\") || lower.x");
	}

	@Test
	void mentionFindsWordsAndQuotedNamesButNotStrings() {
		assertThat(SqlText.mentions("upper(name)", "name")).isTrue();
		assertThat(SqlText.mentions("\"Name\" || 'x'", "Name")).isTrue();
		assertThat(SqlText.mentions("'name'", "name")).isFalse();
		assertThat(SqlText.mentions("nickname", "name")).isFalse();
	}

	@Test
	void parenthesisesOnlyWhenNeeded() {
		assertThat(Sql.parenthesised("(a + b)")).isEqualTo("(a + b)");
		assertThat(Sql.parenthesised("(a) + (b)")).isEqualTo("((a) + (b))");
		assertThat(Sql.parenthesised("SELECT 1")).isEqualTo("(SELECT 1)");
	}

	@Test
	void quotesIdentifiersAndLiterals() {
		assertThat(Sql.ident("we\"ird")).isEqualTo("\"we\"\"ird\"");
		assertThat(Sql.literal("it's")).isEqualTo("'it''s'");
		assertThat(Sql.literal(null)).isEqualTo("NULL");
	}

}
