package dev.pgroll4j.core;

import java.util.List;

/**
 * Complete or rollback refused because what it would drop (a version schema, a view of one, a trigger function, an
 * object a {@code sql} operation created) holds or is needed by objects the engine did not create: a table created
 * through a connection pinned to a version schema, a view elsewhere that reads a version view, a trigger on one.
 * Dropping them would lose data or break them, so nothing is dropped; the message says, for each object, how to
 * move it out of the way. Raised before any DDL runs, so the database is untouched and the migration stays active.
 */
public class ForeignObjectsException extends MigrationStateException {

	private static final long serialVersionUID = 1L;

	private final List<String> objects;

	/**
	 * @param message the whole explanation, with one line per object
	 * @param objects each object as PostgreSQL describes it, such as {@code table public_01_init.notes}
	 */
	public ForeignObjectsException(String message, List<String> objects) {
		super(message);
		this.objects = List.copyOf(objects);
	}

	/** The objects in the way, as PostgreSQL describes them ({@code table public_01_init.notes}). */
	public List<String> objects() {
		return this.objects;
	}

}
