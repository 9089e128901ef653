package dev.pgroll4j.core.sql;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.postgresql.core.Parser;

import dev.pgroll4j.test.PostgresTest;
import dev.pgroll4j.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The expression check against its oracles, on generated fragments built to confuse lexers: every fragment the
 * check accepts is pasted where the engine pastes fragments, and neither the server nor pgjdbc may see more than
 * one statement in the result.
 *
 * <p>The server decides without running anything: a PL/pgSQL function opens a cursor on the text, which makes the
 * server parse it whole and refuse a text of several statements before executing any ("cannot open multi-query
 * plan as cursor"); a single CREATE TABLE is refused too, but as one statement. It decides with
 * standard_conforming_strings on (the engine's sessions) and off (a client session compiling a trigger may have
 * it). pgjdbc decides with its own splitter, {@link Parser#parseJdbcSql}, which cuts the text the engine sends at
 * each {@code ;} it sees. The generator is seeded, so a run is repeatable; the figures are printed.
 */
@PostgresTest
@Tag("operations")
class ExpressionLexerFuzzTests {

	private static final long SEED = 20_250_611L;

	private static final int CANDIDATES = 6_000;

	/** Where fragments are pasted: bare (DEFAULT) and in parentheses (CHECK, WHERE, trigger assignments). */
	private static final Map<String, UnaryOperator<String>> CONTEXTS = new LinkedHashMap<>();

	static {
		CONTEXTS.put("default", (fragment) -> "CREATE TEMPORARY TABLE fuzz (v integer DEFAULT " + fragment + ")");
		CONTEXTS.put("check", (fragment) -> "CREATE TEMPORARY TABLE fuzz (v integer CHECK (" + fragment + "))");
	}

	/**
	 * Starts that leave some reader inside a comment, string, identifier or quote that another reader has closed,
	 * and plain ones that every reader closes.
	 */
	private static final String[] OPENERS = { "0 --\r", "0 --\r\n", "0 -- x\n", "0 /* x */", "'\\'", "'a\\'' || '",
			"E'a'\n'\\''", "E'a' -- c\n'\\''", "E'a'\u000B\n'\\''", "E'a' /* c */\n'\\''", "E'\\'", "B'\\'", "X'\\'",
			"U&'\\'", "N'\\'", "$a$", "$$", "1$a$", "1.5$a$", "\u0001$a$", "\u2003$a$", "a\u00a0$a$", "1a$a$", "0x$a$",
			"1e'\\'", "'x'e'\\'", "/*/", "/* /* */", "\"", "U&\"", "$1a$a$", "'", "/*", "e'\\'", "'a'\r'\\''", "0", "'a'",
			"$$x$$", "\"c\"", "B'1'", "x" };

	/** Statement breaks that make a valid second statement in one of the two contexts when nothing hides them. */
	private static final String[] BREAKOUTS = { ") ; SELECT (0", ")) ; SELECT ((0", ") ; SELECT 1 --",
			")) ; SELECT 1 --" };

	/** Ends that close in one reader what the opener left open in another, and leave the second statement valid. */
	private static final String[] CLOSERS = { "", " --'", " -- $a$", " -- */", " --\"", " /* ' */", " + 0", " || ''",
			" -- '\\'", "'", "$a$", "*/", "\"" };

	private static final String[] ATOMS = { "a", "1", " ", "(", ")", "||", "\n", "\r", "'b'", "x", "--", "/*", "*/", "e",
			"E", "U&", "$", "\\", ";", ") ;", ";" };

	private static final String ALPHABET = "'\"$;()-/*\\eEUu&BbXxNn_a1.0 \n\r\t\f\u000B\u00a0\u2003\u0001{}?:[]+";

	@Test
	void noFragmentTheCheckAcceptsIsMoreThanOneStatementToTheServerOrTheDriver(TestDatabase database)
			throws SQLException {
		List<String> candidates = candidates();
		List<Boolean> accepted = candidates.stream().map((fragment) -> SqlText.expressionProblem(fragment) == null)
			.toList();
		Map<String, List<String>> pasted = new LinkedHashMap<>();
		CONTEXTS.forEach((name, context) -> {
			List<String> texts = new ArrayList<>();
			for (int i = 0; i < candidates.size(); i++) {
				// As the engine pastes it; a refused fragment as written, with a line break after it.
				String fragment = candidates.get(i);
				texts.add(context.apply(accepted.get(i) ? SqlText.terminated(fragment) : fragment + "\n"));
			}
			pasted.put(name, texts);
		});

		Map<String, List<String>> standard = new LinkedHashMap<>();
		Map<String, List<String>> escaped = new LinkedHashMap<>();
		try (Connection connection = database.connect()) {
			installVerdicts(connection);
			for (Map.Entry<String, List<String>> texts : pasted.entrySet()) {
				standard.put(texts.getKey(), verdicts(connection, texts.getValue(), true));
				escaped.put(texts.getKey(), verdicts(connection, texts.getValue(), false));
			}
		}

		List<String> escapes = new ArrayList<>();
		List<String> falseRefusals = new ArrayList<>();
		int parsed = 0;
		int multiple = 0;
		int split = 0;
		for (int i = 0; i < candidates.size(); i++) {
			boolean everyReaderSeesOne = true;
			for (String context : CONTEXTS.keySet()) {
				String on = standard.get(context).get(i);
				String off = escaped.get(context).get(i);
				boolean driverSplits = driverStatements(pasted.get(context).get(i)) > 1;
				parsed += on.equals("one") ? 1 : 0;
				multiple += (on.equals("many") || off.equals("many")) ? 1 : 0;
				split += driverSplits ? 1 : 0;
				if (accepted.get(i) && (on.equals("many") || off.equals("many") || driverSplits)) {
					escapes.add(context + ": " + printable(candidates.get(i)) + " (server: " + on + ", with "
							+ "standard_conforming_strings off: " + off + ", pgjdbc splits: " + driverSplits + ")");
				}
				everyReaderSeesOne &= on.equals("one") && off.equals("one") && !driverSplits;
			}
			if (!accepted.get(i) && everyReaderSeesOne) {
				falseRefusals.add(printable(candidates.get(i)) + " (" + SqlText.expressionProblem(candidates.get(i))
						+ ")");
			}
		}
		long acceptedCount = accepted.stream().filter(Boolean::booleanValue).count();
		System.out.printf("expression lexer fuzz: seed %d, PostgreSQL %d, %d fragments in %d contexts; the check "
				+ "accepted %d; the server parsed %d of the %d pasted texts as one statement (standard_conforming_strings"
				+ " on), saw several statements in %d (on or off), pgjdbc split %d; accepted but several: %d; refused "
				+ "though every reader saw one valid statement: %d%n", SEED, database.serverMajorVersion(),
				candidates.size(), CONTEXTS.size(), acceptedCount, parsed, candidates.size() * CONTEXTS.size(), multiple,
				split, escapes.size(), falseRefusals.size());
		falseRefusals.stream().limit(20).forEach((refusal) -> System.out.println("  refused: " + refusal));
		assertThat(multiple).as("the generator must produce texts the server reads as several statements")
			.isGreaterThan(100);
		assertThat(escapes).as("fragments the check accepted that are more than one statement").isEmpty();
	}

	private static List<String> candidates() {
		Random random = new Random(SEED);
		List<String> candidates = new ArrayList<>();
		for (String opener : OPENERS) {
			for (String breakout : BREAKOUTS) {
				for (String closer : CLOSERS) {
					candidates.add(opener + breakout + closer);
				}
			}
		}
		while (candidates.size() < CANDIDATES) {
			StringBuilder fragment = new StringBuilder();
			if (random.nextInt(3) > 0) {
				fragment.append(pick(random, OPENERS)).append(pick(random, BREAKOUTS)).append(pick(random, CLOSERS));
			}
			else {
				int pieces = 1 + random.nextInt(6);
				for (int i = 0; i < pieces; i++) {
					String[] pool = switch (random.nextInt(4)) {
						case 0 -> OPENERS;
						case 1 -> BREAKOUTS;
						case 2 -> CLOSERS;
						default -> ATOMS;
					};
					fragment.append(pick(random, pool));
				}
			}
			int mutations = 1 + random.nextInt(2);
			for (int i = 0; i < mutations && fragment.length() > 0; i++) {
				int at = random.nextInt(fragment.length());
				char c = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
				switch (random.nextInt(3)) {
					case 0 -> fragment.insert(at, c);
					case 1 -> fragment.deleteCharAt(at);
					default -> fragment.setCharAt(at, c);
				}
			}
			candidates.add(fragment.toString());
		}
		return candidates;
	}

	private static String pick(Random random, String[] pool) {
		return pool[random.nextInt(pool.length)];
	}

	/**
	 * One verdict per text, without running any: "one", "many" (the server's own message for several statements,
	 * captured first, so the comparison holds in any locale), "syntax" or "other" with the SQLSTATE.
	 */
	private static void installVerdicts(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute("""
					CREATE FUNCTION pg_temp.verdicts(texts text[]) RETURNS text[] LANGUAGE plpgsql AS $fuzz$
					DECLARE
					  probe refcursor;
					  several text;
					  verdicts text[] := '{}';
					  text_to_read text;
					BEGIN
					  BEGIN
					    OPEN probe FOR EXECUTE 'SELECT 1; SELECT 1';
					  EXCEPTION WHEN invalid_cursor_definition THEN
					    several := SQLERRM;
					  END;
					  FOREACH text_to_read IN ARRAY texts LOOP
					    BEGIN
					      OPEN probe FOR EXECUTE text_to_read;
					      CLOSE probe;
					      verdicts := verdicts || 'one'::text;
					    EXCEPTION
					      WHEN invalid_cursor_definition THEN
					        verdicts := verdicts || CASE WHEN SQLERRM = several THEN 'many' ELSE 'one' END;
					      WHEN syntax_error THEN
					        verdicts := verdicts || 'syntax'::text;
					      WHEN OTHERS THEN
					        verdicts := verdicts || ('other ' || SQLSTATE);
					    END;
					  END LOOP;
					  RETURN verdicts;
					END
					$fuzz$""");
			statement.execute("SET escape_string_warning = off");
		}
	}

	private static List<String> verdicts(Connection connection, List<String> texts, boolean standardConformingStrings)
			throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute("SET standard_conforming_strings = " + (standardConformingStrings ? "on" : "off"));
		}
		List<String> verdicts = new ArrayList<>();
		for (int from = 0; from < texts.size(); from += 500) {
			List<String> batch = texts.subList(from, Math.min(texts.size(), from + 500));
			try (PreparedStatement statement = connection.prepareStatement("SELECT pg_temp.verdicts(?)")) {
				Array array = connection.createArrayOf("text", batch.toArray());
				statement.setArray(1, array);
				try (ResultSet rs = statement.executeQuery()) {
					rs.next();
					verdicts.addAll(List.of((String[]) rs.getArray(1).getArray()));
				}
			}
		}
		return verdicts;
	}

	/** How many statements pgjdbc sends for the text, as the engine's Statement.execute would. */
	private static int driverStatements(String text) {
		try {
			return Parser.parseJdbcSql(text, true, false, true, false, false).size();
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String printable(String text) {
		StringBuilder out = new StringBuilder("\"");
		for (char c : text.toCharArray()) {
			if (c < 0x20 || c > 0x7e) {
				out.append(String.format("\\u%04x", (int) c));
			}
			else {
				out.append(c);
			}
		}
		return out.append('"').toString();
	}

}
