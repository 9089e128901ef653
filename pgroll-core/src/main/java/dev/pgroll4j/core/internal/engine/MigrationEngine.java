package dev.pgroll4j.core.internal.engine;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import dev.pgroll4j.core.CompleteResult;
import dev.pgroll4j.core.InstanceRegistration;
import dev.pgroll4j.core.LiveInstancePolicy;
import dev.pgroll4j.core.MigrateOptions;
import dev.pgroll4j.core.MigrateResult;
import dev.pgroll4j.core.MigrationListener;
import dev.pgroll4j.core.MigrationRecord;
import dev.pgroll4j.core.MigrationStatus;
import dev.pgroll4j.core.PgrollConfiguration;
import dev.pgroll4j.core.RollbackResult;
import dev.pgroll4j.core.StartResult;
import dev.pgroll4j.core.internal.jdbc.Session;
import dev.pgroll4j.core.internal.state.InstanceRegistry;
import dev.pgroll4j.core.migration.Migration;

/**
 * Runs migrations for {@link dev.pgroll4j.core.Pgroll}: builds the set-up every verb shares and hands each call to
 * its verb (validate, start, complete, rollback and repair, migrate, status and history), telling the listener how
 * start, complete and rollback went.
 */
public final class MigrationEngine {

	private final EngineSetup setup;

	private final Validate validate;

	private final Start start;

	private final Complete complete;

	private final Rollback rollback;

	private final Migrate migrate;

	private final StatusReport status;

	public MigrationEngine(PgrollConfiguration configuration) {
		this.setup = new EngineSetup(configuration);
		this.validate = new Validate(this.setup);
		this.rollback = new Rollback(this.setup);
		this.start = new Start(this.setup, this.validate, this.rollback);
		this.complete = new Complete(this.setup);
		this.status = new StatusReport(this.setup);
		this.migrate = new Migrate(this.setup, this.rollback, this::start,
				() -> complete(LiveInstancePolicy.REFUSE));
	}

	public void init() {
		try (Session session = Session.open(this.setup.configuration())) {
			this.setup.state().init(session.transactions());
		}
	}

	/** Checks a migration against the live schema and the history without changing anything. */
	public void validate(List<Migration> rollout) {
		this.validate.run(List.copyOf(rollout));
	}

	/** Starts one migration, or several as one rollout; see {@link Start}. */
	public StartResult start(List<Migration> rollout) {
		List<Migration> migrations = List.copyOf(rollout);
		if (migrations.isEmpty()) {
			throw new IllegalArgumentException("a rollout needs at least one migration");
		}
		// This instance vouches for what it starts: its own complete and rollback may run it from the history.
		migrations.forEach(this.setup.files()::add);
		return observed("start", migrations.get(migrations.size() - 1).name(), () -> this.start.run(migrations),
				MigrationListener::started);
	}

	public CompleteResult complete(LiveInstancePolicy policy) {
		return observed("complete", null, () -> this.complete.run(policy), MigrationListener::completed);
	}

	/** Completes the rollout of {@code versionSchema} once its previous version schema is unused; see {@link Complete}. */
	public Optional<CompleteResult> completeIfUnused(String versionSchema, Duration grace) {
		Optional<CompleteResult> result = observed("complete", null,
				() -> this.complete.runIfUnused(versionSchema, grace), (listener, done) -> {
				});
		result.ifPresent((done) -> this.setup.notifyListener((listener) -> listener.completed(done)));
		return result;
	}

	public RollbackResult rollback(LiveInstancePolicy policy, @Nullable String caller) {
		return observed("rollback", null, () -> this.rollback.run(policy, caller), MigrationListener::rolledBack);
	}

	/** Registers or renews an application instance; see {@link InstanceRegistry#beat}. */
	public boolean heartbeat(InstanceRegistration instance) {
		return this.status.heartbeat(instance);
	}

	/** Marks an instance as stopped. */
	public void deregister(String id) {
		this.status.deregister(id);
	}

	/**
	 * Rolls back a migration whose start stopped half-way (its process died or lost its connection after the start
	 * transaction committed, during index builds, the backfill or validation). A start still running elsewhere holds
	 * the schema's lock, so this waits for it and then finds nothing to repair.
	 * @return the rollback, or empty when there was nothing to repair
	 */
	public Optional<RollbackResult> repair() {
		return this.rollback.repair(null, false);
	}

	/**
	 * Brings the schema up to the local migrations (sorted by name); see {@link Migrate}.
	 */
	public MigrateResult migrate(List<Migration> local, MigrateOptions options) {
		return this.migrate.run(local, options);
	}

	/**
	 * Where the schema stands, with the newest {@code historyLimit} migrations. Reads by index only, so it costs the
	 * same with a million migrations of history as with ten. It takes no lock and changes nothing, except that a
	 * state table made by pgroll or an earlier release is brought up to date once, as any other call would.
	 */
	public MigrationStatus status(int historyLimit) {
		return this.status.status(historyLimit);
	}

	/** The whole history, oldest first; it is read in full, so its cost grows with the number of migrations. */
	public List<MigrationRecord> history() {
		return this.status.history();
	}

	/**
	 * Runs a verb and tells the listener how it went: its result, or that it failed and after how long. The
	 * listener cannot change the outcome (see {@link EngineSetup#notifyListener}).
	 * @param phase how {@link MigrationListener#failed} names the verb
	 * @param migration the migration, where it is known before the verb runs
	 */
	private <T> T observed(String phase, @Nullable String migration, Supplier<T> verb,
			BiConsumer<MigrationListener, T> succeeded) {
		long started = System.nanoTime();
		try {
			T result = verb.get();
			this.setup.notifyListener((listener) -> succeeded.accept(listener, result));
			return result;
		}
		catch (RuntimeException ex) {
			this.setup.notifyListener((listener) -> listener.failed(phase, migration,
					Duration.ofNanos(System.nanoTime() - started), ex));
			throw ex;
		}
	}

}
