package dev.pgroll4j.spring.pinning;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Iterator;
import java.util.Map;
import java.util.WeakHashMap;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.pgroll4j.core.VersionSelection;

/**
 * Makes and checks the pin of one data source's connections, and refuses a connection whose pin did not take.
 *
 * <p>A connection opened with the pin as a startup parameter is checked once, with one query. Where the pin is set
 * with {@code SET} instead (behind a session-mode pooler, or per borrow by {@link PinnedDataSource}), it only holds
 * while the client connection keeps its server connection, which a transaction-mode pooler does not promise. So
 * every server process seen is recorded against its client connection: a connection served by two server processes
 * in turn, or two open connections served by one, prove such a pooler and fail. Whether a pooler is there at all
 * is free to tell: pgjdbc keeps the process id the connection was opened with, which a pooler makes up.
 */
final class ConnectionPinner {

	private static final Logger logger = LoggerFactory.getLogger(ConnectionPinner.class);

	/** What a connection is pinned to, and which server process answers (a pooler may hand out another). */
	static final String CHECK = "SELECT current_setting('search_path'), current_setting('" + VersionSelection.SETTING
			+ "', true), pg_backend_pid()";

	/** Pins a session with SET, answering like {@link #CHECK}: one round trip. */
	static final String SET = "SELECT set_config('search_path', ?, false), set_config('" + VersionSelection.SETTING
			+ "', ?, false), pg_backend_pid()";

	private static final String DOCS = "See \"Behind a connection pooler\" in the pgroll Spring Boot documentation.";

	private final VersionSelection selection;

	private final String dataSourceName;

	private final PoolerMode poolerMode;

	/** The server process of each open client connection pinned with SET; guarded by this. */
	private final Map<Connection, Integer> serverProcesses = new WeakHashMap<>();

	ConnectionPinner(VersionSelection selection, String dataSourceName, PoolerMode poolerMode) {
		this.selection = selection;
		this.dataSourceName = dataSourceName;
		this.poolerMode = poolerMode;
	}

	/** The version connections are pinned to. */
	VersionSelection selection() {
		return this.selection;
	}

	/** Whether new connections carry the pin as a startup parameter rather than getting it with SET. */
	boolean pinsAtStartup() {
		return this.poolerMode == PoolerMode.NONE;
	}

	/**
	 * A new physical connection, before any pool hands it out: checks the startup parameter took effect, or, behind
	 * a session-mode pooler, sets the pin and checks from a transaction of its own that it stayed.
	 */
	void pinNew(Connection connection) throws SQLException {
		if (pinsAtStartup()) {
			Session session = Session.read(connection, CHECK, null);
			if (!this.selection.isSelectedBy(session.searchPath(), session.versionSetting())) {
				throw startupParameterIgnored(session);
			}
			return;
		}
		Session set = set(connection);
		record(connection, set);
		Session next = Session.read(connection, CHECK, null);
		record(connection, next);
		if (!this.selection.isSelectedBy(next.searchPath(), next.versionSetting())) {
			throw notKept(next, "the SET that pinned it did not last to its next transaction");
		}
	}

	/**
	 * A connection borrowed from a pool that cannot pin at startup ({@link PinnedDataSource}): one round trip sets
	 * the pin and names the server process, which is all a check costs here.
	 */
	void pinBorrowed(Connection connection) throws SQLException {
		Session session = set(connection);
		if (session.pooled()) {
			if (this.poolerMode != PoolerMode.SESSION) {
				throw new ConnectionPinningException(
						description() + ": they go through a connection pooler (" + pooler(session) + "), and "
								+ "pinning them when borrowed, with SET, holds only if the pooler is in session mode.",
						"If it is (PgBouncer: pool_mode = session), set pgroll.pooler-mode=session; otherwise connect "
								+ "the application straight to PostgreSQL. " + DOCS);
			}
			record(connection, session);
		}
	}

	/**
	 * At start-up, a connection borrowed from the application's data source, as the application gets them: checks
	 * what the pool made of it (its schema or init SQL come after the pin). Behind a session-mode pooler a second
	 * connection from {@code opener}, if there is one, opened while the first is held, must get a server process of
	 * its own.
	 */
	void checkAtStartup(DataSource dataSource, @Nullable DataSource opener) throws SQLException {
		try (Connection connection = dataSource.getConnection()) {
			Session session = Session.read(connection, CHECK, null);
			boolean setBehindPooler = this.poolerMode == PoolerMode.SESSION && session.pooled();
			if (setBehindPooler) {
				// First: a query that ran on another server process than the SET is why the pin would be missing.
				record(connection, session);
			}
			if (!this.selection.isSelectedBy(session.searchPath(), session.versionSetting())) {
				throw new ConnectionPinningException(description() + ": on a connection borrowed from it, " + state(session)
						+ ", although the pin took when it was made, so the pool changes it afterwards: its schema "
						+ "(Hikari's schema), its connection init SQL, or a customizer.",
						"Leave search_path and pgroll.version_schema to pgroll, or turn pinning off "
								+ "(pgroll.pin-connections=false) and select the version schema yourself.");
			}
			if (this.poolerMode == PoolerMode.SESSION) {
				if (!session.pooled()) {
					logger.warn("pgroll: pgroll.pooler-mode=session, but connections of data source '{}' go straight to "
							+ "PostgreSQL; the default (none) pins them at startup, which also survives RESET ALL and "
							+ "DISCARD ALL", this.dataSourceName);
				}
				else if (opener != null) {
					// Pinned and recorded on the way: sharing the first one's server process fails it.
					opener.getConnection().close();
				}
			}
			logger.debug("pgroll: connections of data source '{}' are pinned to version schema {}{}", this.dataSourceName,
					this.selection.versionSchema(), session.pooled() ? " through a connection pooler" : "");
		}
	}

