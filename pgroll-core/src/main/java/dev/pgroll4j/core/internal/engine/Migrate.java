package dev.pgroll4j.core.internal.engine;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.pgroll4j.core.CompleteResult;
import dev.pgroll4j.core.MigrateOptions;
import dev.pgroll4j.core.MigrateResult;
import dev.pgroll4j.core.MigrationStateException;
import dev.pgroll4j.core.StartResult;
import dev.pgroll4j.core.internal.jdbc.Session;
import dev.pgroll4j.core.internal.state.StoredMigration;
import dev.pgroll4j.core.internal.sync.VersionSchemas;
import dev.pgroll4j.core.migration.Migration;

/**
 * Brings the schema up to the local migrations (sorted by name): checks that the history and the files agree,
 * then completes a migration an earlier deployment left active, starts and completes every pending migration but
 * the last, and starts the last. The whole reconciliation holds a lock, so instances starting together take turns
 * and the later ones find the work done.
 */
final class Migrate {

	private final EngineSetup setup;

	private final Rollback rollback;

	/** Start as the engine runs it, observed by the listener. */
	private final Function<Migration, StartResult> start;

	/** Complete as the engine runs it, observed by the listener. */
	private final Supplier<CompleteResult> complete;

	Migrate(EngineSetup setup, Rollback rollback, Function<Migration, StartResult> start,
			Supplier<CompleteResult> complete) {
		this.setup = setup;
		this.rollback = rollback;
		this.start = start;
		this.complete = complete;
	}

	MigrateResult run(List<Migration> local, MigrateOptions options) {
		if (local.isEmpty()) {
			return new MigrateResult(MigrateResult.Outcome.NO_MIGRATIONS, null, List.of(), List.of());
		}
		String schema = this.setup.schema();
		Migration newest = local.get(local.size() - 1);
		String target = newest.versionSchemaFor(schema);
		local.forEach(this.setup.files()::add);
		try (Session session = Session.open(this.setup.configuration())) {
			Connection connection = session.connection();
			this.setup.ensureInitialized(session);
			session.lockReconciliation(options.lockWait());
			// A start that died half-way is undone first; if its file is still local, it starts again below.
			this.rollback.repair(local);
			List<StoredMigration> history = this.setup.state().history(connection);
			checkHistoryMatches(history, local);
			if (history.size() > local.size()) {
				if (!VersionSchemas.exists(connection, target)) {
					throw new MigrationStateException("the database of schema \"" + schema + "\" is ahead of this "
							+ "application: its newest migration is \"" + newest.name() + "\" but \""
							+ history.get(history.size() - 1).name() + "\" has been applied since, and this "
							+ "application's version schema \"" + target + "\" no longer exists; deploy a newer "
							+ "version of the application");
				}
				return new MigrateResult(MigrateResult.Outcome.DATABASE_AHEAD, target, List.of(), List.of());
			}
			List<Migration> pending = local.subList(history.size(), local.size());
			List<String> startedNames = new ArrayList<>();
			List<String> completedNames = new ArrayList<>();
			boolean active = !history.isEmpty() && !history.get(history.size() - 1).done();
			if (active && !pending.isEmpty()) {
				if (!options.completeActiveMigration()) {
					throw new MigrationStateException("migration \"" + history.get(history.size() - 1).name()
							+ "\" is still active on schema \"" + schema + "\"; complete or roll it back before \""
							+ pending.get(0).name() + "\" can start");
				}
				completedNames.add(this.complete.get().migration());
			}
			for (int i = 0; i < pending.size(); i++) {
				Migration migration = pending.get(i);
				this.start.apply(migration);
				startedNames.add(migration.name());
				if (i < pending.size() - 1 || options.completeLast()) {
					this.complete.get();
					completedNames.add(migration.name());
				}
			}
			if (pending.isEmpty() && active && options.completeLast()) {
				completedNames.add(this.complete.get().migration());
			}
			MigrateResult.Outcome outcome = pending.isEmpty() ? MigrateResult.Outcome.UP_TO_DATE
					: MigrateResult.Outcome.MIGRATED;
			return new MigrateResult(outcome, target, List.copyOf(startedNames), List.copyOf(completedNames));
		}
		catch (SQLException ex) {
			throw EngineSetup.unexpected("migrating schema \"" + schema + "\"", ex);
		}
	}

	/**
	 * The history and the local files must agree on every migration both have: same names in the same order and,
	 * for migrations this engine applied, the same content.
	 */
	private void checkHistoryMatches(List<StoredMigration> history, List<Migration> local) {
		String schema = this.setup.schema();
		for (int i = 0; i < Math.min(history.size(), local.size()); i++) {
			StoredMigration applied = history.get(i);
			Migration file = local.get(i);
			if (!applied.name().equals(file.name())) {
				throw new MigrationStateException("the history of schema \"" + schema + "\" and the local migration "
						+ "files disagree at position " + (i + 1) + ": the database applied \"" + applied.name()
						+ "\" where the files have \"" + file.name() + "\" (" + file.source() + "); a migration file "
						+ "was renamed, removed or added out of order");
			}
			if ("pgroll".equals(applied.type()) && !applied.sameContentAs(file)) {
				throw new MigrationStateException("migration \"" + applied.name() + "\" was changed after it was "
						+ "applied to schema \"" + schema + "\": " + file.source() + " now contains "
						+ file.json() + " but the database applied " + applied.migrationAsStored()
						+ "; restore the file and put the change in a new migration");
			}
		}
	}

}
