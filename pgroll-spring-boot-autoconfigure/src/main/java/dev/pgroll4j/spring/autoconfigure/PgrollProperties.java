package dev.pgroll4j.spring.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

import dev.pgroll4j.spring.pinning.PoolerMode;

/**
 * Configuration of pgroll migrations at start-up.
 */
@ConfigurationProperties("pgroll")
public class PgrollProperties {

	/**
	 * Whether to run pgroll migrations at start-up and pin connections to the application's version schema.
	 */
	private boolean enabled = true;

	/**
	 * Locations of migration files (.json, .yaml, .yml), as Spring resource locations. Files of all locations run
	 * together, in file name order.
	 */
	private List<String> locations = new ArrayList<>(List.of("classpath:db/pgroll"));

	/**
	 * Schema whose tables are migrated.
	 */
	private String schema = "public";

	/**
	 * Schema that holds the migration history.
	 */
	private String stateSchema = "pgroll";

	/**
	 * Maximum time a DDL statement waits for a lock before its transaction is rolled back and retried.
	 */
	private Duration lockTimeout = Duration.ofMillis(500);

	/**
	 * How long a DDL transaction that keeps hitting the lock timeout is retried before migrating fails.
	 */
	private Duration lockRetryTimeout = Duration.ofMinutes(1);

	/**
	 * Role to switch to (SET ROLE) for migrating, so that the objects created belong to it.
	 */
	private @Nullable String role;

	/**
	 * JDBC URL of the database to migrate, for a dedicated connection that may run DDL. If not set, the
	 * application's data source settings are used with a connection of its own.
	 */
	private @Nullable String url;

	/**
	 * Login user of the database to migrate.
	 */
	private @Nullable String user;

	/**
	 * Login password of the database to migrate.
	 */
	private @Nullable String password;

	/**
	 * Whether a migration or rollout left active by the previous deployment is completed before pending migrations
	 * start. When false, its presence fails start-up.
	 */
	private boolean completeActiveMigration = true;

	/**
	 * Whether the pending migrations are completed at start-up as well, each in turn. By default they start as one
	 * rollout that is left active, so that instances of the previous application version keep working until it is
	 * completed through the actuator.
	 */
	private boolean completeOnStart = false;

	/**
	 * Maximum time start-up waits for another instance that is migrating the same schema.
	 */
	private Duration startupLockWait = Duration.ofMinutes(1);

	/**
	 * Whether every connection of the application's data source (the primary or single default candidate, and
	 * any marked @PgrollPinned) is pinned to the version schema of the newest local migration. Turn off when
	 * pinning connections another way.
	 */
	private boolean pinConnections = true;

	/**
	 * How the application's connections reach PostgreSQL, which decides how they are pinned: 'none' (directly, or
	 * through a pooler that passes the options startup parameter on) pins them as a startup parameter; 'session'
	 * (through a pooler in session mode, such as PgBouncer with pool_mode = session) pins each new connection with
	 * SET. A pooler in transaction or statement mode cannot keep a pin; start-up fails behind one it detects.
	 */
	private PoolerMode poolerMode = PoolerMode.NONE;

	/**
	 * Whether a down expression naming a column, function or table that does not exist fails validation; by
	 * default it is a warning, as pgroll accepts such files.
	 */
	private boolean strictDownExpressions = false;

	private final Backfill backfill = new Backfill();

	private final Instances instances = new Instances();

	private final AutoComplete autoComplete = new AutoComplete();

	private final Development development = new Development();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public List<String> getLocations() {
		return this.locations;
	}

	public void setLocations(List<String> locations) {
		this.locations = locations;
	}

	public String getSchema() {
		return this.schema;
	}

	public void setSchema(String schema) {
		this.schema = schema;
	}

	public String getStateSchema() {
		return this.stateSchema;
	}

	public void setStateSchema(String stateSchema) {
		this.stateSchema = stateSchema;
	}

	public Duration getLockTimeout() {
		return this.lockTimeout;
	}

	public void setLockTimeout(Duration lockTimeout) {
		this.lockTimeout = lockTimeout;
	}

	public Duration getLockRetryTimeout() {
		return this.lockRetryTimeout;
	}

	public void setLockRetryTimeout(Duration lockRetryTimeout) {
		this.lockRetryTimeout = lockRetryTimeout;
	}

	public @Nullable String getRole() {
		return this.role;
	}

	public void setRole(@Nullable String role) {
		this.role = role;
	}

	public @Nullable String getUrl() {
		return this.url;
	}

	public void setUrl(@Nullable String url) {
		this.url = url;
	}

	public @Nullable String getUser() {
		return this.user;
	}

	public void setUser(@Nullable String user) {
		this.user = user;
	}

	public @Nullable String getPassword() {
		return this.password;
	}

	public void setPassword(@Nullable String password) {
		this.password = password;
	}

	public boolean isCompleteActiveMigration() {
		return this.completeActiveMigration;
	}

	public void setCompleteActiveMigration(boolean completeActiveMigration) {
		this.completeActiveMigration = completeActiveMigration;
	}

