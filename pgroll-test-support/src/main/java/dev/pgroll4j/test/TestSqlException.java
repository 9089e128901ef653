package dev.pgroll4j.test;

import java.sql.SQLException;

/** A failed statement in test code, unchecked so tests stay short; the message names the statement. */
public class TestSqlException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final String sql;

	public TestSqlException(String sql, SQLException cause) {
		super(cause.getMessage() + " [SQLState " + cause.getSQLState() + "] in: " + sql, cause);
		this.sql = sql;
	}

	public String sql() {
		return sql;
	}

	/** The five-character SQLSTATE, e.g. "23505" for a unique violation. */
	public String sqlState() {
		return ((SQLException) getCause()).getSQLState();
	}
}
