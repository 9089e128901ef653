package dev.pgroll4j.core.internal.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

import org.jspecify.annotations.Nullable;
import org.postgresql.util.PSQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.pgroll4j.core.LockTimeoutException;
import dev.pgroll4j.core.MigrationExecutionException;
import dev.pgroll4j.core.sql.SqlText;

/**
 * Runs DDL so that it never queues client traffic for long: every transaction sets {@code lock_timeout}, and a
 * transaction that fails on it (SQLSTATE 55P03) is rolled back and retried as a whole after a jittered, growing
 * pause, until the retry budget is spent.
 */
public final class RetryingTransactions {

	static final String LOCK_NOT_AVAILABLE = "55P03";

	static final String DEADLOCK_DETECTED = "40P01";

	private static final Logger logger = LoggerFactory.getLogger(RetryingTransactions.class);

	private static final long FIRST_PAUSE_MILLIS = 50;

	private static final long MAX_PAUSE_MILLIS = 5_000;

	private final Connection connection;

	private final String schema;

	private final Duration lockTimeout;

	private final Duration retryTimeout;

	public RetryingTransactions(Connection connection, String schema, Duration lockTimeout, Duration retryTimeout) {
		this.connection = connection;
		this.schema = schema;
		this.lockTimeout = lockTimeout;
		this.retryTimeout = retryTimeout;
	}

	/** Work done in one transaction; it may run several times, so it must start from scratch each time. */
	@FunctionalInterface
	public interface Work<T extends @Nullable Object> {

		T run(Tx tx) throws SQLException;

	}

	/** Runs {@code work} in a transaction, retrying it on lock timeouts; {@code step} names it in errors. */
	public <T extends @Nullable Object> T inTransaction(String step, Work<T> work) {
		long deadline = System.nanoTime() + this.retryTimeout.toNanos();
		for (int attempt = 1;; attempt++) {
			Tx tx = new Tx(this.connection);
			try {
				this.connection.setAutoCommit(false);
				tx.execute("SET LOCAL lock_timeout = '" + this.lockTimeout.toMillis() + "ms'", null);
				T result = work.run(tx);
				this.connection.commit();
				return result;
			}
			catch (SQLException | UncheckedSqlException failure) {
				rollbackQuietly();
				SQLException ex = (failure instanceof UncheckedSqlException unchecked) ? unchecked.getCause()
						: (SQLException) failure;
				if (isRetryable(ex) && pauseBeforeRetry(step, attempt, deadline, tx, ex)) {
					continue;
				}
				throw failure(step, tx, ex, attempt);
			}
			catch (RuntimeException ex) {
				rollbackQuietly();
				throw ex;
			}
			finally {
				restoreAutoCommit();
			}
		}
	}

	/**
	 * Runs a statement that cannot run inside a transaction block (such as {@code CREATE INDEX CONCURRENTLY}),
	 * with {@code lock_timeout} set for the session; after a failure {@code undo} removes a half-built result
	 * before the statement is retried.
	 */
	public void outsideTransaction(String step, String origin, String sql, @Nullable String undo) {
		long deadline = System.nanoTime() + this.retryTimeout.toNanos();
		for (int attempt = 1;; attempt++) {
			Tx tx = new Tx(this.connection);
			try {
				tx.execute(setLockTimeoutFor(sql), null);
				tx.execute(sql, origin);
				tx.execute("RESET lock_timeout", null);
				return;
			}
			catch (SQLException ex) {
				// Cleanup runs on its own Tx so the error still names the statement that failed.
				try {
					Tx cleanup = new Tx(this.connection);
					cleanup.execute("RESET lock_timeout", null);
					if (undo != null) {
						cleanup.execute(undo, origin);
					}
				}
				catch (SQLException cleanup) {
					ex.addSuppressed(cleanup);
				}
				if (isRetryable(ex) && pauseBeforeRetry(step, attempt, deadline, tx, ex)) {
					continue;
				}
				throw failure(step, tx, ex, attempt);
			}
		}
	}

