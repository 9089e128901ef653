package dev.pgroll4j.core.internal.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.pgroll4j.core.MigrationStateException;
import dev.pgroll4j.core.PgrollConfiguration;
import dev.pgroll4j.core.PgrollConnectionException;
import dev.pgroll4j.core.PgrollException;
import dev.pgroll4j.core.VersionSelection;
import dev.pgroll4j.core.sql.Sql;

/**
 * The connection one start, complete or rollback runs on. It is set up so that generated triggers see it as an
 * old-version client ({@code search_path} is the physical schema), holds the per-schema advisory lock that keeps
 * two migrating processes apart, and hands the connection back the way it found it.
 */
public final class Session implements AutoCloseable {

	/** First key of our advisory locks: "pgrl" in ASCII. */
	private static final int LOCK_CLASS = 0x7067726c;

	/** The pause after the first failed try of a busy lock; it doubles after each try up to the maximum. */
	private static final long FIRST_LOCK_POLL_MILLIS = 50;

	private static final long MAX_LOCK_POLL_MILLIS = 500;

	private static final Logger logger = LoggerFactory.getLogger(Session.class);

	private final Connection connection;

	private final PgrollConfiguration configuration;

	private final int serverMajorVersion;

	private final List<String> heldLocks = new ArrayList<>();

	/** Whether this session changed the connection's settings and must reset them at close. */
	private final boolean forMigrating;

	private Session(Connection connection, PgrollConfiguration configuration, boolean forMigrating)
			throws SQLException {
		this.connection = connection;
		this.configuration = configuration;
		this.forMigrating = forMigrating;
		connection.setAutoCommit(true);
		try (Statement statement = connection.createStatement()) {
			if (configuration.role() != null) {
				statement.execute("SET ROLE " + Sql.ident(configuration.role()));
			}
			if (!forMigrating) {
				this.serverMajorVersion = 0;
				return;
			}
			statement.execute("SET search_path TO " + Sql.ident(configuration.schema()));
			// Explicitly not a version client, even on a connection an application pinned to one.
			statement.execute("SET " + VersionSelection.SETTING + " TO " + Sql.literal(configuration.schema()));
			statement.execute("SET standard_conforming_strings = on");
			statement.execute("SET application_name = 'pgroll'");
			try (ResultSet rs = statement.executeQuery("SELECT current_setting('server_version_num')::int / 10000")) {
				rs.next();
				this.serverMajorVersion = rs.getInt(1);
			}
		}
	}

	/** A session for start, complete, rollback or migrate. */
	public static Session open(PgrollConfiguration configuration) {
		return open(configuration, true);
	}

	/**
	 * A session for queries that name every object in full and take no lock (status); it leaves the connection's
	 * settings alone, so a call costs its queries and nothing more.
	 */
	public static Session openForReading(PgrollConfiguration configuration) {
		return open(configuration, false);
	}

	private static Session open(PgrollConfiguration configuration, boolean forMigrating) {
		Connection connection = null;
		try {
			connection = configuration.dataSource().getConnection();
			return new Session(connection, configuration, forMigrating);
		}
		catch (SQLException ex) {
			closeQuietly(connection);
			String serverMessage = RetryingTransactions.serverMessage(ex);
			throw new PgrollConnectionException("cannot open a connection for schema \"" + configuration.schema()
					+ "\": " + serverMessage, configuration.schema(), serverMessage, ex);
		}
	}

	public Connection connection() {
		return this.connection;
	}

	public int serverMajorVersion() {
		return this.serverMajorVersion;
	}

	public RetryingTransactions transactions() {
		return new RetryingTransactions(this.connection, this.configuration.schema(), this.configuration.lockTimeout(),
				this.configuration.lockRetryTimeout());
	}

