package dev.pgroll4j.core;

import java.sql.SQLException;

import org.jspecify.annotations.Nullable;

/**
 * No connection to the database could be opened: the server does not run or is not reachable at that address, or
 * it refused the credentials. Nothing was changed.
 */
public class PgrollConnectionException extends PgrollException {

	private static final long serialVersionUID = 1L;

	private final String schema;

	private final String serverMessage;

	private final @Nullable String sqlState;

	/**
	 * @param message the full explanation
	 * @param schema the schema the connection was for
	 * @param serverMessage what the driver or the server said
	 * @param cause the driver's exception
	 */
	public PgrollConnectionException(String message, String schema, String serverMessage, SQLException cause) {
		super(message, cause);
		this.schema = schema;
		this.serverMessage = serverMessage;
		this.sqlState = cause.getSQLState();
	}

	/** The schema the connection was for. */
	public String schema() {
		return this.schema;
	}

	/** What the driver or the server said, such as {@code Connection to localhost:1 refused}. */
	public String serverMessage() {
		return this.serverMessage;
	}

	/** The SQLSTATE of the failure, such as {@code 08001} or {@code 28P01}; null if the driver gave none. */
	public @Nullable String sqlState() {
		return this.sqlState;
	}

}
