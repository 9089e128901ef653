package dev.pgroll4j.core;

/**
 * A statement kept failing on {@code lock_timeout} until the retry budget ran out. The message says which
 * statement waited and which sessions held locks on the schema's tables at the end.
 */
public class LockTimeoutException extends MigrationExecutionException {

	private static final long serialVersionUID = 1L;

	public LockTimeoutException(String message, String statement, Throwable cause) {
		super(message, statement, "55P03", cause);
	}

}
