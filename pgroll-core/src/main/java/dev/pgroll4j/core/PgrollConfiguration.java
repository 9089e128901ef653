package dev.pgroll4j.core;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

import dev.pgroll4j.core.sql.Identifiers;
import dev.pgroll4j.core.migration.Migration;

/**
 * Immutable settings of a {@link Pgroll} instance. Build one with {@link Pgroll#configure()}.
 *
 * @param dataSource where DDL, backfill and state queries run; must not pin {@code search_path} to a version
 * schema
 * @param schema the schema whose tables are migrated
 * @param stateSchema the schema holding the migration history
 * @param lockTimeout {@code lock_timeout} of every DDL statement
 * @param lockRetryTimeout how long a transaction that keeps hitting {@code lock_timeout} is retried
 * @param migrationLockWait how long start, complete or rollback waits for another one on the same schema
 * @param role a role to {@code SET ROLE} to before migrating, or {@code null}
 * @param backfillBatchSize rows per backfill batch
 * @param backfillBatchDelay pause between backfill batches
 * @param backfillMaxRowsPerSecond the most rows a backfill rewrites per second, per table; 0 for no cap
 * @param hooks callbacks around start and complete DDL
 * @param sqlTransformer rewrites or rejects user SQL fragments
 * @param backfillListener receives backfill progress
 * @param listener learns of every start, complete and rollback
 * @param strictDownExpressions whether a {@code down} expression naming a column, function or table that does not
 * exist fails validation (pgroll accepts such files; by default it is a warning)
 * @param migrations the migration files that complete, rollback and repair check an active migration's history
 * against before running anything from it, besides those the instance started or was given to migrate; typically
 * {@link dev.pgroll4j.core.migration.MigrationLoader}'s
 */
