package dev.pgroll4j.core.internal.engine;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.pgroll4j.core.MigrationExecutionException;
import dev.pgroll4j.core.MigrationHooks;
import dev.pgroll4j.core.PgrollConfiguration;
import dev.pgroll4j.core.StartResult;
import dev.pgroll4j.core.internal.catalog.Probes;
import dev.pgroll4j.core.internal.catalog.SchemaReader;
import dev.pgroll4j.core.internal.jdbc.RetryingTransactions;
import dev.pgroll4j.core.internal.jdbc.Session;
import dev.pgroll4j.core.internal.state.StoredMigration;
import dev.pgroll4j.core.internal.sync.Backfill;
import dev.pgroll4j.core.internal.sync.Triggers;
import dev.pgroll4j.core.internal.sync.VersionSchemas;
import dev.pgroll4j.core.migration.Migration;
import dev.pgroll4j.core.schema.SchemaSnapshot;
import dev.pgroll4j.core.schema.VirtualColumn;
import dev.pgroll4j.core.schema.VirtualSchema;
import dev.pgroll4j.core.sql.Sql;

/**
 * Starts a rollout (one migration, or the migrations a release starts together, whose operations run as if they
 * were one migration's): one transaction of additive DDL and sync triggers; then, outside it, the concurrent index
 * builds, the backfill and what waits for it; then the version schema of the rollout's last migration, so that no
 * client of the new version ever reads a row the backfill has not reached. The version schema before the rollout
 * stays, and the migrations in between get none: no client can pin to a version nobody ships. A start that fails
 * after its transaction committed is rolled back before the error is reported, so the catalog ends as it began.
 */
final class Start {

	private static final Logger logger = LoggerFactory.getLogger(Start.class);

	private final EngineSetup setup;

	private final Validate validate;

	private final Rollback rollback;

	Start(EngineSetup setup, Validate validate, Rollback rollback) {
		this.setup = setup;
		this.validate = validate;
		this.rollback = rollback;
	}

	StartResult run(List<Migration> rollout) {
		long started = System.nanoTime();
		String schema = this.setup.schema();
		Migration last = rollout.get(rollout.size() - 1);
		String step = "start of " + describe(rollout);
		try (Session session = Session.open(this.setup.configuration())) {
			Connection connection = session.connection();
			this.setup.ensureInitialized(session);
			session.lockSchema();
			this.validate.checkStartable(connection, rollout);
			String versionSchema = last.versionSchemaFor(schema);
			SchemaSnapshot base = SchemaReader.read(connection, schema);
			Probes probes = new Probes(connection);
			Plan plan = this.setup.planner()
				.plan(rollout, base, probes, this.setup.recentVersionSchemas(connection));
			String parent = this.setup.state().latest(connection).map(StoredMigration::name).orElse(null);
			StartAttempt run = session.transactions()
				.inTransaction(step, (tx) -> startTransaction(tx, plan, parent, versionSchema, probes));
			long rows;
			try {
				rows = afterCommit(session, run, plan, versionSchema, step);
			}
			catch (RuntimeException ex) {
				logger.warn("{} failed after its DDL committed; rolling it back", step);
				try {
					this.rollback.rollBack(session, plan, versionSchema);
				}
				catch (RuntimeException rollbackFailure) {
					ex.addSuppressed(rollbackFailure);
				}
				throw ex;
			}
			this.setup.notifyListener((listener) -> listener.versionSchemaCreated(last.name(), versionSchema));
			if (rollout.size() == 1) {
				logger.info("started migration {}: version schema {}, {} row(s) backfilled", last.name(),
						versionSchema, rows);
			}
			else {
				logger.info("started {} migrations as one rollout ({}): version schema {}, {} row(s) backfilled",
						rollout.size(), String.join(", ", plan.names()), versionSchema, rows);
			}
			return new StartResult(last.name(), versionSchema, rows, Duration.ofNanos(System.nanoTime() - started),
					plan.warnings(), plan.names());
		}
		catch (SQLException ex) {
			throw EngineSetup.unexpected(step, ex);
		}
	}

	/** How messages name a rollout: {@code migration "a"}, or {@code the rollout of migrations "a", "b"}. */
	static String describe(List<Migration> rollout) {
		return describeNames(rollout.stream().map(Migration::name).toList());
	}

	static String describeNames(List<String> names) {
		if (names.size() == 1) {
			return "migration \"" + names.get(0) + "\"";
		}
		return "the rollout of migrations \"" + String.join("\", \"", names) + "\"";
	}

