package dev.pgroll4j.core.internal.engine;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.pgroll4j.core.CompleteResult;
import dev.pgroll4j.core.DatabaseAheadException;
import dev.pgroll4j.core.HistoryMismatchException;
import dev.pgroll4j.core.MigrateOptions;
import dev.pgroll4j.core.MigrateResult;
import dev.pgroll4j.core.MigrationStateException;
import dev.pgroll4j.core.StartResult;
import dev.pgroll4j.core.internal.jdbc.Session;
import dev.pgroll4j.core.internal.state.StoredMigration;
import dev.pgroll4j.core.internal.sync.VersionSchemas;
import dev.pgroll4j.core.migration.Migration;
import dev.pgroll4j.core.operations.Operation;

/**
 * Brings the schema up to the local migrations (sorted by name): checks that the history and the files agree,
 * then completes a rollout an earlier deployment left active, and starts every pending migration as one rollout,
 * so that the version schema the running release uses keeps serving until that rollout is completed. The whole
 * reconciliation holds a lock, so instances starting together take turns and the later ones find the work done.
 *
 * <p>Where no release can be running (the history is empty) or the caller completes everything anyway, the pending
 * migrations run one after another instead, each completed but the last: each is then checked against the schema
 * the ones before it left, as it was written to be.
 */
final class Migrate {

	private static final Logger logger = LoggerFactory.getLogger(Migrate.class);

	private final EngineSetup setup;

	private final Rollback rollback;

	/** Start as the engine runs it, observed by the listener. */
	private final Function<List<Migration>, StartResult> start;

	/** Complete as the engine runs it, observed by the listener. */
	private final Supplier<CompleteResult> complete;