	/**
	 * The session's {@code lock_timeout} for a statement outside a transaction. Concurrent index builds and
	 * constraint validations take SHARE UPDATE EXCLUSIVE, which queues no client reads or writes, but conflicts
	 * with autovacuum, which a large backfill is sure to wake. Autovacuum yields only to a lock request that has
	 * waited {@code deadlock_timeout}, so a shorter {@code lock_timeout} would give up before it yields, on every
	 * try; these statements wait at least twice {@code deadlock_timeout}.
	 */
	String setLockTimeoutFor(String sql) {
		long millis = this.lockTimeout.toMillis();
		if (!queuesNoClients(sql)) {
			return "SET lock_timeout = '" + millis + "ms'";
		}
		return "SELECT set_config('lock_timeout', greatest(" + millis + ", 2 * extract(epoch FROM "
				+ "current_setting('deadlock_timeout')::interval) * 1000)::bigint || 'ms', false)";
	}

	static boolean queuesNoClients(String sql) {
		String normalized = sql.strip().replaceAll("\\s+", " ").toUpperCase(Locale.ROOT);
		return normalized.startsWith("CREATE INDEX CONCURRENTLY ")
				|| normalized.startsWith("CREATE UNIQUE INDEX CONCURRENTLY ")
				|| (normalized.startsWith("ALTER TABLE ") && normalized.contains(" VALIDATE CONSTRAINT ")
						&& !normalized.contains(","));
	}

	private static boolean isRetryable(SQLException ex) {
		return LOCK_NOT_AVAILABLE.equals(ex.getSQLState()) || DEADLOCK_DETECTED.equals(ex.getSQLState());
	}

	private boolean pauseBeforeRetry(String step, int attempt, long deadline, Tx tx, SQLException ex) {
		long pause = Math.min(MAX_PAUSE_MILLIS, FIRST_PAUSE_MILLIS << Math.min(attempt - 1, 16));
		pause = (long) (pause * ThreadLocalRandom.current().nextDouble(0.5, 1.5));
		if (System.nanoTime() + pause * 1_000_000 > deadline) {
			return false;
		}
		logger.info("{}: attempt {} could not get a lock ({}); retrying in {} ms: {}", step, attempt,
				ex.getSQLState(), pause, tx.lastStatement());
		try {
			Thread.sleep(pause);
		}
		catch (InterruptedException interrupted) {
			Thread.currentThread().interrupt();
			return false;
		}
		return true;
	}

	private RuntimeException failure(String step, Tx tx, SQLException ex, int attempts) {
		String statement = tx.lastStatement();
		String where = (tx.lastOrigin() != null) ? tx.lastOrigin() : step;
		if (LOCK_NOT_AVAILABLE.equals(ex.getSQLState())) {
			String message = step + ": gave up after " + attempts + " attempt(s) over "
					+ this.retryTimeout.toMillis() + " ms waiting for a lock (lock_timeout "
					+ this.lockTimeout.toMillis() + " ms per attempt) in " + where + "\n  statement: " + statement
					+ "\n  locks held by other sessions on schema \"" + this.schema + "\": " + describeLockHolders();
			return new LockTimeoutException(message, statement, ex);
		}
		String message = step + ": " + where + " failed: " + serverMessage(ex)
				+ ((statement != null) ? "\n  statement: " + statement : "");
		return new MigrationExecutionException(message, statement, ex.getSQLState(), ex);
	}

	/** PostgreSQL's own message with its detail and hint, without pgjdbc's decoration. */
	public static String serverMessage(SQLException ex) {
		if (ex instanceof PSQLException psql && psql.getServerErrorMessage() != null) {
			var server = psql.getServerErrorMessage();
			StringBuilder text = new StringBuilder(String.valueOf(server.getMessage()));
			if (server.getDetail() != null) {
				text.append(" (").append(server.getDetail()).append(')');
			}
			if (server.getHint() != null) {
				text.append(" hint: ").append(server.getHint());
			}
			return text.toString();
		}
		return ex.getMessage();
	}

