package dev.pgroll4j.core.internal.engine;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.pgroll4j.core.LiveInstancePolicy;
import dev.pgroll4j.core.MigrationStateException;
import dev.pgroll4j.core.RollbackResult;
import dev.pgroll4j.core.internal.catalog.CreatedObjects;
import dev.pgroll4j.core.internal.catalog.SchemaReader;
import dev.pgroll4j.core.internal.jdbc.Session;
import dev.pgroll4j.core.internal.state.StoredMigration;
import dev.pgroll4j.core.internal.sync.Triggers;
import dev.pgroll4j.core.internal.sync.VersionSchemas;
import dev.pgroll4j.core.migration.Migration;
import dev.pgroll4j.core.sql.Sql;

/**
 * Rolls back the active rollout (one migration, or the migrations a release started together): its version schema
 * is dropped and every change of start undone, last operation first, in one transaction, after checking that
 * nothing the engine did not create is in the way; the version schema before the rollout was never touched. Repair
 * does the same for a start that stopped half-way, and a failed start for itself.
 */
final class Rollback {

	private static final Logger logger = LoggerFactory.getLogger(Rollback.class);

	private final EngineSetup setup;

	Rollback(EngineSetup setup) {
		this.setup = setup;
	}

	/**
	 * @param caller the registered id of the instance asking (a release rolling itself back knows it loses its
	 * version schema), or {@code null}
	 */
	RollbackResult run(LiveInstancePolicy policy, @Nullable String caller) {
		long started = System.nanoTime();
		try (Session session = Session.open(this.setup.configuration())) {
			ActiveMigration active = ActiveMigration.read(this.setup, session, "roll back");
			String previous = active.previousVersionSchema();
			if (!active.versionSchema().equals(previous)) {
				LiveInstanceCheck.check(this.setup, session.connection(), "roll back", active.describe(),
						active.versionSchema(), policy, caller);
			}
			rollBack(session, active.plan(), active.versionSchema());
			logger.info("rolled back {}", active.describe());
			return new RollbackResult(active.name(), active.versionSchema(),
					Duration.ofNanos(System.nanoTime() - started), active.names());
		}
		catch (SQLException ex) {
			throw EngineSetup.unexpected("rollback of the active migration of schema \"" + this.setup.schema() + "\"",
					ex);
		}
	}

	/**
	 * Rolls back the active rollout {@code names} as the history holds it although the migrations in
	 * {@code changed} no longer match their files: migrate restarting changed active migrations, which development
	 * asked for ({@link dev.pgroll4j.core.MigrateOptions#restartChangedActiveMigration}). Refused if another rollout
	 * became active meanwhile, or while live instances use its version schema.
	 */
	RollbackResult restart(List<String> names, Set<String> changed) {
		long started = System.nanoTime();
		String schema = this.setup.schema();
		try (Session session = Session.open(this.setup.configuration())) {
			ActiveMigration active = ActiveMigration.read(this.setup, session, "roll back", changed);
			if (!active.names().equals(names)) {
				throw new MigrationStateException("cannot restart " + Start.describeNames(names) + " of schema \""
						+ schema + "\": the active rollout changed meanwhile, it is now " + active.describe()
						+ "; start the application again");
			}
			if (!active.versionSchema().equals(active.previousVersionSchema())) {
				LiveInstanceCheck.check(this.setup, session.connection(), "roll back", active.describe(),
						active.versionSchema(), LiveInstancePolicy.REFUSE, null);
			}
			rollBack(session, active.plan(), active.versionSchema());
			logger.info("rolled back {} to start it again", active.describe());
			RollbackResult result = new RollbackResult(active.name(), active.versionSchema(),
					Duration.ofNanos(System.nanoTime() - started), active.names());
			this.setup.notifyListener((listener) -> listener.rolledBack(result));
			return result;
		}
		catch (SQLException ex) {
			throw EngineSetup.unexpected("rollback of the active migration of schema \"" + schema + "\"", ex);
		}
	}

