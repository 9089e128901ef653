package dev.pgroll4j.core;

/**
 * A statement failed while a migration ran. The message names the migration, the step (which operation, or the
 * engine's own work such as creating views) and the statement, followed by PostgreSQL's message.
 */
public class MigrationExecutionException extends PgrollException {

	private static final long serialVersionUID = 1L;

	private final String statement;

	private final String sqlState;

	public MigrationExecutionException(String message, String statement, String sqlState, Throwable cause) {
		super(message, cause);
		this.statement = statement;
		this.sqlState = sqlState;
	}

	/** The statement that failed, if a statement failed. */
	public String statement() {
		return this.statement;
	}

	/** PostgreSQL's SQLSTATE, if the database reported the error. */
	public String sqlState() {
		return this.sqlState;
	}

}
