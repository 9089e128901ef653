package dev.pgroll4j.spring.pinning;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * Pins each connection it hands out to a version schema with a session-level setting. The fallback for pools
 * whose startup parameters cannot be set (see {@link DataSourcePinning}): it costs a round trip per
 * borrow, and commits at once when the connection comes out with auto-commit off, so that a later rollback of the
 * application's transaction cannot undo the pin. The same round trip tells whether a connection pooler stands
 * between, where such a pin holds only in session mode.
 */
public class PinnedDataSource extends DelegatingDataSource {

	private final ConnectionPinner pinner;

	PinnedDataSource(DataSource target, ConnectionPinner pinner) {
		super(target);
		this.pinner = pinner;
	}

	/** The version schema connections are pinned to. */
	public String versionSchema() {
		return this.pinner.selection().versionSchema();
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
			this.pinner.pinBorrowed(connection);
			return connection;
		}
		catch (SQLException | RuntimeException ex) {
			connection.close();
			throw ex;
		}
	}

}
