package dev.pgroll4j.core;

/**
 * The database has applied migrations newer than every local file, and the version schema of this application's
 * newest migration is gone (a later release completed past it): this application cannot be served. Nothing was
 * changed.
 */
public class DatabaseAheadException extends MigrationStateException {

	private static final long serialVersionUID = 1L;

	private final String schema;

	private final String newestLocalMigration;

	private final String newestAppliedMigration;

	private final String missingVersionSchema;

	/**
	 * @param message the full explanation
	 * @param schema the migrated schema
	 * @param newestLocalMigration the name of this application's newest migration
	 * @param newestAppliedMigration the name of the newest migration in the history
	 * @param missingVersionSchema the version schema this application needs, which no longer exists
	 */
	public DatabaseAheadException(String message, String schema, String newestLocalMigration,
			String newestAppliedMigration, String missingVersionSchema) {
		super(message);
		this.schema = schema;
		this.newestLocalMigration = newestLocalMigration;
		this.newestAppliedMigration = newestAppliedMigration;
		this.missingVersionSchema = missingVersionSchema;
	}

	public String schema() {
		return this.schema;
	}

	/** This application's newest migration. */
	public String newestLocalMigration() {
		return this.newestLocalMigration;
	}

	/** The newest migration the database applied. */
	public String newestAppliedMigration() {
		return this.newestAppliedMigration;
	}

	/** The version schema this application needs, which no longer exists. */
	public String missingVersionSchema() {
		return this.missingVersionSchema;
	}

}
