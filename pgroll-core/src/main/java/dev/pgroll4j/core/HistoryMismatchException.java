package dev.pgroll4j.core;

/**
 * The migration history of a schema and the local migration files disagree on a migration both have: a file was
 * renamed, removed or added out of order, or a file was changed after its migration was applied. Nothing was changed.
 */
public class HistoryMismatchException extends MigrationStateException {

	private static final long serialVersionUID = 1L;

	/** What differs between the history and the files. */
	public enum Difference {

		/** The history applied another migration at this position: a file was renamed, removed or added. */
		NAME,

		/** The file holds other content than the history applied: it was edited after it was applied. */
		CONTENT

	}

	private final Difference difference;

	private final String schema;

	private final int position;

	private final String appliedMigration;

	private final String fileMigration;

	private final String file;

	/**
	 * @param message the full explanation
	 * @param difference what differs
	 * @param schema the migrated schema
	 * @param position the 1-based position in the history where they disagree
	 * @param appliedMigration the name of the migration the database applied there
	 * @param fileMigration the name of the local migration there (the same as {@code appliedMigration} for
	 * {@link Difference#CONTENT})
	 * @param file the local file (or other origin) of that migration
	 */
	public HistoryMismatchException(String message, Difference difference, String schema, int position,
			String appliedMigration, String fileMigration, String file) {
		super(message);
		this.difference = difference;
		this.schema = schema;
		this.position = position;
		this.appliedMigration = appliedMigration;
		this.fileMigration = fileMigration;
		this.file = file;
	}

	public Difference difference() {
		return this.difference;
	}

	public String schema() {
		return this.schema;
	}

	/** The 1-based position in the history where the history and the files disagree. */
	public int position() {
		return this.position;
	}

	/** The migration the database applied at that position. */
	public String appliedMigration() {
		return this.appliedMigration;
	}

	/** The local migration at that position. */
	public String fileMigration() {
		return this.fileMigration;
	}

	/** The file (or other origin) of the local migration. */
	public String file() {
		return this.file;
	}

}