	/**
	 * Takes the session-level advisory lock of the migrated schema, waiting at most the configured time, so that
	 * only one process at a time starts, completes or rolls back a migration of it.
	 */
	public void lockSchema() {
		lock(lockName(), this.configuration.migrationLockWait(), "another process is migrating schema \""
				+ this.configuration.schema() + "\"");
	}

	/**
	 * Takes the lock that serialises whole reconciliations of the schema (several starts and completes in a row),
	 * so that application instances starting together migrate one after the other.
	 */
	public void lockReconciliation(Duration wait) {
		lock(lockName() + "#reconcile", wait, "another application instance is migrating schema \""
				+ this.configuration.schema() + "\"");
	}

	/**
	 * Takes a session-level advisory lock by trying it in autocommit until it is free or {@code wait} is spent. A
	 * waiter blocked in {@code pg_advisory_lock} would hold a snapshot all the while, and the holder's
	 * {@code CREATE INDEX CONCURRENTLY} waits for every older snapshot: the two would wait for each other until one
	 * timed out. Between tries this connection is idle, outside any transaction, so it holds no snapshot.
	 */
	private void lock(String name, Duration wait, String busy) {
		long deadline = System.nanoTime() + wait.toNanos();
		long pause = FIRST_LOCK_POLL_MILLIS;
		try (PreparedStatement statement = this.connection
			.prepareStatement("SELECT pg_try_advisory_lock(?, hashtext(?))")) {
			if (!this.connection.getAutoCommit()) {
				throw new IllegalStateException("the migration lock must be taken outside a transaction");
			}
			statement.setInt(1, LOCK_CLASS);
			statement.setString(2, name);
			while (!tryLock(statement)) {
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					throw new MigrationStateException(busy + " (waited " + wait.toMillis() + " ms for its lock)");
				}
				// Jittered, so that instances started together do not try in step; the last try is at the deadline.
				long jittered = (long) (pause * ThreadLocalRandom.current().nextDouble(0.5, 1.5));
				Thread.sleep(Math.max(1, Math.min(jittered, TimeUnit.NANOSECONDS.toMillis(left))));
				pause = Math.min(MAX_LOCK_POLL_MILLIS, pause * 2);
			}
			this.heldLocks.add(name);
		}
		catch (SQLException ex) {
			throw new PgrollException("cannot take the migration lock of schema \"" + this.configuration.schema()
					+ "\": " + RetryingTransactions.serverMessage(ex), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new PgrollException("interrupted while waiting for the migration lock of schema \""
					+ this.configuration.schema() + "\"", ex);
		}
	}

	private static boolean tryLock(PreparedStatement statement) throws SQLException {
		try (ResultSet rs = statement.executeQuery()) {
			rs.next();
			return rs.getBoolean(1);
		}
	}

	private String lockName() {
		return this.configuration.stateSchema() + "." + this.configuration.schema();
	}

	@Override
	public void close() {
		try (Statement statement = this.connection.createStatement()) {
			if (!this.connection.getAutoCommit()) {
				this.connection.rollback();
				this.connection.setAutoCommit(true);
			}
			for (String name : this.heldLocks) {
				try (PreparedStatement unlock = this.connection
					.prepareStatement("SELECT pg_advisory_unlock(?, hashtext(?))")) {
					unlock.setInt(1, LOCK_CLASS);
					unlock.setString(2, name);
					unlock.execute();
				}
			}
			if (this.forMigrating) {
				// A pooled connection goes back without our settings; ROLE is not covered by RESET ALL.
				statement.execute("RESET ALL");
				statement.execute("RESET ROLE");
			}
			else if (this.configuration.role() != null) {
				statement.execute("RESET ROLE");
			}
		}
		catch (SQLException ex) {
			logger.warn("could not reset the migration connection", ex);
		}
		finally {
			closeQuietly(this.connection);
		}
	}

	private static void closeQuietly(@Nullable Connection connection) {
		if (connection != null) {
			try {
				connection.close();
			}
			catch (SQLException ex) {
				logger.warn("could not close connection", ex);
			}
		}
	}

}