	/**
	 * The sessions holding locks on the schema's tables. {@code pg_locks} covers every database of the server, and
	 * databases copied from one template share table OIDs, so only this database's locks are matched to its tables.
	 */
	private String describeLockHolders() {
		String sql = """
				SELECT DISTINCT a.pid, c.relname, l.mode, a.state,
				       left(regexp_replace(a.query, '\\s+', ' ', 'g'), 120) AS query
				FROM pg_locks l
				JOIN pg_class c ON c.oid = l.relation
				JOIN pg_stat_activity a ON a.pid = l.pid
				WHERE l.granted AND l.pid <> pg_backend_pid()
				  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
				  AND c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = ?)
				ORDER BY a.pid, c.relname
				""";
		List<String> holders = new ArrayList<>();
		try (PreparedStatement statement = this.connection.prepareStatement(sql)) {
			statement.setString(1, this.schema);
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					holders.add("pid " + rs.getInt("pid") + " holds " + rs.getString("mode") + " on "
							+ rs.getString("relname") + " (" + rs.getString("state") + ": " + rs.getString("query")
							+ ")");
				}
			}
		}
		catch (SQLException ex) {
			return "unknown (" + ex.getMessage() + ")";
		}
		return holders.isEmpty() ? "none now" : String.join("; ", holders);
	}

	private void rollbackQuietly() {
		try {
			if (!this.connection.getAutoCommit()) {
				this.connection.rollback();
			}
		}
		catch (SQLException ex) {
			logger.warn("rollback failed", ex);
		}
	}

	private void restoreAutoCommit() {
		try {
			this.connection.setAutoCommit(true);
		}
		catch (SQLException ex) {
			logger.warn("could not restore autocommit", ex);
		}
	}

	/** The statements of one attempt; remembers the last one so errors can name it. */
	public static final class Tx {

		private final Connection connection;

		private @Nullable String lastStatement;

		private @Nullable String lastOrigin;

		Tx(Connection connection) {
			this.connection = connection;
		}

		public Connection connection() {
			return this.connection;
		}

		/**
		 * Executes one statement.
		 * @param origin what the statement is for, such as {@code operations[2] (add_column)}; {@code null} for
		 * bookkeeping that needs no explanation
		 */
		public void execute(String sql, @Nullable String origin) throws SQLException {
			this.lastStatement = sql;
			this.lastOrigin = origin;
			logger.debug("{}", sql);
			try (Statement statement = this.connection.createStatement()) {
				// The engine writes no JDBC escapes; braces in a fragment must reach the server as written.
				statement.setEscapeProcessing(false);
				statement.execute(sql);
			}
		}

		/**
		 * Runs the SQL of a {@code sql} operation, one statement at a time, through {@link ContainedSql}: it cannot
		 * end or mark the transaction, nor change the role, and each statement must leave the role, the session
		 * user and standard_conforming_strings as they were. An error names the statement that failed.
		 */
		public void executeUserSql(String sql, String origin) throws SQLException {
			mark(origin);
			ContainedSql.install(this.connection);
			ContainedSql.State before = ContainedSql.state(this.connection);
			for (String statement : SqlText.statements(sql)) {
				this.lastStatement = statement;
				logger.debug("{}", statement);
				ContainedSql.runUserStatement(this.connection, statement, before);
			}
			ContainedSql.uninstall(this.connection);
		}

		/** Names the work that follows (such as a hook) for error messages, when it is not a statement. */
		public void mark(String origin) {
			this.lastStatement = null;
			this.lastOrigin = origin;
		}

		/** As {@link #execute}, for callers that cannot throw checked exceptions. */
		public void executeUnchecked(String sql, String origin) {
			try {
				execute(sql, origin);
			}
			catch (SQLException ex) {
				throw new UncheckedSqlException(ex);
			}
		}

		@Nullable String lastStatement() {
			return this.lastStatement;
		}

		@Nullable String lastOrigin() {
			return this.lastOrigin;
		}

	}

	/** Carries an {@link SQLException} through code that cannot declare it; unwrapped by {@link Transactions}. */
	public static final class UncheckedSqlException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		public UncheckedSqlException(SQLException cause) {
			super(cause);
		}

		@Override
		public synchronized SQLException getCause() {
			return (SQLException) super.getCause();
		}

	}

}
