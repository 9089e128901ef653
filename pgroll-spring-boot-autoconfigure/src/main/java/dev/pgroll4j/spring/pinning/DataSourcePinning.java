package dev.pgroll4j.spring.pinning;

import java.sql.SQLException;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.datasource.AbstractDriverBasedDataSource;
import org.springframework.util.ClassUtils;

import dev.pgroll4j.core.VersionSelection;

/**
 * The pinning of one data source to a version schema.
 *
 * <p>A Hikari pool that has not started gets the pin as a startup parameter (no cost per borrow, and it survives
 * rollbacks and {@code DISCARD ALL}), checked with one query on each new physical connection before the pool has
 * it; behind a session-mode pooler ({@link PoolerMode#SESSION}) each new physical connection gets it with
 * {@code SET} instead. Any other data source is wrapped in a {@link PinnedDataSource}.
 *
 * <p>Not API: the auto-configuration pins each data source bean it selects with it.
 */
public final class DataSourcePinning {

	private static final Logger logger = LoggerFactory.getLogger(DataSourcePinning.class);

	private static final boolean hikariPresent = ClassUtils.isPresent("com.zaxxer.hikari.HikariDataSource",
			DataSourcePinning.class.getClassLoader());

	private final DataSource dataSource;

	private final ConnectionPinner pinner;

	private final @Nullable DataSource opener;

	private DataSourcePinning(DataSource dataSource, ConnectionPinner pinner, @Nullable DataSource opener) {
		this.dataSource = dataSource;
		this.pinner = pinner;
		this.opener = opener;
	}

	/**
	 * Pins the connections of a data source.
	 * @param dataSource the application's data source
	 * @param name its bean name, for messages
	 * @param selection the version to pin its connections to
	 * @param poolerMode how its connections reach PostgreSQL
	 * @return the pinning, whose {@link #dataSource()} the application is to use
	 */
	public static DataSourcePinning pin(DataSource dataSource, String name, VersionSelection selection,
			PoolerMode poolerMode) {
		ConnectionPinner pinner = new ConnectionPinner(selection, name, poolerMode);
		DataSource opener = hikariPresent ? HikariPinning.pin(dataSource, pinner) : null;
		if (opener != null) {
			logger.info(pinner.pinsAtStartup() ? "pgroll: connections of data source '{}' start in version schema {}"
					: "pgroll: connections of data source '{}' are set to version schema {} when opened "
							+ "(pgroll.pooler-mode=session)", name, selection.versionSchema());
			return new DataSourcePinning(dataSource, pinner, opener);
		}
		logger.info("pgroll: connections of data source '{}' are set to version schema {} when borrowed", name,
				selection.versionSchema());
		PinnedDataSource pinned = new PinnedDataSource(dataSource, pinner);
		// Only an unpooled data source may safely give a second connection while the first is held.
		DataSource second = (dataSource instanceof AbstractDriverBasedDataSource) ? pinned : null;
		return new DataSourcePinning(pinned, pinner, second);
	}

	/**
	 * The data source the application is to use: the one given, whose pool now opens pinned connections, or a
	 * {@link PinnedDataSource} around it.
	 */
	public DataSource dataSource() {
		return this.dataSource;
	}

	/**
	 * Checks one connection, borrowed as the application borrows them, once the migrations have run: what the
	 * pool made of the pin (its schema or init SQL come after it), and behind a session-mode pooler that a second
	 * connection opened while the first is held gets a server process of its own.
	 * @throws ConnectionPinningException if the pin did not take or cannot hold
	 * @throws SQLException if the database cannot be reached
	 */
	public void check() throws SQLException {
		this.pinner.checkAtStartup(this.dataSource, this.opener);
	}

}
