package dev.pgroll4j.core.internal.engine;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.pgroll4j.core.MigrationStateException;
import dev.pgroll4j.core.MigrationValidationException;
import dev.pgroll4j.core.internal.catalog.Probes;
import dev.pgroll4j.core.internal.catalog.SchemaReader;
import dev.pgroll4j.core.internal.jdbc.Session;
import dev.pgroll4j.core.internal.state.StoredMigration;
import dev.pgroll4j.core.internal.sync.VersionSchemas;
import dev.pgroll4j.core.migration.Migration;
import dev.pgroll4j.core.sql.Identifiers;

/**
 * Checks a migration as start would, against the live schema and the history, without changing anything: that it
 * may start now (no other migration active, not applied already, its version schema free) and that its plan holds.
 */
final class Validate {

	private final EngineSetup setup;

	Validate(EngineSetup setup) {
		this.setup = setup;
	}

	void run(List<Migration> rollout) {
		try (Session session = Session.open(this.setup.configuration())) {
			Connection connection = session.connection();
			boolean initialized = this.setup.state().isInitialized(connection);
			if (initialized) {
				checkStartable(connection, rollout);
			}
			else {
				checkNames(rollout);
				checkVersionSchemaFree(connection, rollout.get(rollout.size() - 1));
			}
			this.setup.planner()
				.plan(rollout, SchemaReader.read(connection, this.setup.schema()), new Probes(connection),
						initialized ? this.setup.recentVersionSchemas(connection) : Set.of());
		}
		catch (SQLException ex) {
			throw EngineSetup.unexpected("validating " + Start.describe(rollout), ex);
		}
	}

	/**
	 * Refuses a rollout that cannot start now: another is active, one of its migrations was applied, or the version
	 * schema of its last migration is taken.
	 */
	void checkStartable(Connection connection, List<Migration> rollout) throws SQLException {
		String schema = this.setup.schema();
		checkNames(rollout);
		Optional<StoredMigration> active = this.setup.state().active(connection);
		if (active.isPresent()) {
			throw new MigrationStateException("cannot start " + Start.describe(rollout) + ": migration \""
					+ active.get().name() + "\" is still active on schema \"" + schema + "\"; complete or roll it "
					+ "back first");
		}
		for (Migration migration : rollout) {
			if (this.setup.state().find(connection, migration.name()).isPresent()) {
				throw new MigrationStateException("migration \"" + migration.name()
						+ "\" has already been applied to schema \"" + schema + "\"");
			}
		}
		checkVersionSchemaFree(connection, rollout.get(rollout.size() - 1));
	}

	/** A rollout has migrations, each named once. */
	private static void checkNames(List<Migration> rollout) {
		if (rollout.isEmpty()) {
			throw new IllegalArgumentException("a rollout needs at least one migration");
		}
		Set<String> names = new HashSet<>();
		for (Migration migration : rollout) {
			if (!names.add(migration.name())) {
				throw new MigrationValidationException(migration.source(), -1, null, null, "migration \""
						+ migration.name() + "\" appears twice in one rollout");
			}
		}
	}

	private void checkVersionSchemaFree(Connection connection, Migration migration) throws SQLException {
		String versionSchema = migration.versionSchemaFor(this.setup.schema());
		String field = (migration.versionSchema() != null) ? "version_schema" : null;
		String problem = Identifiers.problem(versionSchema);
		if (problem != null) {
			boolean tooLong = versionSchema.getBytes(StandardCharsets.UTF_8).length > Identifiers.MAX_BYTES;
			throw new MigrationValidationException(migration.source(), -1, null, field, "version schema name \""
					+ Identifiers.printable(versionSchema) + "\" " + problem
					+ (tooLong ? "; set a shorter version_schema" : ""));
		}
		if (VersionSchemas.exists(connection, versionSchema)) {
			throw new MigrationValidationException(migration.source(), -1, null, field, "version schema \""
					+ versionSchema + "\" already exists");
		}
	}

}