	/**
	 * The start transaction: the history row, the before-start-DDL hook, every operation's start, and the sync
	 * triggers they asked for. Retried as a whole, each attempt collecting afresh.
	 */
	private StartAttempt startTransaction(RetryingTransactions.Tx tx, Plan plan, @Nullable String parent,
			String versionSchema, Probes probes) throws SQLException {
		String schema = this.setup.schema();
		List<Migration> rollout = plan.migrations();
		StartAttempt attempt = new StartAttempt(schema, new Triggers(schema, versionSchema));
		tx.execute("CREATE SCHEMA IF NOT EXISTS " + Sql.ident(schema), null);
		// One history row per migration; the first records the schema before the rollout, and names the rollout.
		String first = rollout.get(0).name();
		String previous = parent;
		for (Migration migration : rollout) {
			this.setup.state().insert(tx, migration, previous, (rollout.size() > 1) ? first : null,
					migration == rollout.get(0) ? plan.base() : null);
			previous = migration.name();
		}
		MigrationHooks.HookContext hookContext = new MigrationHooks.HookContext(plan.last().name(), schema,
				versionSchema, tx.connection());
		tx.mark("the before-start-DDL hook");
		this.setup.configuration().hooks().beforeStartDdl(hookContext);
		for (int i = 0; i < plan.steps().size(); i++) {
			Plan.Step planned = plan.steps().get(i);
			attempt.triggers.beginStep(i);
			planned.operation()
				.start(new StartPhase(attempt, planned, plan.origin(planned), tx, probes, this.setup.state()));
		}
		boolean ownRoutines = probes.definesRoutinesOrOperators(schema);
		Triggers.PathIndependence pathIndependence = (table, expression, variables) -> !ownRoutines
				&& resolvesWithCatalogOnly(probes, table, expression, variables);
		for (String sql : attempt.triggers.createStatements(attempt.backfills, pathIndependence)) {
			tx.execute(sql, "creating the triggers that keep both versions in sync");
		}
		return attempt;
	}

	/**
	 * What follows the commit, each step outside the start transaction: concurrent index builds, the backfill, what
	 * waits for it, then the version schema in a last transaction that marks the start finished.
	 * @return the number of rows backfilled
	 */
	private long afterCommit(Session session, StartAttempt run, Plan plan, String versionSchema, String step) {
		PgrollConfiguration configuration = this.setup.configuration();
		String schema = this.setup.schema();
		String migration = plan.last().name();
		RetryingTransactions transactions = session.transactions();
		for (StartAttempt.Deferred deferred : run.concurrent) {
			transactions.outsideTransaction(step, deferred.origin(), deferred.sql(), deferred.undo());
		}
		Backfill backfill = new Backfill(session.connection(), schema, migration, configuration.backfillBatchSize(),
				configuration.backfillBatchDelay(), configuration.backfillMaxRowsPerSecond(),
				configuration.backfillListener());
		long rows = 0;
		for (String table : run.backfills) {
			try {
				rows += backfill.run(table, run.triggers.fill(table).orElse(null));
			}
			catch (MigrationExecutionException ex) {
				throw new MigrationExecutionException(ex.getMessage() + "\n  while computing field up of "
						+ String.join(" or ", run.fillers.getOrDefault(table, Set.of())), ex.statement(),
						ex.sqlState(), ex.getCause());
			}
		}
		for (StartAttempt.Deferred deferred : run.afterBackfill) {
			transactions.outsideTransaction(step, deferred.origin(), deferred.sql(), deferred.undo());
		}
		// Only now can clients of the new version appear: every row holds its up values, so none of their
		// statements reads a placeholder (an UPDATE that adds to one could not be repaired afterwards).
		VirtualSchema shown = (run.refreshed != null) ? run.refreshed : plan.result();
		VersionSchemas views = new VersionSchemas(schema, session.serverMajorVersion());
		transactions.inTransaction(step, (tx) -> {
			views.create(tx, versionSchema, shown, "creating version schema \"" + versionSchema + "\"");
			tx.mark("the after-start-DDL hook");
			configuration.hooks()
				.afterStartDdl(new MigrationHooks.HookContext(migration, schema, versionSchema, tx.connection()));
			this.setup.state().markStartFinished(tx);
			return null;
		});
		return rows;
	}

	private static boolean resolvesWithCatalogOnly(Probes probes, String table, String expression,
			List<VirtualColumn> variables) {
		Map<String, String> columns = new LinkedHashMap<>();
		variables.forEach((variable) -> columns.put(variable.name(), variable.type()));
		try {
			return probes.resolvesWithCatalogOnly(expression, table, columns);
		}
		catch (SQLException ex) {
			throw new RetryingTransactions.UncheckedSqlException(ex);
		}
	}

}
