package dev.pgroll4j.core.internal.engine;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.pgroll4j.core.CompleteResult;
import dev.pgroll4j.core.LiveInstancePolicy;
import dev.pgroll4j.core.MigrationHooks;
import dev.pgroll4j.core.internal.catalog.Ownership;
import dev.pgroll4j.core.internal.catalog.SchemaReader;
import dev.pgroll4j.core.internal.jdbc.RetryingTransactions;
import dev.pgroll4j.core.internal.jdbc.Session;
import dev.pgroll4j.core.internal.state.StoredMigration;
import dev.pgroll4j.core.internal.sync.Triggers;
import dev.pgroll4j.core.internal.sync.VersionSchemas;
import dev.pgroll4j.core.schema.SchemaSnapshot;
import dev.pgroll4j.core.schema.TableSnapshot;
import dev.pgroll4j.core.schema.VirtualSchema;

/**
 * Completes the active rollout (one migration, or the migrations a release started together): its constraints are
 * validated, then one transaction drops the version schema before the rollout and the sync triggers, runs every
 * operation's complete statements in order (the contract) and brings the last migration's version schema in line
 * with the tables as they now are.
 */
final class Complete {

	private static final Logger logger = LoggerFactory.getLogger(Complete.class);

	private final EngineSetup setup;

	Complete(EngineSetup setup) {
		this.setup = setup;
	}

	CompleteResult run(LiveInstancePolicy policy) {
		try (Session session = Session.open(this.setup.configuration())) {
			return complete(session, ActiveMigration.read(this.setup, session, "complete"), policy);
		}
	}

	/**
	 * Completes the active rollout if it is the one that created {@code versionSchema} and no live instance has used
	 * the version schema it drops for {@code grace}: not since the last such instance left, nor since the rollout
	 * started. Run by instances of the new release, so that one of them completes it, once: the check is made again
	 * under the schema's lock, and the others then find nothing to do.
	 * @return the completion, or empty when it is not due (or not this release's to do)
	 */
	Optional<CompleteResult> runIfUnused(String versionSchema, Duration grace) {
		String schema = this.setup.schema();
		try (Session session = Session.open(this.setup.configuration())) {
			// First without the lock, so that instances asking every few seconds do not queue on it.
			if (!due(session.connection(), versionSchema, grace)) {
				return Optional.empty();
			}
			session.lockSchema();
			if (!due(session.connection(), versionSchema, grace)) {
				return Optional.empty();
			}
			ActiveMigration active = ActiveMigration.read(this.setup, session, "complete");
			if (active.previousVersionSchema() != null) {
				logger.info("auto-completing {}: no instance has used version schema {} for {} ms", active.describe(),
						active.previousVersionSchema(), grace.toMillis());
			}
			else {
				logger.info("auto-completing {}: it has no version schema before it, and started over {} ms ago",
						active.describe(), grace.toMillis());
			}
			return Optional.of(complete(session, active, LiveInstancePolicy.REFUSE));
		}
		catch (SQLException ex) {
			throw EngineSetup.unexpected("auto-complete of the active migration of schema \"" + schema + "\"", ex);
		}
	}

	/** Whether the rollout of {@code versionSchema} is active, finished starting, and unused for the grace period. */
	private boolean due(Connection connection, String versionSchema, Duration grace) throws SQLException {
		if (!this.setup.state().isInitialized(connection)) {
			return false;
		}
		List<StoredMigration> rollout = this.setup.state().activeRolloutSummary(connection);
		if (rollout.isEmpty() || !rollout.stream().allMatch(StoredMigration::startFinished)) {
			return false;
		}
		StoredMigration last = rollout.get(rollout.size() - 1);
		if (!last.versionSchema(this.setup.schema()).equals(versionSchema)) {
			return false;
		}
		Instant since = rollout.stream().map(StoredMigration::updatedAt).max(Comparator.naturalOrder()).orElseThrow()
			.toInstant();
		String previous = this.setup.versionSchemaBefore(connection, rollout.get(0).parent());
		if (previous != null) {
			if (!this.setup.instances().live(connection, previous).isEmpty()) {
				return false;
			}
			Optional<Instant> seen = this.setup.instances().lastSeen(connection, previous);
			if (seen.isPresent() && seen.get().isAfter(since)) {
				since = seen.get();
			}
		}
		return !since.plus(grace).isAfter(databaseNow(connection));
	}

