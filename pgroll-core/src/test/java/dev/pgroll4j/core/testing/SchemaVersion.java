package dev.pgroll4j.core.testing;

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

import org.assertj.core.api.ThrowableAssert;

import dev.pgroll4j.test.TestDatabase;
import dev.pgroll4j.test.TestSqlException;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A client of one schema version: every statement runs on a fresh connection whose {@code search_path} is the
 * version schema, the way pgroll tells clients to select a version.
 */
public final class SchemaVersion {

	private final TestDatabase database;

	private final String searchPath;

	SchemaVersion(TestDatabase database, String searchPath) {
		this.database = database;
		this.searchPath = searchPath;
	}

	public String schema() {
		return this.searchPath;
	}

	/** Runs a statement and returns the number of rows it changed. */
	public int execute(String sql, Object... args) {
		return run(sql, (statement) -> {
			bind(statement, args);
			return statement.executeUpdate();
		});
	}

	public List<Map<String, Object>> query(String sql, Object... args) {
		return run(sql, (statement) -> {
			bind(statement, args);
			List<Map<String, Object>> rows = new ArrayList<>();
			try (ResultSet rs = statement.executeQuery()) {
				ResultSetMetaData meta = rs.getMetaData();
				while (rs.next()) {
					Map<String, Object> row = new LinkedHashMap<>();
					for (int i = 1; i <= meta.getColumnCount(); i++) {
						row.put(meta.getColumnLabel(i), rs.getObject(i));
					}
					rows.add(row);
				}
			}
			return rows;
		});
	}

	/** The single value of a one-row, one-column query. */
	public Object value(String sql, Object... args) {
		List<Map<String, Object>> rows = query(sql, args);
		if (rows.size() != 1 || rows.get(0).size() != 1) {
			throw new AssertionError("expected one value from " + sql + " but got " + rows);
		}
		return rows.get(0).values().iterator().next();
	}

	/** Column names of a relation as this version sees it, in order. */
	public List<String> columns(String relation) {
		return run("SELECT * FROM " + relation + " LIMIT 0", (statement) -> {
			List<String> names = new ArrayList<>();
			try (ResultSet rs = statement.executeQuery()) {
				for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
					names.add(rs.getMetaData().getColumnName(i));
				}
			}
			return names;
		});
	}

	/** Asserts that the statement fails with the given SQLSTATE. */
	public void assertFails(String sqlState, String sql, Object... args) {
		ThrowableAssert.ThrowingCallable call = () -> execute(sql, args);
		assertThatThrownBy(call).isInstanceOf(TestSqlException.class)
			.satisfies((ex) -> org.assertj.core.api.Assertions.assertThat(((TestSqlException) ex).sqlState())
				.as("SQLSTATE of " + sql + ": " + ex.getMessage())
				.isEqualTo(sqlState));
	}

	private <T> T run(String sql, Work<T> work) {
		try (Connection connection = this.database.connect()) {
			try (Statement statement = connection.createStatement()) {
				statement.execute("SET search_path TO \"" + this.searchPath.replace("\"", "\"\"") + "\"");
			}
			try (PreparedStatement statement = connection.prepareStatement(sql)) {
				return work.run(statement);
			}
		}
		catch (SQLException ex) {
			throw new TestSqlException(sql, ex);
		}
	}

	private static void bind(PreparedStatement statement, Object[] args) throws SQLException {
		for (int i = 0; i < args.length; i++) {
			statement.setObject(i + 1, args[i]);
		}
	}

	@FunctionalInterface
	private interface Work<T> {

		T run(PreparedStatement statement) throws SQLException;

	}

}
