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
 * {@code set_config('role', ...)} inside it. The function lives in the session's temporary schema and only as long
 * as the transaction that installs it.
 */
final class ContainedSql {

	private static final String CONTAINED = "pg_temp._pgroll_contained";

	/**
	 * With {@code single}, the text must be exactly one statement before any of it runs: opening a cursor on it
	 * parses it whole and fails for several statements. The server's message for that is taken from a text known
	 * to be two statements, so the comparison holds whatever language the server reports in.
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

	private ContainedSql() {
	}

	/** Creates the function in the current transaction (or savepoint), which takes it away when it is rolled back. */
	static void install(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute(CONTAINED_FUNCTION);
		}
	}

	/** Runs a statement the engine built around a fragment; it must be one statement, and cannot end the transaction. */
	static void runSingle(Connection connection, String sql) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement("SELECT " + CONTAINED + "(?, true)")) {
			statement.setString(1, sql);
			statement.execute();
		}
	}

}
