package dev.pgroll4j.core.internal.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

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
public final class ContainedSql {

	private static final String CONTAINED = "pg_temp._pgroll_contained";

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

	/**
	 * What must hold after each statement of user SQL. Besides the role, the session user and
	 * standard_conforming_strings, the contained function itself: the SQL runs as the role that owns it, so a
	 * statement could replace, drop or overload it for the next one. Everything is qualified, so that nothing the
	 * SQL creates can stand in for a name here.
	 */
	private static final String STATE = """
			SELECT current_user, session_user, pg_catalog.current_setting('standard_conforming_strings'),
			       p.oid, p.proowner, p.prosecdef, p.prolang, p.proconfig, p.prosrc
			FROM (VALUES (1)) AS one
			LEFT JOIN pg_catalog.pg_proc p
			  ON p.pronamespace OPERATOR(pg_catalog.=) pg_catalog.pg_my_temp_schema()
			 AND p.proname OPERATOR(pg_catalog.=) '_pgroll_contained'
			ORDER BY p.oid""";

	private ContainedSql() {
	}

	/** Creates the function in the current transaction (or savepoint), which takes it away when it is rolled back. */
	public static void install(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute(CONTAINED_FUNCTION);
		}
	}

	/** Drops the function before the transaction that installed it commits. */
	static void uninstall(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute("DROP FUNCTION IF EXISTS " + CONTAINED + "(pg_catalog.text, pg_catalog.bool)");
		}
	}

	/** Runs a statement the engine built around a fragment; it must be one statement, and cannot end the transaction. */
	public static void runSingle(Connection connection, String sql) throws SQLException {
		run(connection, sql, true);
	}

	/**
	 * Runs one statement of a {@code sql} operation. It cannot end the transaction or change the role, and fails
	 * unless the {@link #state} afterwards is {@code before}.
	 */
	static void runUserStatement(Connection connection, String sql, State before) throws SQLException {
		run(connection, sql, false);
		State after = state(connection);
		if (!after.role().equals(before.role()) || !after.sessionUser().equals(before.sessionUser())) {
			throw new SQLException("the statement changed the role from " + before.role() + " to " + after.role()
					+ " (session user " + before.sessionUser() + " to " + after.sessionUser() + ")", "42501");
		}
		if (!after.standardConformingStrings().equals(before.standardConformingStrings())) {
			throw new SQLException("the statement changed standard_conforming_strings, which the engine's own SQL "
					+ "relies on", "22023");
		}
		if (!after.function().equals(before.function())) {
			throw new SQLException("the statement replaced, dropped or overloaded the engine's function " + CONTAINED,
					"42501");
		}
	}

	private static void run(Connection connection, String sql, boolean single) throws SQLException {
		// The cast picks the function by its exact signature, never an overload the SQL may have added.
		try (PreparedStatement statement = connection
			.prepareStatement("SELECT " + CONTAINED + "(?::pg_catalog.text, " + single + ")")) {
			statement.setString(1, sql);
			statement.execute();
		}
	}

	/** The session as a statement of user SQL must leave it. */
	static State state(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(STATE)) {
			List<String> function = new ArrayList<>();
			String role = null;
			String sessionUser = null;
			String standardConformingStrings = null;
			while (rs.next()) {
				role = rs.getString(1);
				sessionUser = rs.getString(2);
				standardConformingStrings = rs.getString(3);
				function.add(rs.getString(4) + " " + rs.getString(5) + " " + rs.getString(6) + " " + rs.getString(7)
						+ " " + rs.getString(8) + " " + rs.getString(9));
			}
			return new State(role, sessionUser, standardConformingStrings, function);
		}
	}

	/**
	 * The role, session user and standard_conforming_strings of the session, and the identity and definition of
	 * every function of the contained function's name in its temporary schema.
	 */
	record State(String role, String sessionUser, String standardConformingStrings, List<String> function) {
	}

}
