package dev.pgroll4j.core.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Runs SQL that carries user text where the server itself keeps it in its place, whatever the text turns out to
 * say. The lexical checks of {@link SqlText} come first; this is what holds if one of them is ever wrong.
 *
 * <p>The text reaches the server as a bind parameter, so no client-side splitting applies, and runs through
 * {@code EXECUTE} in a PL/pgSQL function that a {@code SELECT} calls: an atomic context, in which the server refuses
 * {@code COMMIT}, {@code ROLLBACK}, {@code SAVEPOINT} and every other transaction command, even from a {@code DO}
 * block or a procedure. The function is {@code SECURITY DEFINER}, owned by the role that migrates, so it runs as
 * that very role, and the server refuses {@code SET ROLE}, {@code SET SESSION AUTHORIZATION} and
 * {@code set_config('role', ...)} inside it. Both functions live in the session's temporary schema and only as long
 * as the transaction that installs them.
 */
final class ContainedSql {

	private static final String CONTAINED = "pg_temp._pgroll_contained";

	private static final String USER_STATEMENT = "pg_temp._pgroll_user_statement";

	/**
	 * With {@code single}, the text must be exactly one statement before any of it runs: opening a cursor on it
	 * parses it whole and fails for several statements. The server's message for that is taken from a text known
	 * to be two statements, so the comparison holds whatever language the server reports in. Never for user SQL:
	 * opening and closing a cursor would run a data-modifying WITH once more.
	 */
	private static final String CONTAINED_FUNCTION = """
			CREATE OR REPLACE FUNCTION pg_temp._pgroll_contained(statement text, single boolean) RETURNS void
			LANGUAGE plpgsql SECURITY DEFINER AS $pgroll$
			DECLARE
			  probe refcursor;
			  several text;
			BEGIN
			  IF single THEN
			    BEGIN
			      OPEN probe FOR EXECUTE 'SELECT 1; SELECT 1';
			    EXCEPTION WHEN invalid_cursor_definition THEN
			      several := SQLERRM;
			    END;
			    BEGIN
			      OPEN probe FOR EXECUTE statement;
			      CLOSE probe;
			    EXCEPTION WHEN invalid_cursor_definition THEN
			      IF SQLERRM = several THEN
			        RAISE EXCEPTION 'the SQL turns the statement it is part of into several statements'
			          USING ERRCODE = 'syntax_error';
			      END IF;
			    END;
			  END IF;
			  EXECUTE statement;
			END
			$pgroll$""";

	/** Not a security definer, so that current_user here is the caller's, before and after the statement. */
	private static final String USER_STATEMENT_FUNCTION = """
			CREATE OR REPLACE FUNCTION pg_temp._pgroll_user_statement(statement text) RETURNS void
			LANGUAGE plpgsql AS $pgroll$
			DECLARE
			  role_before text := current_user;
			  session_before text := session_user;
			BEGIN
			  PERFORM pg_temp._pgroll_contained(statement, false);
			  IF current_user <> role_before OR session_user <> session_before THEN
			    RAISE EXCEPTION 'the statement changed the role from % to % (session user % to %)',
			      role_before, current_user, session_before, session_user USING ERRCODE = 'insufficient_privilege';
			  END IF;
			  IF current_setting('standard_conforming_strings') <> 'on' THEN
			    RAISE EXCEPTION 'the statement turned standard_conforming_strings off, which the engine''s own SQL relies on'
			      USING ERRCODE = 'invalid_parameter_value';
			  END IF;
			END
			$pgroll$""";

	private ContainedSql() {
	}

	/**
	 * Creates the function for {@link #runSingle} in the current transaction (or savepoint), which takes it away
	 * when it is rolled back; with {@code forUserSql} also the one for {@link #runUserStatement}.
	 */
	static void install(Connection connection, boolean forUserSql) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute(CONTAINED_FUNCTION);
			if (forUserSql) {
				statement.execute(USER_STATEMENT_FUNCTION);
			}
		}
	}

	/** Drops the functions before the transaction that installed them commits. */
	static void uninstall(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute("DROP FUNCTION IF EXISTS " + USER_STATEMENT + "(text), " + CONTAINED + "(text, boolean)");
		}
	}

	/** Runs a statement the engine built around a fragment; it must be one statement, and cannot end the transaction. */
	static void runSingle(Connection connection, String sql) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement("SELECT " + CONTAINED + "(?, true)")) {
			statement.setString(1, sql);
			statement.execute();
		}
	}

	/**
	 * Runs one statement of a {@code sql} operation. It cannot end the transaction or change the role, and fails if
	 * afterwards the role, the session user or standard_conforming_strings are not what they were.
	 */
	static void runUserStatement(Connection connection, String sql) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement("SELECT " + USER_STATEMENT + "(?)")) {
			statement.setString(1, sql);
			statement.execute();
		}
	}

}