	private Session set(Connection connection) throws SQLException {
		Session session = Session.read(connection, SET, this.selection);
		if (!connection.getAutoCommit()) {
			// A rollback of the application's transaction must not undo the pin.
			connection.commit();
		}
		return session;
	}

	/**
	 * Records the server process answering a client connection pinned with SET, refusing it if the connection had
	 * another one before, or another open connection has this one.
	 */
	private synchronized void record(Connection connection, Session session) throws SQLException {
		Connection client = physical(connection);
		for (Iterator<Map.Entry<Connection, Integer>> entries = this.serverProcesses.entrySet().iterator(); entries
			.hasNext();) {
			Map.Entry<Connection, Integer> entry = entries.next();
			if (isClosed(entry.getKey())) {
				entries.remove();
			}
			else if (entry.getKey() == client && entry.getValue() != session.serverProcess()) {
				throw notKept(session, "its consecutive transactions ran on server processes " + entry.getValue()
						+ " and " + session.serverProcess());
			}
			else if (entry.getKey() != client && entry.getValue() == session.serverProcess()) {
				throw notKept(session, "two of its open connections were served by the same server process "
						+ session.serverProcess());
			}
		}
		this.serverProcesses.put(client, session.serverProcess());
	}

	private ConnectionPinningException startupParameterIgnored(Session session) {
		String description = description() + ": the options startup parameter did not take effect (" + state(session)
				+ ").";
		if (session.pooled()) {
			return new ConnectionPinningException(description + " The connection goes through a connection pooler ("
					+ pooler(session) + ") that ignores or strips the options startup parameter, as PgBouncer does "
					+ "with ignore_startup_parameters = options.",
					"Connect the application straight to PostgreSQL, or, if the pooler is in session mode (PgBouncer: "
							+ "pool_mode = session), set pgroll.pooler-mode=session so that each new connection is "
							+ "pinned with SET. A pooler in transaction or statement mode cannot keep a pin. " + DOCS);
		}
		return new ConnectionPinningException(description + " The connection goes straight to PostgreSQL, so a later "
				+ "setting of the same name replaced the pin when it started, such as currentSchema in the JDBC URL or "
				+ "another -c search_path in the options.",
				"Remove that setting, or turn pinning off (pgroll.pin-connections=false) and select the version schema "
						+ "yourself.");
	}

	private ConnectionPinningException notKept(Session session, String evidence) {
		return new ConnectionPinningException(description() + ": pgroll.pooler-mode=session, but the pooler is not in "
				+ "session mode: " + evidence + ". A pooler in transaction or statement mode hands each transaction "
				+ "to whichever server connection is free, so a pin set with SET would not stay with the "
				+ "application's connection.",
				"Use session mode for this application's pool (PgBouncer: pool_mode = session), or connect the "
						+ "application straight to PostgreSQL. " + DOCS);
	}

	private String description() {
		return "Connections of data source '" + this.dataSourceName + "' are not pinned to version schema "
				+ this.selection.versionSchema();
	}

	private static String state(Session session) {
		String setting = session.versionSetting();
		return "search_path is " + session.searchPath() + " and " + VersionSelection.SETTING
				+ ((setting == null || setting.isEmpty()) ? " is not set" : " is " + setting);
	}

	private static String pooler(Session session) {
		return "server process " + session.serverProcess() + " answers, but the connection was given process id "
				+ session.keyProcess() + " when it opened";
	}

	/** The driver's connection under a pool's proxy: the client connection a pooler sees. */
	private static Connection physical(Connection connection) {
		try {
			return connection.isWrapperFor(PGConnection.class) ? (Connection) connection.unwrap(PGConnection.class)
					: connection;
		}
		catch (SQLException | ClassCastException ex) {
			return connection;
		}
	}

	private static boolean isClosed(Connection connection) {
		try {
			return connection.isClosed();
		}
		catch (SQLException ex) {
			return true;
		}
	}

	/**
	 * What one query of a session answered.
	 *
	 * @param searchPath its {@code search_path}
	 * @param versionSetting its {@code pgroll.version_schema}, or {@code null}
	 * @param serverProcess the server process that answered ({@code pg_backend_pid()})
	 * @param keyProcess the process id the connection was opened with, or 0 if the driver does not say
	 */
	private record Session(String searchPath, @Nullable String versionSetting, int serverProcess, int keyProcess) {

		/** Whether a pooler stands between: it hands the client a process id of its own making. */
		boolean pooled() {
			return this.keyProcess != 0 && this.keyProcess != this.serverProcess;
		}

		static Session read(Connection connection, String sql, @Nullable VersionSelection selection)
				throws SQLException {
			try (PreparedStatement statement = connection.prepareStatement(sql)) {
				if (selection != null) {
					statement.setString(1, selection.searchPath());
					statement.setString(2, selection.versionSchema());
				}
				try (ResultSet rs = statement.executeQuery()) {
					rs.next();
					return new Session(rs.getString(1), rs.getString(2), rs.getInt(3), keyProcess(connection));
				}
			}
		}

		private static int keyProcess(Connection connection) {
			try {
				return connection.unwrap(PGConnection.class).getBackendPID();
			}
			catch (SQLException ex) {
				return 0;
			}
		}

	}

}
