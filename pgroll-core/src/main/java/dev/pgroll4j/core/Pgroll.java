package dev.pgroll4j.core;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import dev.pgroll4j.core.internal.engine.MigrationEngine;
import dev.pgroll4j.core.internal.jdbc.RetryingTransactions;
import dev.pgroll4j.core.internal.state.InstanceRegistry;
import dev.pgroll4j.core.migration.Migration;

/**
 * The entry point: zero-downtime, reversible migrations of one PostgreSQL schema.
 *
 * <pre>{@code
 * Pgroll pgroll = Pgroll.configure().dataSource(dataSource).schema("public").load();
 * for (Migration migration : MigrationLoader.fromClasspath("db/pgroll", classLoader)) { ... }
 * pgroll.start(migration);   // expand: both versions work
 * pgroll.complete();         // contract: only the new version remains
 * }</pre>
 *
 * <p>Instances are thread-safe and cheap; every call takes its own connection. Calls on the same schema from
 * several processes are serialised by an advisory lock.
 *
 * <p>Every call refuses, with a {@link MigrationStateException}, a migration history that a role without the
 * migrating role's rights owns or may write: the engine acts on what the history says with those rights. And
 * {@link #complete}, {@link #rollback} and {@link #repair}, which rebuild the active migration from the history
 * (its SQL included), first check it against the file of the same name: one configured
 * ({@link PgrollConfiguration.Builder#migrations}), one this instance started, or one it was given to
 * {@link #migrate}. Without a matching file they refuse, and run nothing.
 */
public final class Pgroll {

	/** How many migrations {@link #status()} lists. */
	public static final int DEFAULT_STATUS_HISTORY = 20;

	private final PgrollConfiguration configuration;

	private final MigrationEngine engine;

	Pgroll(PgrollConfiguration configuration) {
		this.configuration = configuration;
		this.engine = new MigrationEngine(configuration);
	}

	/** A builder for a configuration with the defaults filled in. */
	public static PgrollConfiguration.Builder configure() {
		return new PgrollConfiguration.Builder();
	}

	public static Pgroll of(PgrollConfiguration configuration) {
		return new Pgroll(configuration);
	}

	public PgrollConfiguration configuration() {
		return this.configuration;
	}

	/**
	 * Creates the state schema and its migrations table, or brings a pgroll-created one up to date. Idempotent and
	 * safe to call from many processes at once; start does it when needed.
	 */
	public void init() {
		this.engine.init();
	}

	/**
	 * Checks a migration against the live schema and the history; nothing is changed.
	 * @throws MigrationValidationException naming the file, operation and field
	 * @throws MigrationStateException if it was applied already or another migration is active
	 */
	public void validate(Migration migration) {
		this.engine.validate(List.of(migration));
	}

	/**
	 * Checks migrations as one rollout (see {@link #start(List)}) against the live schema and the history; nothing
	 * is changed.
	 * @throws MigrationValidationException naming the file, operation and field
	 * @throws MigrationStateException if one was applied already or another migration is active
	 */
	public void validate(List<Migration> rollout) {
		this.engine.validate(rollout);
	}

	/**
	 * Starts a migration: validates it, makes the additive changes, backfills, and then creates its version schema,
	 * so that no client of the new version ever reads a row the backfill has not reached. Afterwards clients of the
	 * previous version and of this one work side by side. If anything fails the database is left as it was.
	 * This instance remembers the migration as a file its complete and rollback may check the history against.
	 */
	public StartResult start(Migration migration) {
		return this.engine.start(List.of(migration));
	}

	/**
	 * Starts migrations as one rollout, as a release that ships several of them needs: their operations run in
	 * order as if they were one migration's, each building on the ones before, and only the last migration's version
	 * schema is created. The version schema before the rollout keeps serving the running release throughout, until
	 * one {@link #complete()} completes the whole rollout or one {@link #rollback()} undoes all of it. The history
	 * keeps one row per migration. If anything fails the database is left as it was.
	 * @param rollout the migrations in the order they apply, at least one
	 * @throws MigrationValidationException naming the file, operation and field of the first problem
	 */
	public StartResult start(List<Migration> rollout) {
		return this.engine.start(rollout);
	}

	/**
	 * Completes the active migration, or every migration of the active rollout: the version schema before it is
	 * dropped and the changes contracted. Refuses while live instances (see {@link #instances()}) still use that
	 * version schema.
	 * @throws InstancesStillLiveException naming the live instances of the version schema it would drop
	 * @throws MigrationStateException if there is none, or its history does not match a file this instance knows
	 */
	public CompleteResult complete() {
		return this.engine.complete(LiveInstancePolicy.REFUSE);
	}

	/**
	 * Completes the active migration or rollout; {@link LiveInstancePolicy#FORCE} goes ahead even while live
	 * instances use the version schema it drops (they are logged at WARN; their queries fail from then on).
	 * @throws InstancesStillLiveException with {@link LiveInstancePolicy#REFUSE}, naming the live instances
	 */
	public CompleteResult complete(LiveInstancePolicy policy) {
		return this.engine.complete(policy);
	}

	/**
	 * Completes the active rollout if it created {@code versionSchema} and no live instance has used the version
	 * schema it would drop for {@code grace} (since the last one left, and since the rollout started). Meant to be
	 * called now and then by every instance of the new release: one of them completes the rollout, exactly once
	 * (the check is repeated under the schema's lock); for the others, and until it is due, nothing happens.
	 * @return the completion, or empty when it is not due or not this version schema's rollout
	 */
	public Optional<CompleteResult> completeIfUnused(String versionSchema, Duration grace) {
		if (grace.isNegative()) {
			throw new IllegalArgumentException("grace must not be negative, not " + grace);
		}
		return this.engine.completeIfUnused(versionSchema, grace);
	}