	/** The database's clock: the times compared with it were written by it, whatever the clock of this machine. */
	private static Instant databaseNow(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("SELECT clock_timestamp()")) {
			rs.next();
			return rs.getTimestamp(1).toInstant();
		}
	}

	private CompleteResult complete(Session session, ActiveMigration active, LiveInstancePolicy policy) {
		long started = System.nanoTime();
		String schema = this.setup.schema();
		try {
			String step = "complete of " + active.describe();
			String previous = active.previousVersionSchema();
			if (previous != null && !previous.equals(active.versionSchema())) {
				LiveInstanceCheck.check(this.setup, session.connection(), "complete", active.describe(), previous,
						policy, null);
			}
			Drops drops = new Drops(schema, "complete", active.describe(), previous,
					active.plan().base().tables().stream().map(TableSnapshot::name).collect(Collectors.toSet()), false,
					List.of(), active.versionSchema());
			// Before anything runs, even the validations: complete refuses to drop what the engine did not create.
			drops.check(session.connection());
			CompletePhase.Collected collected = new CompletePhase.Collected(schema);
			for (Plan.Step planned : active.plan().steps()) {
				planned.operation().complete(collected.forStep(planned, active.plan().origin(planned)));
			}
			RetryingTransactions transactions = session.transactions();
			for (PlannedStatement validation : collected.validations) {
				transactions.inTransaction(step, (tx) -> {
					tx.execute(validation.sql(), validation.origin());
					return null;
				});
			}
			VersionSchemas views = new VersionSchemas(schema, session.serverMajorVersion());
			transactions.inTransaction(step, (tx) -> {
				MigrationHooks.HookContext hookContext = new MigrationHooks.HookContext(active.name(), schema,
						active.versionSchema(), tx.connection());
				tx.mark("the before-complete-DDL hook");
				this.setup.configuration().hooks().beforeCompleteDdl(hookContext);
				Map<String, Long> previousViews = drops.checkAndLock(tx);
				if (previous != null && !previous.equals(active.versionSchema()) && policy == LiveInstancePolicy.REFUSE) {
					// Again, now that the validations are done: an instance may have registered meanwhile.
					LiveInstanceCheck.check(this.setup, tx.connection(), "complete", active.describe(), previous,
							policy, null);
				}
				if (previous != null) {
					// Old clients are done; their views would block dropping the columns they show.
					VersionSchemas.drop(tx, previous, previousViews, "dropping the previous version schema");
				}
				Map<String, Long> ownViews = Ownership.ownViews(tx.connection(), schema, active.versionSchema(),
						active.plan().resultTableNames(), active.plan().isolated());
				Triggers.dropAll(tx, schema);
				for (PlannedStatement statement : collected.statements) {
					statement.run(tx);
				}
				SchemaSnapshot result = SchemaReader.read(tx.connection(), schema);
				VirtualSchema shown = VirtualSchema.of(result);
				shown.orderColumnsLike(active.plan().result());
				views.synchronize(tx, active.versionSchema(), shown, ownViews,
						(replaced) -> refuseIfDependents(tx.connection(), active, replaced),
						"updating version schema \"" + active.versionSchema() + "\"");
				this.setup.state().markDone(tx, active.names(), result);
				tx.mark("the after-complete-DDL hook");
				this.setup.configuration().hooks().afterCompleteDdl(hookContext);
				return null;
			});
			logger.info("completed {}", active.describe());
			return new CompleteResult(active.name(), active.versionSchema(), previous,
					Duration.ofNanos(System.nanoTime() - started), active.names());
		}
		catch (SQLException ex) {
			throw EngineSetup.unexpected("complete of the active migration of schema \"" + schema + "\"", ex);
		}
	}

	/** Complete replaces the engine's views whose columns change; refuses if anything else depends on them. */
	private static void refuseIfDependents(Connection connection, ActiveMigration active, Collection<Long> replaced)
			throws SQLException {
		List<Ownership.Foreign> foreign = Ownership.ofViews(connection, replaced)
			.stream()
			.map((object) -> object.advised("drop it, and create it again once complete is done"))
			.toList();
		if (!foreign.isEmpty()) {
			throw Ownership.refusal("cannot complete " + active.describe() + ": complete "
					+ "replaces views of version schema \"" + active.versionSchema() + "\" whose columns change, "
					+ "and these objects, which the engine did not create, depend on them:", foreign,
					"Nothing was changed; " + active.describe() + " is still active. Drop "
							+ "these objects, then complete again.");
		}
	}

}
