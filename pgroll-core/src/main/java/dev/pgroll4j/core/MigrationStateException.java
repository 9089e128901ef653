package dev.pgroll4j.core;

/**
 * The request does not fit the migration history: starting while another migration is active, completing when
 * none is, starting a migration that was already applied.
 */
public class MigrationStateException extends PgrollException {

	private static final long serialVersionUID = 1L;

	public MigrationStateException(String message) {
		super(message);
	}

}
