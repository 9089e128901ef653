package dev.pgroll4j.core;

import java.util.List;

/**
 * Where a schema stands.
 *
 * @param schema the schema
 * @param state no migrations yet, a migration in progress, or the latest complete
 * @param activeMigration the migration in progress, or {@code null}
 * @param latestVersionSchema the newest version schema that exists, or {@code null}
 * @param previousVersionSchema during a migration, the version schema old clients still use; else {@code null}
 * @param history every migration of the schema, oldest first
 */
public record MigrationStatus(String schema, State state, MigrationRecord activeMigration,
		String latestVersionSchema, String previousVersionSchema, List<MigrationRecord> history) {

	/** The state of a schema's migrations. */
	public enum State {

		NO_MIGRATIONS, IN_PROGRESS, COMPLETE

	}

	/** The newest migration, or {@code null} if there is none. */
	public MigrationRecord latest() {
		return this.history.isEmpty() ? null : this.history.get(this.history.size() - 1);
	}

}
