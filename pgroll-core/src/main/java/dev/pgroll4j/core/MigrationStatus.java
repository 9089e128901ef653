package dev.pgroll4j.core;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Where a schema stands.
 *
 * @param schema the schema
 * @param state no migrations yet, a migration in progress, or the latest complete
 * @param activeMigration the migration in progress (of a rollout, its last migration), or {@code null}
 * @param latestVersionSchema the newest version schema that exists among the listed migrations, or {@code null}
 * @param previousVersionSchema during a migration or rollout, the version schema before it, which old clients still
 * use; else {@code null}
 * @param history the newest migrations, oldest first, as many as the status call asked for
 * @param earlierHistory whether older migrations exist than the first one listed ({@link Pgroll#history()} reads
 * them all)
 * @param rollout the migrations in progress, oldest first: the active migration alone, or every migration of the
 * active rollout; empty when none is active
 * @param instances the live application instances of the schema (registered, and sessions recognised by their
 * {@code application_name}), by version schema
 */
public record MigrationStatus(String schema, State state, @Nullable MigrationRecord activeMigration,
		@Nullable String latestVersionSchema, @Nullable String previousVersionSchema, List<MigrationRecord> history,
		boolean earlierHistory, List<MigrationRecord> rollout, List<Instance> instances) {

	public MigrationStatus {
		history = List.copyOf(history);
		rollout = List.copyOf(rollout);
		instances = List.copyOf(instances);
	}

	/** A status as before the instance registry: no instances. */
	public MigrationStatus(String schema, State state, @Nullable MigrationRecord activeMigration,
			@Nullable String latestVersionSchema, @Nullable String previousVersionSchema, List<MigrationRecord> history,
			boolean earlierHistory, List<MigrationRecord> rollout) {
		this(schema, state, activeMigration, latestVersionSchema, previousVersionSchema, history, earlierHistory,
				rollout, List.of());
	}

	/** The live instances using a version schema. */
	public List<Instance> instancesOf(String versionSchema) {
		return this.instances.stream().filter((instance) -> instance.versionSchema().equals(versionSchema)).toList();
	}

	/** The state of a schema's migrations. */
	public enum State {

		NO_MIGRATIONS, IN_PROGRESS, COMPLETE

	}

	/** The newest migration, or {@code null} if there is none. */
	public @Nullable MigrationRecord latest() {
		return this.history.isEmpty() ? null : this.history.get(this.history.size() - 1);
	}

}
