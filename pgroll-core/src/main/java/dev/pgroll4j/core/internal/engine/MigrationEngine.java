package dev.pgroll4j.core.internal.engine;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.pgroll4j.core.CompleteResult;
import dev.pgroll4j.core.MigrateOptions;
import dev.pgroll4j.core.MigrateResult;
import dev.pgroll4j.core.MigrationExecutionException;
import dev.pgroll4j.core.MigrationHooks;
import dev.pgroll4j.core.MigrationListener;
import dev.pgroll4j.core.MigrationRecord;
import dev.pgroll4j.core.MigrationStateException;
import dev.pgroll4j.core.MigrationStatus;
import dev.pgroll4j.core.MigrationValidationException;
import dev.pgroll4j.core.PgrollConfiguration;
import dev.pgroll4j.core.PgrollException;
import dev.pgroll4j.core.RollbackResult;
import dev.pgroll4j.core.SqlFragment;
import dev.pgroll4j.core.StartResult;
import dev.pgroll4j.core.VersionSelection;
import dev.pgroll4j.core.internal.catalog.CreatedObjects;
import dev.pgroll4j.core.internal.catalog.Ownership;
import dev.pgroll4j.core.internal.catalog.Probes;
import dev.pgroll4j.core.internal.catalog.SchemaReader;
import dev.pgroll4j.core.internal.jdbc.RetryingTransactions;
import dev.pgroll4j.core.internal.jdbc.Session;
import dev.pgroll4j.core.internal.state.MigrationFiles;
import dev.pgroll4j.core.internal.state.StateStore;
import dev.pgroll4j.core.internal.state.StoredMigration;
import dev.pgroll4j.core.internal.sync.Backfill;
import dev.pgroll4j.core.internal.sync.Triggers;
import dev.pgroll4j.core.internal.sync.VersionSchemas;
import dev.pgroll4j.core.migration.Migration;
import dev.pgroll4j.core.operations.CompleteContext;
import dev.pgroll4j.core.operations.Operation;
import dev.pgroll4j.core.operations.OperationContext;
import dev.pgroll4j.core.operations.RollbackContext;
import dev.pgroll4j.core.operations.SqlMapper;
import dev.pgroll4j.core.operations.StartContext;
import dev.pgroll4j.core.operations.ValidationContext;
import dev.pgroll4j.core.schema.SchemaSnapshot;
import dev.pgroll4j.core.schema.TableSnapshot;
import dev.pgroll4j.core.schema.VirtualColumn;
import dev.pgroll4j.core.schema.VirtualSchema;
import dev.pgroll4j.core.schema.VirtualTable;
import dev.pgroll4j.core.sql.Identifiers;
import dev.pgroll4j.core.sql.InternalNames;
import dev.pgroll4j.core.sql.Sql;
import dev.pgroll4j.core.sql.SqlText;

/**
 * Runs migrations: validation, then start (one transaction of additive DDL and triggers; then concurrent index
 * builds; then the backfill; then the new version schema), complete and rollback. A start that fails after its
 * transaction committed is rolled back before the error is reported, so the catalog ends as it began.
 */
public final class MigrationEngine {

	private static final Logger logger = LoggerFactory.getLogger(MigrationEngine.class);

	private final PgrollConfiguration configuration;

	private final StateStore state;

	/** What complete, rollback and repair check the active migration's history against. */
	private final MigrationFiles files;

	public MigrationEngine(PgrollConfiguration configuration) {
		this.configuration = configuration;
		this.state = new StateStore(configuration.stateSchema(), configuration.schema());
		this.files = new MigrationFiles(configuration.migrations());
	}

	private String schema() {
		return this.configuration.schema();
	}

	public void init() {
		try (Session session = Session.open(this.configuration)) {
			this.state.init(session.transactions());
		}
	}

	/** Checks a migration against the live schema and the history without changing anything. */
	public void validate(Migration migration) {
		try (Session session = Session.open(this.configuration)) {
			Connection connection = session.connection();
			boolean initialized = this.state.isInitialized(connection);
			if (initialized) {
				checkStartable(connection, migration);
			}
			else {
				checkVersionSchemaFree(connection, migration);
			}
			plan(mapSql(migration), SchemaReader.read(connection, schema()), new Probes(connection),
					initialized ? recentVersionSchemas(connection) : Set.of());
		}
		catch (SQLException ex) {
			throw unexpected("validating migration \"" + migration.name() + "\"", ex);
		}
	}

	public StartResult start(Migration migration) {
		long started = System.nanoTime();
		// This instance vouches for what it starts: its own complete and rollback may run it from the history.
		this.files.add(migration);
		try {
			StartResult result = doStart(migration);
			notifyListener((listener) -> listener.started(result));
			return result;
		}
		catch (RuntimeException ex) {
			notifyListener((listener) -> listener.failed("start", migration.name(), since(started), ex));
			throw ex;
		}
	}

	public CompleteResult complete() {
		long started = System.nanoTime();
		try {
			CompleteResult result = doComplete();
			notifyListener((listener) -> listener.completed(result));
			return result;
		}
		catch (RuntimeException ex) {
			notifyListener((listener) -> listener.failed("complete", null, since(started), ex));
			throw ex;
		}
	}

	public RollbackResult rollback() {
		long started = System.nanoTime();
		try {
			RollbackResult result = doRollback();
			notifyListener((listener) -> listener.rolledBack(result));
			return result;
		}
		catch (RuntimeException ex) {
			notifyListener((listener) -> listener.failed("rollback", null, since(started), ex));
			throw ex;
		}
	}

