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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

import javax.sql.DataSource;

/**
 * A data source whose connections are terminated by the server right after the statement with a given number
 * completes, as when a network drops or an administrator kills the session. Counting continues across
 * connections, so every statement of an engine call can be made the last one it gets through.
 */
final class KillingDataSource implements DataSource {

	private final DataSource target;

	private final DataSource admin;

	private final int killAfter;

	private final AtomicInteger executed = new AtomicInteger();

	/** @param killAfter the statement after which to kill; 0 never kills (to count the statements) */
	KillingDataSource(DataSource target, DataSource admin, int killAfter) {
		this.target = target;
		this.admin = admin;
		this.killAfter = killAfter;
	}

	int executed() {
		return this.executed.get();
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
				new Forwarding(connection, pid));
	}

	@Override
	public Connection getConnection(String username, String password) throws SQLException {
		throw new SQLException("not supported");
	}

	private void afterStatement(int pid) throws SQLException {
		if (this.executed.incrementAndGet() == this.killAfter) {
			try (Connection connection = this.admin.getConnection();
					PreparedStatement kill = connection.prepareStatement("SELECT pg_terminate_backend(?)")) {
				kill.setInt(1, pid);
				kill.execute();
			}
		}
	}

	/** Forwards every call; statements it creates report each execution. */
	private final class Forwarding implements InvocationHandler {

		private final Object target;

		private final int pid;

		Forwarding(Object target, int pid) {
			this.target = target;
			this.pid = pid;
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
				return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { type },
						new Forwarding(statement, this.pid));
			}
			if (this.target instanceof Statement && method.getName().startsWith("execute")) {
				afterStatement(this.pid);
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

}
