package dev.pgroll4j.spring.autoconfigure;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

import javax.sql.DataSource;

import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * Pins each connection it hands out to a version schema with a session-level setting. The fallback for pools
 * whose startup parameters cannot be set (see {@link PgrollConnectionPinning}): it costs a round trip per
 * borrow, and commits at once when the connection comes out with auto-commit off, so that a later rollback of the
 * application's transaction cannot undo the pin.
 */
public class PinnedDataSource extends DelegatingDataSource {

	private final VersionPin pin;

	PinnedDataSource(DataSource target, VersionPin pin) {
		super(target);
		this.pin = pin;
	}

	/** The version schema connections are pinned to. */
	public String versionSchema() {
		return this.pin.versionSchema();
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
		try (PreparedStatement statement = connection.prepareStatement(
				"SELECT set_config('search_path', ?, false), set_config('" + VersionPin.SETTING + "', ?, false)")) {
			statement.setString(1, this.pin.searchPath());
			statement.setString(2, this.pin.versionSchema());
			statement.execute();
			if (!connection.getAutoCommit()) {
				connection.commit();
			}
			return connection;
		}
		catch (SQLException ex) {
			connection.close();
			throw ex;
		}
	}

}
