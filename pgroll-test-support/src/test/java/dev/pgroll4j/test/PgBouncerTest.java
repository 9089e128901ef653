package dev.pgroll4j.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

/** The facts about a real PgBouncer that the starter's pinning relies on. */
@PostgresTest
class PgBouncerTest {

	@Test
	void theOptionsStartupParameterIsDroppedSilentlyAndTheClientSeesAnotherProcessId(TestDatabase db)
			throws SQLException {
		try (PgBouncer bouncer = PgBouncer.start(db, PgBouncer.PoolMode.SESSION);
			 Connection connection = connect(bouncer, "-c search_path=elsewhere")) {
			assertThat(bouncer.version()).startsWith("PgBouncer ");
			assertThat(query(connection, "SELECT current_setting('search_path')")).isEqualTo("\"$user\", public");
			// The key PgBouncer hands the client is its own, not the server process's.
			assertThat(connection.unwrap(PGConnection.class).getBackendPID())
				.isNotEqualTo(Integer.parseInt(query(connection, "SELECT pg_backend_pid()")));
		}
	}

	@Test
	void inTransactionModeTwoOpenClientsShareOneServerProcess(TestDatabase db) throws SQLException {
		try (PgBouncer bouncer = PgBouncer.start(db, PgBouncer.PoolMode.TRANSACTION);
			 Connection first = connect(bouncer, null);
			 Connection second = connect(bouncer, null)) {
			String pid = query(first, "SELECT pg_backend_pid()");
			assertThat(query(second, "SELECT pg_backend_pid()")).isEqualTo(pid);
		}
	}

	@Test
	void inSessionModeEachClientKeepsItsOwnServerProcess(TestDatabase db) throws SQLException {
		try (PgBouncer bouncer = PgBouncer.start(db, PgBouncer.PoolMode.SESSION);
			 Connection first = connect(bouncer, null);
			 Connection second = connect(bouncer, null)) {
			String pid = query(first, "SELECT pg_backend_pid()");
			assertThat(query(second, "SELECT pg_backend_pid()")).isNotEqualTo(pid);
			assertThat(query(first, "SELECT pg_backend_pid()")).isEqualTo(pid);
		}
	}

	private static Connection connect(PgBouncer bouncer, String options) throws SQLException {
		Properties properties = new Properties();
		properties.setProperty("user", bouncer.user());
		if (options != null) {
			properties.setProperty("options", options);
		}
		return DriverManager.getConnection(bouncer.jdbcUrl(), properties);
	}

	private static String query(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
			rs.next();
			return rs.getString(1);
		}
	}
}