	private static Duration since(long started) {
		return Duration.ofNanos(System.nanoTime() - started);
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

	private void notifyListener(java.util.function.Consumer<MigrationListener> call) {
		try {
			call.accept(this.configuration.listener());
		}
		catch (RuntimeException ex) {
			logger.warn("migration listener failed", ex);
		}
	}

	private StartResult doStart(Migration migration) {
		long started = System.nanoTime();
		String step = "start of migration \"" + migration.name() + "\"";
		try (Session session = Session.open(this.configuration)) {
			Connection connection = session.connection();
			ensureInitialized(session);
			session.lockSchema();
			checkStartable(connection, migration);
			String versionSchema = migration.versionSchemaFor(schema());
			SchemaSnapshot base = SchemaReader.read(connection, schema());
			Probes probes = new Probes(connection);
			Plan plan = plan(mapSql(migration), base, probes, recentVersionSchemas(connection));
			String parent = this.state.latest(connection).map(StoredMigration::name).orElse(null);
			VersionSchemas views = new VersionSchemas(schema(), session.serverMajorVersion());
			RetryingTransactions transactions = session.transactions();

			StartRun run = transactions.inTransaction(step, (tx) -> {
				StartRun attempt = new StartRun(migration.name(), new Triggers(schema(), versionSchema));
				tx.execute("CREATE SCHEMA IF NOT EXISTS " + Sql.ident(schema()), null);
				this.state.insert(tx, migration, parent, base);
				MigrationHooks.HookContext hookContext = new MigrationHooks.HookContext(migration.name(), schema(),
						versionSchema, tx.connection());
				tx.mark("the before-start-DDL hook");
				this.configuration.hooks().beforeStartDdl(hookContext);
				for (Step planned : plan.steps()) {
					planned.operation().start(new StartSteps(attempt, planned, origin(migration, planned), tx, probes));
				}
				boolean ownRoutines = probes.definesRoutinesOrOperators(schema());
				Triggers.PathIndependence pathIndependence = (table, expression, variables) -> !ownRoutines
						&& resolvesWithCatalogOnly(probes, table, expression, variables);
				for (String sql : attempt.triggers.createStatements(attempt.backfills, pathIndependence)) {
					tx.execute(sql, "creating the triggers that keep both versions in sync");
				}
				return attempt;
			});

			long rows = 0;
			try {
				for (Deferred deferred : run.concurrent) {
					transactions.outsideTransaction(step, deferred.origin(), deferred.sql(), deferred.undo());
				}
				Backfill backfill = new Backfill(connection, schema(), migration.name(),
						this.configuration.backfillBatchSize(), this.configuration.backfillBatchDelay(),
						this.configuration.backfillMaxRowsPerSecond(), this.configuration.backfillListener());
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
				for (Deferred deferred : run.afterBackfill) {
					transactions.outsideTransaction(step, deferred.origin(), deferred.sql(), deferred.undo());
				}
				// Only now can clients of the new version appear: every row holds its up values, so none of their
				// statements reads a placeholder (an UPDATE that adds to one could not be repaired afterwards).
				VirtualSchema shown = (run.refreshed != null) ? run.refreshed : plan.result();
				transactions.inTransaction(step, (tx) -> {
					views.create(tx, versionSchema, shown, "creating version schema \"" + versionSchema + "\"");
					tx.mark("the after-start-DDL hook");
					this.configuration.hooks()
						.afterStartDdl(new MigrationHooks.HookContext(migration.name(), schema(), versionSchema,
								tx.connection()));
					this.state.markStartFinished(tx, migration.name());
					return null;
				});
			}
			catch (RuntimeException ex) {
				logger.warn("{} failed after its DDL committed; rolling it back", step);
				try {
					rollbackActive(session, plan, versionSchema, migration.name());
				}
				catch (RuntimeException rollbackFailure) {
					ex.addSuppressed(rollbackFailure);
				}
				throw ex;
			}
			notifyListener((listener) -> listener.versionSchemaCreated(migration.name(), versionSchema));
			logger.info("started migration {}: version schema {}, {} row(s) backfilled", migration.name(),
					versionSchema, rows);
			return new StartResult(migration.name(), versionSchema, rows, Duration.ofNanos(System.nanoTime() - started),
					plan.warnings());
		}
		catch (SQLException ex) {
			throw unexpected(step, ex);
		}
	}

	private CompleteResult doComplete() {
		long started = System.nanoTime();
		try (Session session = Session.open(this.configuration)) {
			ActiveMigration active = activeMigration(session, "complete");
			String step = "complete of migration \"" + active.record().name() + "\"";
			String previous = active.previousVersionSchema();
			Drops drops = new Drops("complete", active.record().name(), previous,
					active.plan().base().tables().stream().map(TableSnapshot::name).collect(Collectors.toSet()), false,
					List.of(), active.versionSchema());
			// Before anything runs, even the validations: complete refuses to drop what the engine did not create.
			checkOwnership(session.connection(), drops, null);
			CompleteSteps collected = new CompleteSteps(schema());
			for (Step planned : active.plan().steps()) {
				planned.operation().complete(collected.forStep(planned, origin(active.migration(), planned)));
			}
			RetryingTransactions transactions = session.transactions();
			for (Statement validation : collected.validations) {
				transactions.inTransaction(step, (tx) -> {
					tx.execute(validation.sql(), validation.origin());
					return null;
				});
			}
			VersionSchemas views = new VersionSchemas(schema(), session.serverMajorVersion());
			transactions.inTransaction(step, (tx) -> {
				MigrationHooks.HookContext hookContext = new MigrationHooks.HookContext(active.record().name(),
						schema(), active.versionSchema(), tx.connection());
				tx.mark("the before-complete-DDL hook");
				this.configuration.hooks().beforeCompleteDdl(hookContext);
				Map<String, Long> previousViews = checkOwnership(tx.connection(), drops, tx);
				if (previous != null) {
					// Old clients are done; their views would block dropping the columns they show.
					VersionSchemas.drop(tx, previous, previousViews, "dropping the previous version schema");
				}
				Map<String, Long> ownViews = Ownership.ownViews(tx.connection(), schema(), active.versionSchema(),
						tableNames(active.plan().result()), isolated(active.plan()));
				Triggers.dropAll(tx, schema());
				for (Statement statement : collected.statements) {
					statement.run(tx);
				}
				SchemaSnapshot result = SchemaReader.read(tx.connection(), schema());
				VirtualSchema shown = VirtualSchema.of(result);
				shown.orderColumnsLike(active.plan().result());
				views.synchronize(tx, active.versionSchema(), shown, ownViews,
						(replaced) -> refuseIfDependents(tx.connection(), active, replaced),
						"updating version schema \"" + active.versionSchema() + "\"");
				this.state.markDone(tx, active.record().name(), result);
				tx.mark("the after-complete-DDL hook");
				this.configuration.hooks().afterCompleteDdl(hookContext);
				return null;
			});
			logger.info("completed migration {}", active.record().name());
			return new CompleteResult(active.record().name(), active.versionSchema(), previous,
					Duration.ofNanos(System.nanoTime() - started));
		}
		catch (SQLException ex) {
			throw unexpected("complete of the active migration of schema \"" + schema() + "\"", ex);
		}
	}

	private RollbackResult doRollback() {
		long started = System.nanoTime();
		try (Session session = Session.open(this.configuration)) {
			ActiveMigration active = activeMigration(session, "roll back");
			rollbackActive(session, active.plan(), active.versionSchema(), active.record().name());
			logger.info("rolled back migration {}", active.record().name());
			return new RollbackResult(active.record().name(), active.versionSchema(),
					Duration.ofNanos(System.nanoTime() - started));
		}
	}

	/**
	 * Rolls back a migration whose start stopped half-way (its process died or lost its connection after the start
	 * transaction committed, during index builds, the backfill or validation). A start still running elsewhere holds
	 * the schema's lock, so this waits for it and then finds nothing to repair.
	 * @return the rollback, or empty when there was nothing to repair
	 */
	public Optional<RollbackResult> repair() {
		return repair(null);
	}

	/**
	 * @param local the migrations of the application that migrates, or {@code null}: an unfinished start with no
	 * file among them belongs to a newer release (this is an older instance restarting) and is left for that release
	 */
	private Optional<RollbackResult> repair(List<Migration> local) {
		long started = System.nanoTime();
		try (Session session = Session.open(this.configuration)) {
			Connection connection = session.connection();
			if (!this.state.isInitialized(connection)) {
				return Optional.empty();
			}
			session.lockSchema();
			Optional<StoredMigration> unfinished = this.state.active(connection)
				.filter((row) -> !row.startFinished());
			if (unfinished.isEmpty()) {
				return Optional.empty();
			}
			if (local != null && local.stream().noneMatch((file) -> file.name().equals(unfinished.get().name()))) {
				logger.warn("the start of migration {} on schema {} did not finish, and this application has no file "
						+ "for it: a newer release started it; leaving it for that release to repair",
						unfinished.get().name(), schema());
				return Optional.empty();
			}
			ActiveMigration active = activeMigration(session, "repair");
			logger.warn("the start of migration {} did not finish; rolling it back", unfinished.get().name());
			rollbackActive(session, active.plan(), active.versionSchema(), active.record().name());
			RollbackResult result = new RollbackResult(active.record().name(), active.versionSchema(), since(started));
			notifyListener((listener) -> listener.rolledBack(result));
			return Optional.of(result);
		}
		catch (SQLException ex) {
			throw unexpected("repairing schema \"" + schema() + "\"", ex);
		}
	}

	/**
	 * Brings the schema up to the local migrations (sorted by name): checks that the history and the files agree,
	 * then completes a migration an earlier deployment left active, starts and completes every pending migration
	 * but the last, and starts the last. The whole reconciliation holds a lock, so instances starting together
	 * take turns and the later ones find the work done.
	 */
	public MigrateResult migrate(List<Migration> local, MigrateOptions options) {
		if (local.isEmpty()) {
			return new MigrateResult(MigrateResult.Outcome.NO_MIGRATIONS, null, List.of(), List.of());
		}
		Migration newest = local.get(local.size() - 1);
		String target = newest.versionSchemaFor(schema());
		local.forEach(this.files::add);
		try (Session session = Session.open(this.configuration)) {
			Connection connection = session.connection();
			ensureInitialized(session);
			session.lockReconciliation(options.lockWait());
			// A start that died half-way is undone first; if its file is still local, it starts again below.
			repair(local);
			List<StoredMigration> history = this.state.history(connection);
			checkHistoryMatches(history, local);
			if (history.size() > local.size()) {
				if (!VersionSchemas.exists(connection, target)) {
					throw new MigrationStateException("the database of schema \"" + schema() + "\" is ahead of this "
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
							+ "\" is still active on schema \"" + schema() + "\"; complete or roll it back before \""
							+ pending.get(0).name() + "\" can start");
				}
				completedNames.add(complete().migration());
			}
			for (int i = 0; i < pending.size(); i++) {
				Migration migration = pending.get(i);
				start(migration);
				startedNames.add(migration.name());
				if (i < pending.size() - 1 || options.completeLast()) {
					complete();
					completedNames.add(migration.name());
				}
			}
			if (pending.isEmpty() && active && options.completeLast()) {
				completedNames.add(complete().migration());
			}
			MigrateResult.Outcome outcome = pending.isEmpty() ? MigrateResult.Outcome.UP_TO_DATE
					: MigrateResult.Outcome.MIGRATED;
			return new MigrateResult(outcome, target, List.copyOf(startedNames), List.copyOf(completedNames));
		}
		catch (SQLException ex) {
			throw unexpected("migrating schema \"" + schema() + "\"", ex);
		}
	}

	/**
	 * The history and the local files must agree on every migration both have: same names in the same order and,
	 * for migrations this engine applied, the same content.
	 */
	private void checkHistoryMatches(List<StoredMigration> history, List<Migration> local) {
		for (int i = 0; i < Math.min(history.size(), local.size()); i++) {
			StoredMigration applied = history.get(i);
			Migration file = local.get(i);
			if (!applied.name().equals(file.name())) {
				throw new MigrationStateException("the history of schema \"" + schema() + "\" and the local migration "
						+ "files disagree at position " + (i + 1) + ": the database applied \"" + applied.name()
						+ "\" where the files have \"" + file.name() + "\" (" + file.source() + "); a migration file "
						+ "was renamed, removed or added out of order");
			}
			if ("pgroll".equals(applied.type())
					&& !applied.sameContentAs(file)) {
				throw new MigrationStateException("migration \"" + applied.name() + "\" was changed after it was "
						+ "applied to schema \"" + schema() + "\": " + file.source() + " now contains "
						+ file.json() + " but the database applied " + applied.migrationAsStored()
						+ "; restore the file and put the change in a new migration");
			}
		}
	}

	/**
	 * Where the schema stands, with the newest {@code historyLimit} migrations. Reads by index only, so it costs the
	 * same with a million migrations of history as with ten. It takes no lock and changes nothing, except that a
	 * state table made by pgroll or an earlier release is brought up to date once, as any other call would.
	 */
	public MigrationStatus status(int historyLimit) {
		if (historyLimit < 1) {
			throw new IllegalArgumentException("historyLimit must be at least 1, not " + historyLimit);
		}
		try (Session session = Session.openForReading(this.configuration)) {
			Connection connection = session.connection();
			if (!readable(session)) {
				return new MigrationStatus(schema(), MigrationStatus.State.NO_MIGRATIONS, null, null, null, List.of(),
						false);
			}
			List<StoredMigration> newest = this.state.newest(connection, historyLimit);
			List<MigrationRecord> records = newest.stream().map(this::record).toList();
			MigrationRecord head = records.isEmpty() ? null : records.get(records.size() - 1);
			MigrationRecord active = (head != null && !head.done()) ? head : null;
			String latest = null;
			for (int i = records.size() - 1; i >= 0 && latest == null; i--) {
				if (Boolean.TRUE.equals(newest.get(i).versionSchemaExists())) {
					latest = records.get(i).versionSchema();
				}
			}
			String previous = null;
			if (active != null && active.parent() != null) {
				if (records.size() > 1) {
					previous = Boolean.TRUE.equals(newest.get(records.size() - 2).versionSchemaExists())
							? records.get(records.size() - 2).versionSchema() : null;
				}
				else {
					String candidate = this.state.find(connection, active.parent()).map(this::versionSchemaOf)
						.orElse(null);
					previous = (candidate != null && VersionSchemas.exists(connection, candidate)) ? candidate : null;
				}
			}
			MigrationStatus.State state = records.isEmpty() ? MigrationStatus.State.NO_MIGRATIONS
					: (active != null) ? MigrationStatus.State.IN_PROGRESS : MigrationStatus.State.COMPLETE;
			boolean earlier = !records.isEmpty() && records.get(0).parent() != null;
			return new MigrationStatus(schema(), state, active, latest, previous, records, earlier);
		}
		catch (SQLException ex) {
			throw unexpected("reading the status of schema \"" + schema() + "\"", ex);
		}
	}

	/** The whole history, oldest first; it is read in full, so its cost grows with the number of migrations. */
	public List<MigrationRecord> history() {
		try (Session session = Session.openForReading(this.configuration)) {
			Connection connection = session.connection();
			if (!readable(session)) {
				return List.of();
			}
			return this.state.history(connection).stream().map(this::record).toList();
		}
		catch (SQLException ex) {
			throw unexpected("reading the history of schema \"" + schema() + "\"", ex);
		}
	}

	private MigrationRecord record(StoredMigration row) {
		return new MigrationRecord(row.name(), versionSchemaOf(row), row.parent(), row.done(), row.createdAt(),
				row.updatedAt(), row.type(), row.startFinished());
	}

	private String versionSchemaOf(StoredMigration row) {
		return row.versionSchema(schema());
	}

	/**
	 * The version schemas of the newest migrations, whose views validation may ignore. Complete drops the previous
	 * version schema, so only the newest one or two of them still exist; ten leaves room for history written by
	 * other tools.
	 */
	private Set<String> recentVersionSchemas(Connection connection) throws SQLException {
		Set<String> names = new HashSet<>();
		this.state.newest(connection, 10).forEach((row) -> names.add(versionSchemaOf(row)));
		return names;
	}

	/**
	 * Whether there is a history to read; a state table in an older form (or pgroll's own) is brought up to date
	 * first, as any other call would, rather than reported as no history.
	 */
	private boolean readable(Session session) throws SQLException {
		StateStore.Form form = this.state.form(session.connection());
		if (form == StateStore.Form.OUTDATED) {
			this.state.init(session.transactions());
		}
		return form != StateStore.Form.ABSENT;
	}

	private void ensureInitialized(Session session) throws SQLException {
		if (!this.state.isInitialized(session.connection())) {
			this.state.init(session.transactions());
		}
	}

	private void checkStartable(Connection connection, Migration migration) throws SQLException {
		Optional<StoredMigration> active = this.state.active(connection);
		if (active.isPresent()) {
			throw new MigrationStateException("cannot start migration \"" + migration.name() + "\": migration \""
					+ active.get().name() + "\" is still active on schema \"" + schema() + "\"; complete or roll it "
					+ "back first");
		}
		if (this.state.find(connection, migration.name()).isPresent()) {
			throw new MigrationStateException("migration \"" + migration.name()
					+ "\" has already been applied to schema \"" + schema() + "\"");
		}
		checkVersionSchemaFree(connection, migration);
	}

	private void checkVersionSchemaFree(Connection connection, Migration migration) throws SQLException {
		String versionSchema = migration.versionSchemaFor(schema());
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

	private ActiveMigration activeMigration(Session session, String verb) {
		try {
			Connection connection = session.connection();
			if (!this.state.isInitialized(connection)) {
				throw new MigrationStateException("cannot " + verb + ": schema \"" + schema()
						+ "\" has no migration history");
			}
			session.lockSchema();
			StoredMigration active = this.state.active(connection)
				.orElseThrow(() -> new MigrationStateException("cannot " + verb + ": there is no active migration on "
						+ "schema \"" + schema() + "\""));
			if (!"pgroll".equals(active.type())) {
				throw new MigrationStateException("cannot " + verb + " migration \"" + active.name() + "\" of schema \""
						+ schema() + "\": its history row has migration_type '" + active.type() + "', not 'pgroll' "
						+ "(pgroll writes 'inferred' for changes it saw made outside migrations and 'baseline' for "
						+ "baselines); no SQL from such a row is run. Finish it with the tool that wrote it, or delete "
						+ "the row if none did");
			}
			if (!active.startFinished() && verb.equals("complete")) {
				throw new MigrationStateException("cannot complete migration \"" + active.name() + "\": its start did "
						+ "not finish (the process running it stopped); repair rolls it back, then start it again");
			}
			if (!active.recordsBaseSchema()) {
				throw new MigrationStateException("cannot " + verb + " migration \"" + active.name()
						+ "\": it was started by another tool (no base schema recorded); finish it with that tool");
			}
			checkAgainstFile(active, verb);
			Migration migration = active
				.migration("migration \"" + active.name() + "\" (history of schema \"" + schema() + "\")");
			SchemaSnapshot base = active.baseSchema();
			Plan plan = plan(mapSql(migration), base, Probes.NONE);
			String previous = (active.parent() != null)
					? this.state.find(connection, active.parent()).map(this::versionSchemaOf).orElse(null) : null;
			return new ActiveMigration(active, migration, plan,
					VersionSelection.versionSchemaName(schema(), active.versionName()), previous);
		}
		catch (SQLException ex) {
			throw unexpected("reading the active migration of schema \"" + schema() + "\"", ex);
		}
	}

	/**
	 * Complete, rollback and repair rebuild everything from the migration stored in the history, SQL included; the
	 * history may have been written by hand, so it must match a file this engine knows of the same name first.
	 */
	private void checkAgainstFile(StoredMigration active, String verb) {
		String refused = "cannot " + verb + " migration \"" + active.name() + "\" of schema \"" + schema() + "\": ";
		List<Migration> files = this.files.named(active.name());
		if (files.isEmpty()) {
			throw new MigrationStateException(refused + "no migration file of that name is known here, so the SQL "
					+ "stored with it in the history cannot be checked against its file and is not run; configure "
					+ "the application's migrations (PgrollConfiguration.Builder.migrations(...), from "
					+ "MigrationLoader; the Spring Boot starter does this) or call it on the instance that started it");
		}
		if (files.stream().noneMatch(active::sameContentAs)) {
			Migration file = files.get(0);
			throw new MigrationStateException(refused + "the history holds other content than its file, and "
					+ "SQL stored in the history is run only when it matches the file: " + file.source()
					+ " contains " + file.json() + " but the history holds "
					+ active.migrationCompact() + "; deploy the file it was started with, or "
					+ "correct the history");
		}
	}

	private void rollbackActive(Session session, Plan plan, String versionSchema, String name) {
		List<Statement> statements = new ArrayList<>();
		List<Step> reversed = new ArrayList<>(plan.steps());
		Collections.reverse(reversed);
		List<CreatedObjects.Identity> created = inferredUndo(session, name);
		Drops drops = new Drops("roll back", name, versionSchema, tableNames(plan.result()), isolated(plan), created,
				null);
		try {
			checkOwnership(session.connection(), drops, null);
		}
		catch (SQLException ex) {
			throw unexpected("rollback of migration \"" + name + "\"", ex);
		}
		List<String> undo = CreatedObjects.dropStatements(created);
		for (Step planned : reversed) {
			planned.operation()
				.rollback(new RollbackSteps(statements, planned, origin(plan.migration(), planned), undo));
		}
		session.transactions().inTransaction("rollback of migration \"" + name + "\"", (tx) -> {
			Map<String, Long> views = checkOwnership(tx.connection(), drops, tx);
			VersionSchemas.drop(tx, versionSchema, views, "dropping version schema \"" + versionSchema + "\"");
			Triggers.dropAll(tx, schema());
			for (Statement statement : statements) {
				statement.run(tx);
			}
			if (!plan.base().exists() && SchemaReader.isEmpty(tx.connection(), schema())) {
				tx.execute("DROP SCHEMA IF EXISTS " + Sql.ident(schema()), "dropping schema \"" + schema()
						+ "\", which the start created");
			}
			this.state.delete(tx, name);
			return null;
		});
	}

	/**
	 * What user SQL of the active migration created and is still there, as the history records it, each checked
	 * against the schema; read fresh, start may have just written it.
	 */
	private List<CreatedObjects.Identity> inferredUndo(Session session, String name) {
		try {
			Connection connection = session.connection();
			Optional<StoredMigration> row = this.state.find(connection, name)
				.filter(StoredMigration::recordsUndo);
			if (row.isEmpty()) {
				return List.of();
			}
			String refused = "cannot roll back migration \"" + name + "\" of schema \"" + schema() + "\": ";
			return CreatedObjects.recorded(connection, schema(), row.get().inferredUndo(refused), refused);
		}
		catch (SQLException ex) {
			throw unexpected("reading the active migration of schema \"" + schema() + "\"", ex);
		}
	}

	/**
	 * Refuses, listing them, when objects the engine did not create live in the version schema that complete or
	 * rollback drops, or depend on the engine's views there, on the sync triggers or on what a {@code sql}
	 * operation created. Runs before any DDL, and again inside the transaction just before the drops, with the
	 * engine's views locked so that no trigger or rule can be added to them in between; the drops themselves never
	 * cascade, so whatever slips in after the check fails them and rolls the transaction back.
	 * @param lockWith the transaction to lock the views in, or {@code null} for the check before any DDL
	 * @return the engine's views in the version schema, by name
	 */
	private Map<String, Long> checkOwnership(Connection connection, Drops drops, RetryingTransactions.Tx lockWith)
			throws SQLException {
		Map<String, Long> views = (drops.versionSchema() != null) ? Ownership.ownViews(connection, schema(),
				drops.versionSchema(), drops.viewNames(), drops.namedLikeTables()) : Map.of();
		if (lockWith != null && !views.isEmpty()) {
			VersionSchemas.lockViews(lockWith, drops.versionSchema(), views.keySet(), "dropping version schema \""
					+ drops.versionSchema() + "\"");
		}
		List<Ownership.Foreign> foreign = new ArrayList<>();
		if (drops.versionSchema() != null) {
			String recreate = "drop it, and create it again on the tables of schema \"" + schema() + "\""
					+ ((drops.remaining() != null) ? " or the views of version schema \"" + drops.remaining() + "\""
							: "")
					+ " once " + drops.verb() + " is done";
			String target = Ownership.quoted(connection, schema());
			for (Ownership.Foreign object : Ownership.ofVersionSchema(connection, drops.versionSchema(),
					views.values())) {
				String move = (object.dependsOn() == null) ? Ownership.move(object, target) : null;
				String advice = (object.dependsOn() == null)
						? ((move != null) ? "move it with " + move : "move it to another schema or drop it")
						: (object.type().equals("trigger") || object.type().equals("rule"))
								? "drop it; the version schema's views are the engine's and go with it" : recreate;
				foreign.add(object.advised(advice));
			}
		}
		for (Ownership.Foreign object : Ownership.ofTriggers(connection,
				Ownership.triggerObjects(connection, schema()))) {
			foreign.add(object.advised("drop it; the sync triggers, their functions and the backfill marker go "
					+ "with the migration"));
		}
		for (Ownership.Foreign object : Ownership.ofCreated(connection,
				CreatedObjects.resolve(connection, schema(), drops.created()), views.values())) {
			foreign.add(object.advised("drop it, or change it so that it no longer depends on that: rollback drops "
					+ "what the migration's sql operation created"));
		}
		if (!foreign.isEmpty()) {
			List<String> dropped = new ArrayList<>();
			if (drops.versionSchema() != null) {
				dropped.add("version schema \"" + drops.versionSchema() + "\"");
			}
			dropped.add("the sync triggers");
			if (!drops.created().isEmpty()) {
				dropped.add("what the sql operation created");
			}
			String noun = drops.verb().equals("roll back") ? "rollback" : drops.verb();
			String last = dropped.remove(dropped.size() - 1);
			String what = dropped.isEmpty() ? last : String.join(", ", dropped) + " and " + last;
			throw Ownership.refusal("cannot " + drops.verb() + " migration \"" + drops.migration() + "\": " + noun
					+ " drops " + what + ", but these objects, which the engine did not create, are in the way:",
					foreign,
					"Nothing was changed; migration \"" + drops.migration() + "\" is still active. Move or drop "
							+ "these objects, then " + drops.verb() + " again.");
		}
		return views;
	}

	/** Complete replaces the engine's views whose columns change; refuses if anything else depends on them. */
	private void refuseIfDependents(Connection connection, ActiveMigration active, Collection<Long> replaced)
			throws SQLException {
		List<Ownership.Foreign> foreign = Ownership.ofViews(connection, replaced)
			.stream()
			.map((object) -> object.advised("drop it, and create it again once complete is done"))
			.toList();
		if (!foreign.isEmpty()) {
			throw Ownership.refusal("cannot complete migration \"" + active.record().name() + "\": complete "
					+ "replaces views of version schema \"" + active.versionSchema() + "\" whose columns change, "
					+ "and these objects, which the engine did not create, depend on them:", foreign,
					"Nothing was changed; migration \"" + active.record().name() + "\" is still active. Drop "
							+ "these objects, then complete again.");
		}
	}

	private static Set<String> tableNames(VirtualSchema schema) {
		return schema.tables().stream().map(VirtualTable::name).collect(Collectors.toSet());
	}

	/** A {@code sql} operation's version shows whatever tables the SQL left, under their own names. */
	private static boolean isolated(Plan plan) {
		return plan.steps().stream().anyMatch((step) -> step.operation().isIsolated());
	}

	private Migration mapSql(Migration migration) {
		List<Operation> operations = new ArrayList<>();
		for (int i = 0; i < migration.operations().size(); i++) {
			Operation operation = migration.operations().get(i);
			operations.add(operation.mapSql(mapper(migration, i, operation)));
		}
		return new Migration(migration.name(), migration.versionSchema(), operations, migration.source(),
				migration.json());
	}

	private SqlMapper mapper(Migration migration, int index, Operation operation) {
		return (path, kind, sql) -> {
			if (sql == null) {
				return null;
			}
			String transformed;
			try {
				transformed = this.configuration.sqlTransformer()
					.transform(new SqlFragment(migration.name(), index, operation.kind(), path, kind, sql));
			}
			catch (RuntimeException ex) {
				throw new MigrationValidationException(migration.source(), index, operation.kind(), path,
						"rejected by the SQL transformer: " + ex.getMessage());
			}
			if (transformed == null) {
				throw new MigrationValidationException(migration.source(), index, operation.kind(), path,
						"the SQL transformer returned nothing");
			}
			if (transformed.isBlank()) {
				return transformed;
			}
			String problem = (kind == SqlFragment.Kind.RAW_SQL) ? SqlText.userSqlProblem(transformed)
					: SqlText.expressionProblem(transformed);
			if (problem != null) {
				throw new MigrationValidationException(migration.source(), index, operation.kind(), path,
						"the SQL " + problem);
			}
			// Pasted into generated SQL, a trailing -- comment must not swallow what follows it.
			return (kind == SqlFragment.Kind.RAW_SQL) ? transformed : SqlText.terminated(transformed);
		};
	}

	private Plan plan(Migration migration, SchemaSnapshot base, Probes probes) {
		return plan(migration, base, probes, Set.of());
	}

	/**
	 * Validates every operation in order against the schema the earlier ones leave.
	 * @param versionSchemas this tool's version schemas, whose views validation may ignore
	 */
	private Plan plan(Migration migration, SchemaSnapshot base, Probes probes, Set<String> versionSchemas) {
		List<Operation> operations = migration.operations();
		if (operations.isEmpty()) {
			throw new MigrationValidationException(migration.source(), -1, null, "operations",
					"a migration needs at least one operation");
		}
		if (operations.size() > 1) {
			for (int i = 0; i < operations.size(); i++) {
				if (operations.get(i).isIsolated()) {
					throw new MigrationValidationException(migration.source(), i, operations.get(i).kind(), null,
							"a sql operation without onComplete must be the only operation of its migration: "
									+ "what it changes is only known after it ran");
				}
			}
		}
		VirtualSchema current = VirtualSchema.of(base);
		List<Step> steps = new ArrayList<>();
		List<String> warnings = new ArrayList<>();
		// Snapshots share what did not change, so keeping one per operation costs what the operation changed.
		VirtualSchema before = current.snapshot();
		for (int i = 0; i < operations.size(); i++) {
			operations.get(i)
				.validate(new Validation(current, migration, i, operations.get(i), probes, versionSchemas,
						this.configuration.strictDownExpressions(), warnings));
			VirtualSchema after = current.snapshot();
			steps.add(new Step(i, operations.get(i), before, after));
			before = after;
		}
		return new Plan(migration, base, steps, current, List.copyOf(warnings));
	}

	private static String origin(Migration migration, Step step) {
		return migration.source() + " operations[" + step.index() + "] (" + step.operation().kind() + ")";
	}

	private PgrollException unexpected(String what, SQLException ex) {
		return new PgrollException(what + " failed: " + RetryingTransactions.serverMessage(ex), ex);
	}

	record Step(int index, Operation operation, VirtualSchema before, VirtualSchema after) {
	}

	record Plan(Migration migration, SchemaSnapshot base, List<Step> steps, VirtualSchema result,
			List<String> warnings) {
	}

	/** A statement to run; {@code userSql} for the SQL of a sql operation, which runs contained. */
	record Statement(String sql, String origin, boolean userSql) {

		Statement(String sql, String origin) {
			this(sql, origin, false);
		}

		void run(RetryingTransactions.Tx tx) throws SQLException {
			if (this.userSql) {
				tx.executeUserSql(this.sql, this.origin);
			}
			else {
				tx.execute(this.sql, this.origin);
			}
		}

	}

	/**
	 * What complete or rollback drops besides its operations' own statements.
	 * @param verb {@code complete} or {@code roll back}
	 * @param migration the active migration's name
	 * @param versionSchema the version schema it drops, or {@code null}
	 * @param viewNames the names the engine gave the views there
	 * @param namedLikeTables whether a view named like the table it reads is the engine's too
	 * @param created the objects a {@code sql} operation without {@code down} created, which rollback drops
	 * @param remaining the version schema that stays, or {@code null}
	 */
	record Drops(String verb, String migration, String versionSchema, Set<String> viewNames, boolean namedLikeTables,
			List<CreatedObjects.Identity> created, String remaining) {
	}

	record Deferred(String sql, String undo, String origin) {
	}

	record ActiveMigration(StoredMigration record, Migration migration, Plan plan, String versionSchema,
			String previousVersionSchema) {
	}

	/** What one attempt of the start transaction collected for the steps that follow it. */
	private static final class StartRun {

		private final Triggers triggers;

		private final List<Deferred> concurrent = new ArrayList<>();

		private final List<Deferred> afterBackfill = new ArrayList<>();

		private final Set<String> backfills = new LinkedHashSet<>();

		/** For each backfilled table, the operations whose up expressions its trigger runs. */
		private final Map<String, Set<String>> fillers = new HashMap<>();

		private VirtualSchema refreshed;

		private final String migration;

		StartRun(String migration, Triggers triggers) {
			this.migration = migration;
			this.triggers = triggers;
		}

	}

	private final class StartSteps extends StepContext implements StartContext {

		private final StartRun run;

		private final String origin;

		private final RetryingTransactions.Tx tx;

		private final Probes probes;

		private final List<String> upOrigins = new ArrayList<>();

		StartSteps(StartRun run, Step step, String origin, RetryingTransactions.Tx tx, Probes probes) {
			super(schema(), step);
			this.run = run;
			this.origin = origin;
			this.tx = tx;
			this.probes = probes;
		}

		@Override
		public void execute(String sql) {
			this.tx.executeUnchecked(sql, this.origin);
		}

		@Override
		public void executeConcurrently(String sql, String undo) {
			this.run.concurrent.add(new Deferred(sql, undo, this.origin));
		}

		@Override
		public void executeAfterBackfill(String sql, String undo) {
			this.run.afterBackfill.add(new Deferred(sql, undo, this.origin));
		}

		@Override
		public void executeUserSql(String sql, boolean inferUndo) {
			try {
				Set<CreatedObjects.Identity> before = inferUndo ? CreatedObjects.list(this.tx.connection(), schema())
						: Set.of();
				this.tx.executeUserSql(sql, this.origin + ", field up");
				if (inferUndo) {
					List<CreatedObjects.Identity> undo = CreatedObjects.created(before,
							CreatedObjects.list(this.tx.connection(), schema()));
					MigrationEngine.this.state.recordInferredUndo(this.tx, this.run.migration,
							undo);
				}
			}
			catch (SQLException ex) {
				throw new RetryingTransactions.UncheckedSqlException(ex);
			}
		}

		@Override
		public boolean isVolatileDefault(String field, String type, String expression) {
			this.tx.mark(this.origin + ", field " + field);
			try {
				return this.probes.isVolatileDefault(type, expression);
			}
			catch (SQLException ex) {
				throw new RetryingTransactions.UncheckedSqlException(ex);
			}
		}

		@Override
		public void upTrigger(VirtualTable table, String targetColumn, String expression) {
			this.run.triggers.addUp(table, targetColumn, expression);
			this.upOrigins.add(this.origin);
		}

		@Override
		public void downTrigger(VirtualTable table, String targetColumn,
				String expression) {
			this.run.triggers.addDown(table, targetColumn, expression);
		}

		@Override
		public void backfill(String physicalTable) {
			this.run.backfills.add(physicalTable);
			this.run.fillers.computeIfAbsent(physicalTable, (k) -> new LinkedHashSet<>()).addAll(this.upOrigins);
		}

		@Override
		public void refreshSchema() {
			try {
				this.run.refreshed = VirtualSchema.of(SchemaReader.read(this.tx.connection(), schema()));
			}
			catch (SQLException ex) {
				throw new RetryingTransactions.UncheckedSqlException(ex);
			}
		}

	}

	/** Collects complete statements, tracking renames so later operations address objects by current names. */
	private static final class CompleteSteps {

		private final String schema;

		private final Map<String, String> tableNames = new HashMap<>();

		private final Map<String, Map<String, String>> columnNames = new HashMap<>();

		private final List<Statement> validations = new ArrayList<>();

		private final List<Statement> statements = new ArrayList<>();

		CompleteSteps(String schema) {
			this.schema = schema;
		}

		CompleteContext forStep(Step step, String origin) {
			return new OperationStep(step, origin);
		}

		/** One operation's view of the complete; names resolve through the renames collected so far. */
		private final class OperationStep extends StepContext implements CompleteContext {

			private final String origin;

			OperationStep(Step step, String origin) {
				super(CompleteSteps.this.schema, step);
				this.origin = origin;
			}

			@Override
			public String table(String physicalTable) {
				return Sql.qualified(CompleteSteps.this.schema, tableNames.getOrDefault(physicalTable, physicalTable));
			}

			@Override
			public String column(String physicalTable, String physicalColumn) {
				return Sql.ident(columnNames.getOrDefault(physicalTable, Map.of())
					.getOrDefault(physicalColumn, physicalColumn));
			}

			@Override
			public void validateConstraint(String physicalTable, String constraint) {
				validations.add(new Statement("ALTER TABLE " + Sql.qualified(CompleteSteps.this.schema, physicalTable)
						+ " VALIDATE CONSTRAINT " + Sql.ident(constraint), this.origin));
			}

			@Override
			public void execute(String sql) {
				statements.add(new Statement(sql, this.origin));
			}

			@Override
			public void renameTable(String physicalTable, String newName) {
				statements.add(new Statement("ALTER TABLE " + table(physicalTable) + " RENAME TO " + Sql.ident(newName),
						this.origin));
				tableNames.put(physicalTable, newName);
			}

			@Override
			public void renameColumn(String physicalTable, String physicalColumn, String newName) {
				statements.add(new Statement("ALTER TABLE " + table(physicalTable) + " RENAME COLUMN "
						+ column(physicalTable, physicalColumn) + " TO " + Sql.ident(newName), this.origin));
				columnNames.computeIfAbsent(physicalTable, (k) -> new HashMap<>()).put(physicalColumn, newName);
			}

			@Override
			public void executeUserSql(String sql) {
				statements.add(new Statement(sql, this.origin + ", field up", true));
			}

		}

	}

	/** The schema accessors every phase context shares. */
	private abstract static class StepContext implements OperationContext {

		private final String schemaName;

		private final Step step;

		StepContext(String schemaName, Step step) {
			this.schemaName = schemaName;
			this.step = step;
		}

		@Override
		public String schemaName() {
			return this.schemaName;
		}

		@Override
		public VirtualSchema before() {
			return this.step.before();
		}

		@Override
		public VirtualSchema after() {
			return this.step.after();
		}

	}


	private final class RollbackSteps extends StepContext implements RollbackContext {

		private final List<Statement> statements;

		private final String origin;

		private final List<String> inferredUndo;

		RollbackSteps(List<Statement> statements, Step step, String origin, List<String> inferredUndo) {
			super(schema(), step);
			this.statements = statements;
			this.origin = origin;
			this.inferredUndo = inferredUndo;
		}

		@Override
		public void undoInferred() {
			this.inferredUndo.forEach((sql) -> this.statements.add(new Statement(sql, this.origin
					+ ", undoing what up created")));
		}

		@Override
		public void execute(String sql) {
			this.statements.add(new Statement(sql, this.origin));
		}

		@Override
		public void executeUserSql(String sql) {
			this.statements.add(new Statement(sql, this.origin + ", field down", true));
		}

	}

	/** Validation of one operation: names the file, operation and field in every error. */
	private static final class Validation implements ValidationContext {

		private final VirtualSchema schema;

		private final Migration migration;

		private final int index;

		private final Operation operation;

		private final Probes probes;

		private final Set<String> versionSchemas;

		private final boolean strictDown;

		private final List<String> warnings;

		Validation(VirtualSchema schema, Migration migration, int index, Operation operation, Probes probes,
				Set<String> versionSchemas, boolean strictDown, List<String> warnings) {
			this.schema = schema;
			this.migration = migration;
			this.index = index;
			this.operation = operation;
			this.probes = probes;
			this.versionSchemas = versionSchemas;
			this.strictDown = strictDown;
			this.warnings = warnings;
		}

		@Override
		public VirtualSchema schema() {
			return this.schema;
		}

		@Override
		public MigrationValidationException invalid(String field, String detail) {
			return new MigrationValidationException(this.migration.source(), this.index, this.operation.kind(), field,
					detail);
		}

		@Override
		public void checkName(String field, String name) {
			required(field, name);
			String problem = Identifiers.problem(name);
			if (problem != null) {
				throw invalid(field, "name \"" + Identifiers.printable(name) + "\" " + problem);
			}
		}

		@Override
		public void checkNewName(String field, String name) {
			required(field, name);
			String problem = Identifiers.newNameProblem(name);
			if (problem != null) {
				throw invalid(field, "name \"" + Identifiers.printable(name) + "\" " + problem);
			}
		}

		@Override
		public void checkType(String field, String type) {
			Probes.Problem problem = this.probes.typeProblem(type);
			if (problem != null) {
				throw invalid(field, "type \"" + type + "\" is not valid: " + problem.message());
			}
		}

		@Override
		public void checkValue(String field, String sql, String table, Map<String, String> columns, String type) {
			report(field, this.probes.valueProblem(sql, table, columns, type));
		}

		@Override
		public void checkDownValue(String field, String sql, String table, Map<String, String> columns,
				String type) {
			Probes.Problem problem = this.probes.valueProblem(sql, table, columns, type);
			if (problem != null && problem.isUnresolvedReference() && !this.strictDown) {
				String warning = invalid(field, "the SQL will fail when the new version writes: " + problem.message())
					.getMessage();
				logger.warn("{}", warning);
				this.warnings.add(warning);
				return;
			}
			report(field, problem);
		}

		@Override
		public void checkDefault(String field, String sql, String type) {
			report(field, this.probes.defaultProblem(sql, type));
		}

		@Override
		public void checkCondition(String field, String sql, Map<String, String> columns) {
			report(field, this.probes.conditionProblem(sql, columns));
		}

		@Override
		public void checkGenerated(String field, String sql, Map<String, String> columns, String type) {
			report(field, this.probes.generatedProblem(sql, columns, type));
		}

		@Override
		public void checkPredicate(String field, String sql, Map<String, String> columns) {
			report(field, this.probes.predicateProblem(sql, columns));
		}

		@Override
		public List<String> dependentsOf(String physicalTable, String physicalColumn, boolean includeLostOnDrop) {
			try {
				return this.probes.dependentsOf(Sql.qualified(this.schema.name(), physicalTable), physicalColumn)
					.stream()
					.filter((dependent) -> !(dependent.kind().equals("view")
							&& this.versionSchemas.contains(dependent.schema())))
					.filter((dependent) -> includeLostOnDrop || !dependent.kind().equals("statistics"))
					.map(Probes.Dependent::toString)
					.toList();
			}
			catch (SQLException ex) {
				throw new RetryingTransactions.UncheckedSqlException(ex);
			}
		}

		private void report(String field, Probes.Problem problem) {
			if (problem != null) {
				throw invalid(field, "the SQL is not valid here: " + problem.message());
			}
		}

	}

}
