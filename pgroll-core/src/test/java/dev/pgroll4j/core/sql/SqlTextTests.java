package dev.pgroll4j.core.sql;

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

	/**
	 * Fragments that break out of their place in the server's reading, the JDBC driver's, or the server's with
	 * standard_conforming_strings off (as a client session that compiles a trigger may have it). Each was a way
	 * past the previous lexer; the comment says whose reading it escapes in and why.
	 */
	@ParameterizedTest
	@ValueSource(strings = {
			// server and driver: a -- comment ends at a carriage return too
			"0 --\r) ; COMMIT; CREATE TABLE public.pwned_default (); SELECT (0",
			"0 --\r\n) ; SELECT (0",
			// server: any non-ASCII character is a letter, so this is an identifier, not a space and a $x$ quote
			"\u2003$x$ ; SELECT 1; SELECT $x$", "a\u00a0$x$ ; SELECT 1; SELECT $x$",
			// server (14): 1 then the identifier a$b$, not 1a and a $b$ quote; 15 and later reject the junk
			"1a$b$ ; SELECT 1; SELECT $b$", "0x$a$ ; SELECT 1; SELECT $a$", "1.5e$a$ ; SELECT 1; SELECT $a$",
			// server: a newline between two strings continues the first, escapes included
			"E'a'\n'\\'' ; SELECT 1 --'", "E'a' -- note\n'\\'' ; SELECT 1 --'", "E'a'\u000B\n'\\'' ; SELECT 1 --'",
			// server (14): 1e'...' is 1 and then an escape string
			"1e'\\' ; SELECT 1; SELECT '",
			// server: a bit string ends at its first quote, backslash or not
			"B'\\' ; SELECT 1; SELECT '",
			// server with standard_conforming_strings off: the backslash escapes the quote
			"'\\' || ' ; SELECT 1; SELECT '", "'a\\'' ; SELECT 1; SELECT '",
			// driver: /*/ closes its comment
			"/*/ ; SELECT 1; SELECT */ 1",
			// driver: a $ after a letter or digit starts no dollar quote
			"1$a$ ; SELECT 1; SELECT $a$", "1.5$a$ ; SELECT 1; SELECT $a$", "\u0001$a$ ; SELECT 1; SELECT $a$",
			// driver: e' right after a closing quote is no escape string
			"'x'e'\\' ; SELECT 1; SELECT '",
			// driver: a brace is a JDBC escape
			"{fn now()}" })
	void rejectsWhatEscapesInAnyReading(String sql) {
		assertThat(SqlText.expressionProblem(sql)).isNotNull();
	}

	/** What the readings agree on: quoting forms PostgreSQL accepts in an expression. */
	@ParameterizedTest
	@ValueSource(strings = { "U&'d\\0061t\\+000061'", "U&\"d!0061t\" UESCAPE '!'", "B'1010' | B'0101'",
			"X'1F'::bit(8)", "N'caf\u00e9'", "'line one'\n'line two'", "E'it\\'s'", "E'\\\\'", "\"a\"\"b\" IS NULL",
			"a$b$c", "$1", "1_000 + 0x1F", "$tag$ it's $tag$", "$$ -- not a comment $$", "'/*' || '*/'",
			"x /* a /* nested */ comment */ + 1", "café || 'x'", "1.5e3 + .5", "'{1,2}'::int[]", "-- note\n1" })
	void acceptsEveryQuotingForm(String sql) {
		assertThat(SqlText.expressionProblem(sql)).isNull();
	}

	@Test
	void explainsAStringThatOnlyEndsWithStandardConformingStrings() {
		assertThat(SqlText.expressionProblem("'C:\\'")).contains("standard_conforming_strings is off")
			.contains("E'");
	}

	@Test
	void refusesNulAndFragmentsOfOnlyComments() {
		assertThat(SqlText.expressionProblem("1\u0000")).contains("NUL");
		assertThat(SqlText.expressionProblem("-- nothing")).contains("empty");
		assertThat(SqlText.expressionProblem("\"\"")).contains("empty quoted identifier");
	}

	@Test
	void aTrailingLineCommentGetsALineBreakSoThatItCannotSwallowWhatFollows() {
		assertThat(SqlText.terminated("upper(name) -- shout")).isEqualTo("upper(name) -- shout\n");
		assertThat(SqlText.terminated("upper(name) /* shout */")).isEqualTo("upper(name) /* shout */");
		assertThat(SqlText.terminated("'--' || x")).isEqualTo("'--' || x");
		assertThat(Sql.parenthesised("upper(name) -- shout")).isEqualTo("(upper(name) -- shout\n)");
		assertThat(Sql.parenthesised("(a) -- shout")).isEqualTo("((a) -- shout\n)");
	}

	/** Only PostgreSQL's own whitespace is trimmed: a leading U+2003 is a letter to the server. */
	@Test
	void parenthesisingKeepsCharactersTheServerTakesForLetters() {
		assertThat(Sql.parenthesised("\u2003x ")).isEqualTo("(\u2003x)");
	}

	@Test
	void splitsUserSqlWhereTheServerEndsAStatement() {
		assertThat(SqlText.statements("CREATE TABLE a (x text DEFAULT ';'); -- only a comment\n;; -- a\nINSERT INTO a "
				+ "VALUES ($$;$$) -- b"))
			.containsExactly("CREATE TABLE a (x text DEFAULT ';')", "-- a\nINSERT INTO a VALUES ($$;$$) -- b\n");
		assertThat(SqlText.statements("""
				CREATE FUNCTION f() RETURNS int LANGUAGE sql
				BEGIN ATOMIC SELECT CASE WHEN true THEN 1 END; SELECT 2; END;
				CREATE RULE r AS ON INSERT TO t DO ALSO (NOTIFY a; NOTIFY b);
				SELECT 3""")).hasSize(3).last().isEqualTo("SELECT 3");
	}

	@ParameterizedTest
	@ValueSource(strings = { "COMMIT", "create table t (); commit", "ROLLBACK", "END", "ABORT", "BEGIN",
			"START TRANSACTION", "SAVEPOINT s", "RELEASE SAVEPOINT s", "PREPARE TRANSACTION 'x'", "COMMIT PREPARED 'x'",
			"ROLLBACK PREPARED 'x'", "SET ROLE postgres", "set local role postgres", "SET SESSION ROLE postgres",
			"SET role = 'postgres'", "SET \"ROLE\" TO postgres", "RESET ROLE", "SET SESSION AUTHORIZATION postgres",
			"SET LOCAL SESSION AUTHORIZATION DEFAULT", "RESET SESSION AUTHORIZATION", "SET session_authorization TO x",
			"RESET ALL", "DISCARD ALL", "SET standard_conforming_strings = off",
			"SELECT set_config('role', 'postgres', false)", "SELECT pg_catalog.set_config(E'ROLE', 'x', true)",
			"/* c */ -- d\n  commit" })
	void refusesUserSqlThatEndsTheTransactionOrChangesTheRole(String sql) {
		assertThat(SqlText.userSqlProblem(sql)).isNotNull();
	}

	@ParameterizedTest
	@ValueSource(strings = { "CREATE TABLE commits (id int); INSERT INTO commits VALUES (1)",
			"SET search_path TO app", "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SERIALIZABLE",
			"SELECT set_config('app.flag', 'role', false)", "UPDATE t SET role = 'admin'",
			"CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$ BEGIN COMMIT; END $$", "PREPARE q AS SELECT 1",
			"COMMENT ON TABLE t IS 'commit; rollback'" })
	void acceptsUserSqlThatOnlyMentionsThoseWords(String sql) {
		assertThat(SqlText.userSqlProblem(sql)).isNull();
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