	public boolean isCompleteOnStart() {
		return this.completeOnStart;
	}

	public void setCompleteOnStart(boolean completeOnStart) {
		this.completeOnStart = completeOnStart;
	}

	public Duration getStartupLockWait() {
		return this.startupLockWait;
	}

	public void setStartupLockWait(Duration startupLockWait) {
		this.startupLockWait = startupLockWait;
	}

	public boolean isPinConnections() {
		return this.pinConnections;
	}

	public void setPinConnections(boolean pinConnections) {
		this.pinConnections = pinConnections;
	}

	public PoolerMode getPoolerMode() {
		return this.poolerMode;
	}

	public void setPoolerMode(PoolerMode poolerMode) {
		this.poolerMode = poolerMode;
	}

	public boolean isStrictDownExpressions() {
		return this.strictDownExpressions;
	}

	public void setStrictDownExpressions(boolean strictDownExpressions) {
		this.strictDownExpressions = strictDownExpressions;
	}

	public Backfill getBackfill() {
		return this.backfill;
	}

	public Instances getInstances() {
		return this.instances;
	}

	public AutoComplete getAutoComplete() {
		return this.autoComplete;
	}

	public Development getDevelopment() {
		return this.development;
	}

	/** The registry of application instances, which complete and rollback consult. */
	public static class Instances {

		/**
		 * Whether this instance registers in the state schema with the version schema it uses, so that complete and
		 * rollback refuse to drop it while it runs, and turns readiness to REFUSING_TRAFFIC when its version schema
		 * is dropped under it.
		 */
		private boolean enabled = true;

		/**
		 * Time between heartbeats, each one short statement on a connection of its own, off the request path.
		 */
		private Duration heartbeatInterval = Duration.ofSeconds(5);

		/**
		 * How long after its last heartbeat an instance that stopped without deregistering (killed) still counts as
		 * live. Must be longer than the heartbeat interval; a few intervals, so that a late beat does not matter.
		 */
		private Duration expiry = Duration.ofSeconds(15);

		/**
		 * Name of this instance in the registry and in refusals. By default HOSTNAME (a Kubernetes pod's name) or
		 * the local host name, with the process id.
		 */
		private @Nullable String host;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getHeartbeatInterval() {
			return this.heartbeatInterval;
		}

		public void setHeartbeatInterval(Duration heartbeatInterval) {
			this.heartbeatInterval = heartbeatInterval;
		}

		public Duration getExpiry() {
			return this.expiry;
		}

		public void setExpiry(Duration expiry) {
			this.expiry = expiry;
		}

		public @Nullable String getHost() {
			return this.host;
		}

		public void setHost(@Nullable String host) {
			this.host = host;
		}

	}

	/** Completing the active rollout by itself once the previous release is gone. */
	public static class AutoComplete {

		/**
		 * Whether instances of the newest release complete the active rollout once no live instance has used the
		 * version schema it drops for the grace period. Exactly one instance completes it. Needs the instance
		 * registry.
		 */
		private boolean enabled = false;

		/**
		 * How long the previous release must have been gone (and the rollout started) before auto-complete.
		 */
		private Duration gracePeriod = Duration.ofMinutes(1);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getGracePeriod() {
			return this.gracePeriod;
		}

		public void setGracePeriod(Duration gracePeriod) {
			this.gracePeriod = gracePeriod;
		}

	}

	/** Settings for a developer's own database only; never for a shared or production one. */
	public static class Development {

		/**
		 * Development only: whether a migration of the active rollout whose file was edited since it started is
		 * rolled back at start-up and started again from the file, instead of failing start-up. The rollback runs
		 * the SQL the history holds for that rollout, which no file matches any more. A changed completed migration
		 * still fails start-up.
		 */
		private boolean restartChangedActiveMigration = false;

		public boolean isRestartChangedActiveMigration() {
			return this.restartChangedActiveMigration;
		}

		public void setRestartChangedActiveMigration(boolean restartChangedActiveMigration) {
			this.restartChangedActiveMigration = restartChangedActiveMigration;
		}

	}

	/** Backfill settings. */
	public static class Backfill {

		/**
		 * Rows rewritten per backfill batch; each batch is its own short transaction.
		 */
		private int batchSize = 1000;

		/**
		 * Pause between backfill batches, to spare a busy primary or its replicas.
		 */
		private Duration batchDelay = Duration.ZERO;

		/**
		 * Most rows a backfill rewrites per second (per table), to spare a busy primary or replicas that replay
		 * the writes; 0 for no cap.
		 */
		private long maxRowsPerSecond;

		public long getMaxRowsPerSecond() {
			return this.maxRowsPerSecond;
		}

		public void setMaxRowsPerSecond(long maxRowsPerSecond) {
			this.maxRowsPerSecond = maxRowsPerSecond;
		}

		public int getBatchSize() {
			return this.batchSize;
		}

		public void setBatchSize(int batchSize) {
			this.batchSize = batchSize;
		}

		public Duration getBatchDelay() {
			return this.batchDelay;
		}

		public void setBatchDelay(Duration batchDelay) {
			this.batchDelay = batchDelay;
		}

	}

}
