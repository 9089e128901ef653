package dev.pgroll4j.test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * An empty database of its own on the shared {@link PostgresServer}, with small JDBC helpers for test code.
 * Every connection is a real one; nothing is pooled, so a test that closes its connections leaves nothing behind.
 */
public final class TestDatabase implements AutoCloseable {

	private final PostgresServer server;
	private final String name;
	private final String prefix;
	private final PGSimpleDataSource dataSource = new PGSimpleDataSource();
	private final List<TestDatabase> siblings = new CopyOnWriteArrayList<>();

	TestDatabase(PostgresServer server, String name, String prefix) {
		this.server = server;
		this.name = name;
		this.prefix = prefix;
		dataSource.setURL(jdbcUrl());
		if (server.user() != null) {
			dataSource.setUser(server.user());
		}
		if (server.password() != null) {
			dataSource.setPassword(server.password());
		}
	}

	public String name() {
		return name;
	}

	public String jdbcUrl() {
		return server.jdbcUrl(name);
	}

	/** The user to connect as, or null when the driver's default (the OS user) applies. */
	public String user() {
		return server.user();
	}

	public String password() {
		return server.password();
	}

	/** Unpooled: every {@code getConnection()} opens a new server connection. */
	public DataSource dataSource() {
		return dataSource;
	}

	public Connection connect() {
		try {
			return dataSource.getConnection();
		} catch (SQLException e) {
			throw new TestSqlException("connect to " + name, e);
		}
	}

	/** Runs each statement on its own in autocommit mode, stopping at the first failure. */
	public void execute(String... statements) {
		try (Connection c = connect(); Statement s = c.createStatement()) {
			for (String sql : statements) {
				try {
					s.execute(sql);
				} catch (SQLException e) {
					throw new TestSqlException(sql, e);
				}
			}
		} catch (SQLException e) {
			throw new TestSqlException("create or close statement on " + name, e);
		}
	}

	/** Each row as a column-label-to-value map, in column order. */
	public List<Map<String, Object>> queryForList(String sql, Object... args) {
		return query(sql, args, rs -> {
			ResultSetMetaData meta = rs.getMetaData();
			List<Map<String, Object>> rows = new ArrayList<>();
			while (rs.next()) {
				Map<String, Object> row = new LinkedHashMap<>();
				for (int i = 1; i <= meta.getColumnCount(); i++) {
					row.put(meta.getColumnLabel(i), rs.getObject(i));
				}
				rows.add(row);
			}
			return rows;
		});
	}

	/** The value of a query that returns exactly one row; SQL NULL becomes null. */
	public String queryForString(String sql, Object... args) {
		return query(sql, args, rs -> {
			String value = singleRow(rs, sql).getString(1);
			requireNoMoreRows(rs, sql);
			return value;
		});
	}

	/** The non-null integer value of a query that returns exactly one row. */
	public long queryForLong(String sql, Object... args) {
		return query(sql, args, rs -> {
			long value = singleRow(rs, sql).getLong(1);
			if (rs.wasNull()) {
				throw new IllegalStateException("Expected a number but got NULL from: " + sql);
			}
			requireNoMoreRows(rs, sql);
			return value;
		});
	}

	public int serverMajorVersion() {
		return server.majorVersion();
	}

	/** The catalog of this database, e.g. to compare before and after a migration. */
	public CatalogSnapshot catalogSnapshot() {
		try (Connection c = connect()) {
			return CatalogSnapshot.take(c);
		} catch (SQLException e) {
			throw new TestSqlException("close connection to " + name, e);
		}
	}

	/** Another empty database on the same server, dropped together with this one. */
	public TestDatabase createSibling(String suffix) {
		TestDatabase sibling = server.createDatabase(prefix + "_" + suffix);
		siblings.add(sibling);
		return sibling;
	}

	/**
	 * A copy of this database made with it as the template, so its tables have the same OIDs; nobody may be
	 * connected to this database meanwhile. Dropped together with this one.
	 */
	public TestDatabase copy(String suffix) {
		TestDatabase copy = server.copyDatabase(name, prefix + "_" + suffix);
		siblings.add(copy);
		return copy;
	}

	/** Drops this database and its siblings; calling it again is harmless. */
	public void drop() {
		for (TestDatabase sibling : siblings) {
			sibling.drop();
		}
		siblings.clear();
		server.dropDatabase(name);
	}

	/** Same as {@link #drop()}, for try-with-resources. */
	@Override
	public void close() {
		drop();
	}

	@Override
	public String toString() {
		return name + " on " + server.description();
	}

	private interface ResultReader<T> {
		T read(ResultSet rs) throws SQLException;
	}

	private <T> T query(String sql, Object[] args, ResultReader<T> reader) {
		try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
			for (int i = 0; i < args.length; i++) {
				ps.setObject(i + 1, args[i]);
			}
			try (ResultSet rs = ps.executeQuery()) {
				return reader.read(rs);
			}
		} catch (SQLException e) {
			throw new TestSqlException(sql, e);
		}
	}

	private static ResultSet singleRow(ResultSet rs, String sql) throws SQLException {
		if (!rs.next()) {
			throw new IllegalStateException("Expected one row but got none from: " + sql);
		}
		return rs;
	}

	private static void requireNoMoreRows(ResultSet rs, String sql) throws SQLException {
		if (rs.next()) {
			throw new IllegalStateException("Expected one row but got several from: " + sql);
		}
	}
}