	/**
	 * Rolls back the active migration, or every migration of the active rollout: its version schema is dropped and
	 * every change of start undone. Refuses while live instances still use that version schema.
	 * @throws InstancesStillLiveException naming the live instances of the version schema it would drop
	 * @throws MigrationStateException if there is none, or its history does not match a file this instance knows
	 */
	public RollbackResult rollback() {
		return this.engine.rollback(LiveInstancePolicy.REFUSE, null);
	}

	/**
	 * Rolls back the active migration or rollout; {@link LiveInstancePolicy#FORCE} goes ahead even while live
	 * instances use its version schema.
	 * @throws InstancesStillLiveException with {@link LiveInstancePolicy#REFUSE}, naming the live instances
	 */
	public RollbackResult rollback(LiveInstancePolicy policy) {
		return this.engine.rollback(policy, null);
	}

	/**
	 * Rolls back the active migration or rollout on behalf of a registered instance of the new release: that
	 * instance knows it loses its version schema and does not count among the live instances that make rollback
	 * refuse (the others do). The Spring Boot starter's endpoint rolls back this way.
	 * @param callingInstanceId the {@link InstanceRegistration#id()} of the instance asking
	 * @throws InstancesStillLiveException with {@link LiveInstancePolicy#REFUSE}, naming the other live instances
	 */
	public RollbackResult rollback(LiveInstancePolicy policy, String callingInstanceId) {
		return this.engine.rollback(policy, callingInstanceId);
	}

	/**
	 * Registers an application instance, or renews its registration: until {@link InstanceRegistration#expiry()}
	 * from now it counts as a live user of its version schema, which complete and rollback then refuse to drop. Call
	 * it every few seconds ({@link InstanceHeartbeat} does), and {@link #deregister} when the instance stops. One
	 * short statement; creates the state schema if there is none yet.
	 * @return whether the instance's version schema exists (it is gone once someone completed or rolled back past it)
	 */
	public boolean heartbeat(InstanceRegistration instance) {
		return this.engine.heartbeat(instance);
	}

	/** Says that an instance stopped: it no longer counts as live. */
	public void deregister(String instanceId) {
		this.engine.deregister(instanceId);
	}

	/*
	 * For InstanceHeartbeat, which beats on a connection it keeps: the API package reaches the internals through
	 * this facade only (see CoreArchitectureTests).
	 */

	/** One beat on {@code connection}; see {@link InstanceRegistry#beat}. */
	boolean beat(Connection connection, InstanceRegistration instance) throws SQLException {
		return registry().beat(connection, instance);
	}

	/** Deregisters on {@code connection}; see {@link InstanceRegistry#deregister}. */
	void deregister(Connection connection, String instanceId) throws SQLException {
		registry().deregister(connection, instanceId);
	}

	/** The server's message of a failure, for a log line. */
	static String serverMessage(SQLException ex) {
		return RetryingTransactions.serverMessage(ex);
	}

	private InstanceRegistry registry() {
		return new InstanceRegistry(this.configuration.stateSchema(), this.configuration.schema());
	}

	/**
	 * The live application instances of the schema: registered ones whose heartbeat has not expired, and sessions
	 * whose {@code application_name} is {@code pgroll:<version schema>} (optionally followed by a space and a label).
	 */
	public List<Instance> instances() {
		return status(1).instances();
	}

	/**
	 * Brings the schema up to date with the given local migrations, as an application does at start-up: the
	 * history and the files must agree; a migration left active by an earlier deployment is completed first
	 * (unless the options say otherwise); then every pending migration starts as one rollout ({@link #start(List)}),
	 * left active so the previous application version keeps working until it is completed. If the database is ahead of
	 * the files (an older instance restarting during a rollout) nothing changes, provided the files' version
	 * schema still exists; that includes a start of the newer release that did not finish, which is left for the
	 * newer release to repair.
	 * @param migrations the local migrations, sorted by name as {@link dev.pgroll4j.core.migration.MigrationLoader}
	 * returns them
	 */
	public MigrateResult migrate(List<Migration> migrations, MigrateOptions options) {
		return this.engine.migrate(migrations, options);
	}

	/**
	 * Rolls back a migration whose start stopped half-way because its process died or lost its connection (during
	 * index builds, the backfill or validation; the start's DDL itself is one transaction). {@link #migrate} does
	 * this by itself. Safe to call at any time: a start still running elsewhere is waited for, not touched.
	 * @return the rollback, or empty when there was nothing to repair
	 * @throws MigrationStateException if the unfinished start's history does not match a file this instance knows
	 */
	public Optional<RollbackResult> repair() {
		return this.engine.repair();
	}

	/**
	 * The state of the schema's migrations with the newest {@value #DEFAULT_STATUS_HISTORY} of its history. It reads
	 * by index only, so it stays under a millisecond with a million migrations of history, and takes no lock.
	 */
	public MigrationStatus status() {
		return status(DEFAULT_STATUS_HISTORY);
	}

	/**
	 * The state of the schema's migrations with the newest {@code historyLimit} of its history.
	 * @param historyLimit how many migrations to list, at least 1
	 */
	public MigrationStatus status(int historyLimit) {
		return this.engine.status(historyLimit);
	}

	/** Every migration of the schema, oldest first; unlike {@link #status()} its cost grows with the history. */
	public List<MigrationRecord> history() {
		return this.engine.history();
	}

}