	Migrate(EngineSetup setup, Rollback rollback, Function<List<Migration>, StartResult> start,
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
			this.rollback.repair(local, options.restartChangedActiveMigration());
			List<StoredMigration> history = this.setup.state().history(connection);
			List<Integer> changed = checkHistoryMatches(history, local);
			if (!changed.isEmpty()) {
				restartChanged(history, local, changed, options);
				history = this.setup.state().history(connection);
			}
			if (history.size() > local.size()) {
				if (!VersionSchemas.exists(connection, target)) {
					String applied = history.get(history.size() - 1).name();
					throw new DatabaseAheadException("the database of schema \"" + schema + "\" is ahead of this "
							+ "application: its newest migration is \"" + newest.name() + "\" but \"" + applied
							+ "\" has been applied since, and this application's version schema \"" + target
							+ "\" no longer exists; deploy a newer version of the application", schema, newest.name(),
							applied, target);
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
				completedNames.addAll(this.complete.get().migrations());
			}
			List<List<Migration>> rollouts = rollouts(pending, history.isEmpty() || options.completeLast());
			for (int i = 0; i < rollouts.size(); i++) {
				StartResult started = this.start.apply(rollouts.get(i));
				startedNames.addAll(started.migrations());
				if (i < rollouts.size() - 1 || options.completeLast()) {
					completedNames.addAll(this.complete.get().migrations());
				}
			}
			if (pending.isEmpty() && active && options.completeLast()) {
				completedNames.addAll(this.complete.get().migrations());
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
	 * How the pending migrations start: as one rollout, so that the running release's version schema stays; or,
	 * where no release can be running on it or everything is completed anyway, one after another. A sql operation
	 * without onComplete cannot share a rollout (what it changes is only known after it ran); with a running release
	 * to keep, that is refused before anything runs.
	 * @param oneByOne whether no version schema needs to outlive the migrations
	 */
	private List<List<Migration>> rollouts(List<Migration> pending, boolean oneByOne) {
		if (pending.isEmpty()) {
			return List.of();
		}
		if (oneByOne) {
			return pending.stream().map(List::of).toList();
		}
		if (pending.size() > 1) {
			for (Migration migration : pending) {
				if (migration.operations().stream().anyMatch(Operation::isIsolated)) {
					throw new MigrationStateException("cannot start the " + pending.size() + " pending migrations of "
							+ "schema \"" + this.setup.schema() + "\" as one rollout: " + migration.source() + " is a "
							+ "sql operation without onComplete, which must roll out alone (what it changes is only "
							+ "known after it ran); running them one after another would complete each and drop the "
							+ "version schema the running release uses. Ship it in a release of its own, give it "
							+ "onComplete: true, or migrate with complete-last when no earlier release is running");
				}
			}
		}
		return List.of(List.copyOf(pending));
	}

	/**
	 * The history and the local files must agree on every migration both have: same names in the same order and,
	 * for migrations this engine applied, the same content.
	 * @return the positions of the migrations whose content changed, for {@link #restartChanged} to refuse or
	 * restart
	 */
	private List<Integer> checkHistoryMatches(List<StoredMigration> history, List<Migration> local) {
		String schema = this.setup.schema();
		List<Integer> changed = new ArrayList<>();
		for (int i = 0; i < Math.min(history.size(), local.size()); i++) {
			StoredMigration applied = history.get(i);
			Migration file = local.get(i);
			if (!applied.name().equals(file.name())) {
				throw new HistoryMismatchException("the history of schema \"" + schema + "\" and the local migration "
						+ "files disagree at position " + (i + 1) + ": the database applied \"" + applied.name()
						+ "\" where the files have \"" + file.name() + "\" (" + file.source() + "); a migration file "
						+ "was renamed, removed or added out of order", HistoryMismatchException.Difference.NAME, schema,
						i + 1, applied.name(), file.name(), file.source());
			}
			if ("pgroll".equals(applied.type()) && !applied.sameContentAs(file)) {
				changed.add(i);
			}
		}
		return changed;
	}

	/**
	 * Files changed after their migrations were applied: refused, unless all of them belong to the active rollout
	 * and development asked for it to be restarted; then the rollout is rolled back as the history holds it (its
	 * stored SQL, which no file matches any more; the history's trust was checked when it was read) and its
	 * migrations become pending again, to start from the files as usual.
	 */
	private void restartChanged(List<StoredMigration> history, List<Migration> local, List<Integer> changed,
			MigrateOptions options) {
		int completed = changed.stream().filter((i) -> history.get(i).done()).findFirst().orElse(-1);
		if (!options.restartChangedActiveMigration() || completed >= 0 || history.size() > local.size()) {
			int at = (completed >= 0) ? completed : changed.get(0);
			throw changedAfterApplied(history.get(at), local.get(at), at + 1, options, history.size() > local.size());
		}
		String schema = this.setup.schema();
		List<String> rollout = history.stream().filter((row) -> !row.done()).map(StoredMigration::name).toList();
		Set<String> names = new LinkedHashSet<>();
		for (int i : changed) {
			StoredMigration applied = history.get(i);
			names.add(applied.name());
			logger.warn("restart-changed-active-migration (development only): {} changed while migration \"{}\" "
					+ "of schema \"{}\" was active (history → file):{}\nRolling back {} as the history holds it, "
					+ "running its stored SQL, which no file matches any more, and starting it again from the files",
					local.get(i).source(), applied.name(), schema, applied.differencesFrom(local.get(i)).describe(),
					Start.describeNames(rollout));
		}
		this.rollback.restart(rollout, names);
	}

	private HistoryMismatchException changedAfterApplied(StoredMigration applied, Migration file, int position,
			MigrateOptions options, boolean databaseAhead) {
		String advice;
		if (applied.done()) {
			advice = "It is completed, so its file must not change any more: restore the file and put the change in "
					+ "a new migration. In development, drop the database (or the schema and its history in the "
					+ "state schema) to apply the edited file afresh"
					+ (options.restartChangedActiveMigration() ? "; restarting a changed migration "
							+ "(restartChangedActiveMigration) is only done while it is active" : "");
		}
		else if (databaseAhead && options.restartChangedActiveMigration()) {
			advice = "It belongs to the active rollout, but the history holds migrations after the local files' "
					+ "newest, which would be lost, so it is not restarted: restore the file and put the change in "
					+ "a new migration";
		}
		else {
			advice = "It is still active: restore the file and put the change in a new migration, or, to change it, "
					+ "restore the file, roll the migration back (the actuator's rollback, Pgroll.rollback), then edit "
					+ "the file and start again. In development, MigrateOptions.restartChangedActiveMigration (the "
					+ "starter's pgroll.development.restart-changed-active-migration) does this at start-up";
		}
		String schema = this.setup.schema();
		return new HistoryMismatchException("migration \"" + applied.name() + "\" was changed after it was applied to "
				+ "schema \"" + schema + "\": " + file.source() + " differs from what the database applied at "
				+ "(history → file):" + applied.differencesFrom(file).describe() + "\n" + advice,
				HistoryMismatchException.Difference.CONTENT, schema, position, applied.name(), file.name(),
				file.source());
	}

}
