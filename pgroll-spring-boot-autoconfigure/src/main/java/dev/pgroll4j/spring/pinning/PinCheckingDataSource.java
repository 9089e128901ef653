package dev.pgroll4j.spring.pinning;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * The data source a Hikari pool opens its physical connections from: each new connection is checked (or, behind a
 * session-mode pooler, pinned) once, before the pool has it, so a connection whose pin did not take is never handed
 * out and borrowing costs nothing.
 */
final class PinCheckingDataSource extends DelegatingDataSource {

	private final ConnectionPinner pinner;

	PinCheckingDataSource(DataSource target, ConnectionPinner pinner) {
		super(target);
		this.pinner = pinner;
	}

	@Override
	public Connection getConnection() throws SQLException {
		return pinned(super.getConnection());
	}

	@Override
	public Connection getConnection(String username, String password) throws SQLException {
		return pinned(super.getConnection(username, password));
	}

	private Connection pinned(Connection connection) throws SQLException {
		try {
			this.pinner.pinNew(connection);
			return connection;
		}
		catch (SQLException | RuntimeException ex) {
			connection.close();
			throw ex;
		}
	}

}
