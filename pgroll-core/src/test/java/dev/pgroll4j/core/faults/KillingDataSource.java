package dev.pgroll4j.core.faults;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

import javax.sql.DataSource;

/**
 * A data source whose connections are terminated by the server right after the statement with a given number
 * completes, as when a network drops or an administrator kills the session. Counting continues across
 * connections, so every statement of an engine call can be made the last one it gets through. It also records
 * what ran, so that a test can name a kill point and tell which kill points leave the same database behind.
 */
final class KillingDataSource implements DataSource {

	private final DataSource target;

	private final DataSource admin;

	private final int killAfter;

	private final AtomicInteger executed = new AtomicInteger();

	private final List<Executed> statements = new ArrayList<>();

	/** @param killAfter the statement after which to kill; 0 never kills (to count the statements) */
	KillingDataSource(DataSource target, DataSource admin, int killAfter) {
		this.target = target;
		this.admin = admin;
		this.killAfter = killAfter;
	}

	int executed() {
		return this.executed.get();
	}

	/** The statements that completed, in order: statement {@code n} is at index {@code n - 1}. */
	synchronized List<Executed> statements() {
		return List.copyOf(this.statements);
	}

	@Override
	public Connection getConnection() throws SQLException {
		Connection connection = this.target.getConnection();
		int pid;
		try (Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("SELECT pg_backend_pid()")) {
			rs.next();
			pid = rs.getInt(1);
		}
		return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { Connection.class },
				new Forwarding(connection, connection, pid, null));
	}

	@Override
	public Connection getConnection(String username, String password) throws SQLException {
		throw new SQLException("not supported");
	}

	private void afterStatement(Connection session, int pid, String sql) throws SQLException {
		synchronized (this) {
			this.statements.add(new Executed(this.statements.size() + 1, sql, !session.getAutoCommit(), false));
		}
		if (this.executed.incrementAndGet() == this.killAfter) {
			try (Connection connection = this.admin.getConnection();
					PreparedStatement kill = connection.prepareStatement("SELECT pg_terminate_backend(?)")) {
				kill.setInt(1, pid);
				kill.execute();
			}
		}
	}

	private synchronized void afterCommit() {
		if (!this.statements.isEmpty()) {
			Executed last = this.statements.remove(this.statements.size() - 1);
			this.statements.add(new Executed(last.number(), last.sql(), last.inTransaction(), true));
		}
	}

	/**
	 * A statement that completed.
	 * @param number its number, counted from 1 across the data source's connections
	 * @param sql its text (a prepared statement's as it was prepared)
	 * @param inTransaction whether it ran in an explicit transaction, whose commit a kill can still prevent, rather
	 * than in autocommit mode
	 * @param committed whether a commit succeeded right after it, before the next statement
	 */
	record Executed(int number, String sql, boolean inTransaction, boolean committed) {

		@Override
		public String toString() {
			return this.number + " [" + (this.inTransaction ? "in transaction" : "autocommit") + "] "
					+ this.sql.strip().replaceAll("\\s+", " ");
		}

	}

	/** Forwards every call; statements it creates report each execution, the connection each commit. */
	private final class Forwarding implements InvocationHandler {

		private final Object target;

		private final Connection session;

		private final int pid;

		/** What a prepared statement runs; a plain statement's SQL comes with each execution. */
		private final String prepared;

		Forwarding(Object target, Connection session, int pid, String prepared) {
			this.target = target;
			this.session = session;
			this.pid = pid;
			this.prepared = prepared;
		}

		@Override
		public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
			Object result;
			try {
				result = method.invoke(this.target, args);
			}
			catch (InvocationTargetException ex) {
				throw ex.getCause();
			}
			if (result instanceof Statement statement && !(this.target instanceof Statement)) {
				Class<?> type = (result instanceof PreparedStatement) ? PreparedStatement.class : Statement.class;
				String sql = (args != null && args.length > 0 && args[0] instanceof String text) ? text : null;
				return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { type },
						new Forwarding(statement, this.session, this.pid, sql));
			}
			if (this.target instanceof Statement && method.getName().startsWith("execute")) {
				String sql = (args != null && args.length > 0 && args[0] instanceof String text) ? text : this.prepared;
				afterStatement(this.session, this.pid, String.valueOf(sql));
			}
			else if (this.target instanceof Connection && method.getName().equals("commit")) {
				afterCommit();
			}
			return result;
		}

	}

	@Override
	public PrintWriter getLogWriter() {
		return null;
	}

	@Override
	public void setLogWriter(PrintWriter out) {
	}

	@Override
	public void setLoginTimeout(int seconds) {
	}

	@Override
	public int getLoginTimeout() {
		return 0;
	}

	@Override
	public Logger getParentLogger() {
		return Logger.getGlobal();
	}

	@Override
	public <T> T unwrap(Class<T> type) throws SQLException {
		throw new SQLException("not a wrapper");
	}

	@Override
	public boolean isWrapperFor(Class<?> type) {
		return false;
	}

	/**
	 * The kill points to try, by statement number. Killing the session after a statement inside a transaction
	 * leaves the database as killing it after the statement before did (the server rolls back the transaction in
	 * both cases), unless a commit came between the two: only a kill after an autocommit statement, or after the
	 * first statement that follows a commit, can leave something new behind. Those all run; so do the last
	 * statement before each commit (the transaction is complete but not committed) and, so that kills inside
	 * transactions stay exercised, every eighth statement. For the rollout's start that is 59 of 139 kill points
	 * and for its complete 40 of 85, which takes a run from over two minutes to about one on the 2-core machine.
	 * {@code -Dpgroll.test.faults.every-statement=true} tries every statement.
	 */
	static List<Integer> killPoints(List<KillingDataSource.Executed> statements) {
		TreeSet<Integer> points = new TreeSet<>();
		boolean every = Boolean.getBoolean("pgroll.test.faults.every-statement");
		for (int i = 0; i < statements.size(); i++) {
			KillingDataSource.Executed statement = statements.get(i);
			boolean sameAsBefore = i > 0 && statement.inTransaction() && !statements.get(i - 1).committed();
			if (every || !sameAsBefore || statement.committed() || statement.number() % 8 == 0) {
				points.add(statement.number());
			}
		}
		return List.copyOf(points);
	}

}
