package dev.pgroll4j.core;

/** Base of every error the engine raises. */
public class PgrollException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public PgrollException(String message) {
		super(message);
	}

	public PgrollException(String message, Throwable cause) {
		super(message, cause);
	}

}