public record PgrollConfiguration(DataSource dataSource, String schema, String stateSchema, Duration lockTimeout,
		Duration lockRetryTimeout, Duration migrationLockWait, @Nullable String role, int backfillBatchSize,
		Duration backfillBatchDelay, long backfillMaxRowsPerSecond, MigrationHooks hooks, SqlTransformer sqlTransformer,
		BackfillListener backfillListener, MigrationListener listener, boolean strictDownExpressions,
		List<Migration> migrations) {

	public PgrollConfiguration {
		Objects.requireNonNull(dataSource, "dataSource");
		requireIdentifier("schema", schema);
		requireIdentifier("stateSchema", stateSchema);
		if (role != null) {
			requireIdentifier("role", role);
		}
		if (schema.equals(stateSchema)) {
			throw new IllegalArgumentException("schema and stateSchema must differ, both are '" + schema + "'");
		}
		requirePositive("lockTimeout", lockTimeout);
		requireNotNegative("lockRetryTimeout", lockRetryTimeout);
		requireNotNegative("migrationLockWait", migrationLockWait);
		requireNotNegative("backfillBatchDelay", backfillBatchDelay);
		if (backfillMaxRowsPerSecond < 0) {
			throw new IllegalArgumentException("backfillMaxRowsPerSecond must not be negative, was "
					+ backfillMaxRowsPerSecond);
		}
		if (backfillBatchSize < 1) {
			throw new IllegalArgumentException("backfillBatchSize must be at least 1, was " + backfillBatchSize);
		}
		Objects.requireNonNull(hooks, "hooks");
		Objects.requireNonNull(sqlTransformer, "sqlTransformer");
		Objects.requireNonNull(backfillListener, "backfillListener");
		Objects.requireNonNull(listener, "listener");
		migrations = List.copyOf(Objects.requireNonNull(migrations, "migrations"));
	}

	private static void requireIdentifier(String what, String name) {
		String problem = Identifiers.problem(name);
		if (problem != null) {
			throw new IllegalArgumentException(what + " '" + name + "' " + problem);
		}
	}

	private static void requirePositive(String what, Duration duration) {
		if (duration == null || duration.isNegative() || duration.isZero()) {
			throw new IllegalArgumentException(what + " must be positive, was " + duration);
		}
	}

	private static void requireNotNegative(String what, Duration duration) {
		if (duration == null || duration.isNegative()) {
			throw new IllegalArgumentException(what + " must not be negative, was " + duration);
		}
	}

	/** A builder with the defaults: schema {@code public}, state schema {@code pgroll}, 500 ms lock timeout. */
	public static final class Builder {

		private DataSource dataSource;

		private String schema = "public";

		private String stateSchema = "pgroll";

		private Duration lockTimeout = Duration.ofMillis(500);

		private Duration lockRetryTimeout = Duration.ofMinutes(1);

		private Duration migrationLockWait = Duration.ofMinutes(1);

		private String role;

		private int backfillBatchSize = 1000;

		private Duration backfillBatchDelay = Duration.ZERO;

		private long backfillMaxRowsPerSecond;

		private MigrationHooks hooks = MigrationHooks.NONE;

		private SqlTransformer sqlTransformer = SqlTransformer.IDENTITY;

		private BackfillListener backfillListener = BackfillListener.NONE;

		private MigrationListener listener = MigrationListener.NONE;

		private boolean strictDownExpressions;

		private List<Migration> migrations = List.of();

		Builder() {
		}

		public Builder dataSource(DataSource dataSource) {
			this.dataSource = dataSource;
			return this;
		}

		public Builder schema(String schema) {
			this.schema = schema;
			return this;
		}

		public Builder stateSchema(String stateSchema) {
			this.stateSchema = stateSchema;
			return this;
		}

		public Builder lockTimeout(Duration lockTimeout) {
			this.lockTimeout = lockTimeout;
			return this;
		}

		public Builder lockRetryTimeout(Duration lockRetryTimeout) {
			this.lockRetryTimeout = lockRetryTimeout;
			return this;
		}

		public Builder migrationLockWait(Duration migrationLockWait) {
			this.migrationLockWait = migrationLockWait;
			return this;
		}

		public Builder role(String role) {
			this.role = role;
			return this;
		}

		public Builder backfillBatchSize(int backfillBatchSize) {
			this.backfillBatchSize = backfillBatchSize;
			return this;
		}

		public Builder backfillBatchDelay(Duration backfillBatchDelay) {
			this.backfillBatchDelay = backfillBatchDelay;
			return this;
		}

		/**
		 * Caps how fast a backfill rewrites rows (per table), pausing between batches as needed, to spare a busy
		 * primary or replicas that must replay the writes; 0 (the default) for no cap.
		 */
		public Builder backfillMaxRowsPerSecond(long backfillMaxRowsPerSecond) {
			this.backfillMaxRowsPerSecond = backfillMaxRowsPerSecond;
			return this;
		}

		public Builder hooks(MigrationHooks hooks) {
			this.hooks = hooks;
			return this;
		}

		public Builder sqlTransformer(SqlTransformer sqlTransformer) {
			this.sqlTransformer = sqlTransformer;
			return this;
		}

		public Builder backfillListener(BackfillListener backfillListener) {
			this.backfillListener = backfillListener;
			return this;
		}

		public Builder listener(MigrationListener listener) {
			this.listener = listener;
			return this;
		}

		public Builder strictDownExpressions(boolean strictDownExpressions) {
			this.strictDownExpressions = strictDownExpressions;
			return this;
		}

		/**
		 * The migration files of the application, typically
		 * {@link dev.pgroll4j.core.migration.MigrationLoader}'s. Complete, rollback and repair run what the history
		 * stores for the active migration (its {@code sql} operations, expressions, what undoes it) only when it
		 * matches the file of the same name: one of these, one this instance started, or one it was given to
		 * {@link Pgroll#migrate}. Without a matching file they refuse. The Spring Boot starter sets this.
		 */
		public Builder migrations(List<Migration> migrations) {
			this.migrations = migrations;
			return this;
		}

		public PgrollConfiguration build() {
			return new PgrollConfiguration(this.dataSource, this.schema, this.stateSchema, this.lockTimeout,
					this.lockRetryTimeout, this.migrationLockWait, this.role, this.backfillBatchSize,
					this.backfillBatchDelay, this.backfillMaxRowsPerSecond, this.hooks, this.sqlTransformer,
							this.backfillListener, this.listener,
					this.strictDownExpressions, this.migrations);
		}

		/** Builds the configuration and the engine in one step. */
		public Pgroll load() {
			return new Pgroll(build());
		}

	}

}