	/**
	 * Rolls back a migration whose start stopped half-way (its process died or lost its connection after the start
	 * transaction committed, during index builds, the backfill or validation). A start still running elsewhere holds
	 * the schema's lock, so this waits for it and then finds nothing to repair.
	 * @param local the migrations of the application that migrates, or {@code null}: an unfinished start with no
	 * file among them belongs to a newer release (this is an older instance restarting) and is left for that release
	 * @param restartChanged whether a migration of that start whose local file changed since is rolled back all
	 * the same, as the history holds it (migrate with {@link dev.pgroll4j.core.MigrateOptions#restartChangedActiveMigration})
	 * @return the rollback, or empty when there was nothing to repair
	 */
	Optional<RollbackResult> repair(@Nullable List<Migration> local, boolean restartChanged) {
		long started = System.nanoTime();
		String schema = this.setup.schema();
		try (Session session = Session.open(this.setup.configuration())) {
			Connection connection = session.connection();
			if (!this.setup.state().isInitialized(connection)) {
				return Optional.empty();
			}
			session.lockSchema();
			List<StoredMigration> rollout = this.setup.state().activeRollout(connection);
			if (rollout.stream().allMatch(StoredMigration::startFinished)) {
				return Optional.empty();
			}
			String last = rollout.get(rollout.size() - 1).name();
			String what = Start.describeNames(rollout.stream().map(StoredMigration::name).toList());
			if (local != null && local.stream().noneMatch((file) -> file.name().equals(last))) {
				logger.warn("the start of {} on schema {} did not finish, and this application has no file for {}: a "
						+ "newer release started it; leaving it for that release to repair", what, schema, last);
				return Optional.empty();
			}
			Set<String> changed = new HashSet<>();
			if (restartChanged && local != null) {
				for (StoredMigration row : rollout) {
					local.stream()
						.filter((file) -> file.name().equals(row.name()) && !row.sameContentAs(file))
						.findFirst()
						.ifPresent((file) -> {
							changed.add(row.name());
							logger.warn("restart-changed-active-migration (development only): {} changed since its "
									+ "unfinished start; rolling it back as the history holds it, which no file "
									+ "matches any more (history → file):{}", file.source(),
									row.differencesFrom(file).describe());
						});
				}
			}
			ActiveMigration active = ActiveMigration.read(this.setup, session, "repair", changed);
			logger.warn("the start of {} did not finish; rolling it back", what);
			rollBack(session, active.plan(), active.versionSchema());
			RollbackResult result = new RollbackResult(active.name(), active.versionSchema(),
					Duration.ofNanos(System.nanoTime() - started), active.names());
			this.setup.notifyListener((listener) -> listener.rolledBack(result));
			return Optional.of(result);
		}
		catch (SQLException ex) {
			throw EngineSetup.unexpected("repairing schema \"" + schema + "\"", ex);
		}
	}

	/**
	 * Drops the rollout's version schema and sync triggers and runs its operations' rollback, last operation first,
	 * in one transaction; a schema the start created goes too, if nothing else is left in it.
	 */
	void rollBack(Session session, Plan plan, String versionSchema) {
		String schema = this.setup.schema();
		String what = Start.describeNames(plan.names());
		List<PlannedStatement> statements = new ArrayList<>();
		List<CreatedObjects.Identity> created = new ArrayList<>();
		for (String name : plan.names()) {
			created.addAll(inferredUndo(session, name));
		}
		Drops drops = new Drops(schema, "roll back", what, versionSchema, plan.resultTableNames(), plan.isolated(),
				created, null);
		try {
			drops.check(session.connection());
		}
		catch (SQLException ex) {
			throw EngineSetup.unexpected("rollback of " + what, ex);
		}
		List<String> undo = CreatedObjects.dropStatements(created);
		for (Plan.Step planned : plan.reversedSteps()) {
			planned.operation()
				.rollback(new RollbackPhase(schema, statements, planned, plan.origin(planned), undo));
		}
		session.transactions().inTransaction("rollback of " + what, (tx) -> {
			Map<String, Long> views = drops.checkAndLock(tx);
			VersionSchemas.drop(tx, versionSchema, views, "dropping version schema \"" + versionSchema + "\"");
			Triggers.dropAll(tx, schema);
			for (PlannedStatement statement : statements) {
				statement.run(tx);
			}
			if (!plan.base().exists() && SchemaReader.isEmpty(tx.connection(), schema)) {
				tx.execute("DROP SCHEMA IF EXISTS " + Sql.ident(schema), "dropping schema \"" + schema
						+ "\", which the start created");
			}
			this.setup.state().delete(tx, plan.names());
			return null;
		});
	}

	/**
	 * What user SQL of the active migration created and is still there, as the history records it, each checked
	 * against the schema; read fresh, start may have just written it.
	 */
	private List<CreatedObjects.Identity> inferredUndo(Session session, String name) {
		String schema = this.setup.schema();
		try {
			Connection connection = session.connection();
			Optional<StoredMigration> row = this.setup.state().find(connection, name)
				.filter(StoredMigration::recordsUndo);
			if (row.isEmpty()) {
				return List.of();
			}
			String refused = "cannot roll back migration \"" + name + "\" of schema \"" + schema + "\": ";
			return CreatedObjects.recorded(connection, schema, row.get().inferredUndo(refused), refused);
		}
		catch (SQLException ex) {
			throw EngineSetup.unexpected("reading the active migration of schema \"" + schema + "\"", ex);
		}
	}

}
