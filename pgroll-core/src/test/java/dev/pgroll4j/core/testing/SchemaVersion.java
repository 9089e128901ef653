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

	/**
	 * {@code "name type validated"} of each constraint of a table, by name, e.g. {@code "users_pkey p true"}.
	 * PostgreSQL 18's NOT NULL constraints are left out, so that the lists are the same on every version.
	 */
	public List<String> constraints(String table) {
		return constraintLines(table, "convalidated");
	}

	/** {@link #constraints} with validity spelled {@code valid} or {@code not_valid}: {@code "users_pkey p valid"}. */
	public List<String> constraintValidity(String table) {
		return constraintLines(table, "CASE WHEN convalidated THEN 'valid' ELSE 'not_valid' END");
	}

	/** {@link #constraints} with the definition instead of validity: {@code "users_pkey p PRIMARY KEY (id)"}. */
	public List<String> constraintDefinitions(String table) {
		return constraintLines(table, "pg_get_constraintdef(oid)");
	}

	private List<String> constraintLines(String table, String detail) {
		return query("SELECT conname || ' ' || contype::text || ' ' || " + detail + " AS c FROM pg_constraint "
				+ "WHERE conrelid = ?::regclass AND contype <> 'n' ORDER BY conname", table)
			.stream()
			.map((r) -> (String) r.get("c"))
			.toList();
	}

	/** The definition of a constraint in this version's schema, e.g. {@code "UNIQUE (sku, region)"}. */
	public String constraintDefinition(String constraint) {
		return (String) value("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = ? "
				+ "AND connamespace = current_schema()::regnamespace", constraint);
	}

	/** The definition of an index as this version resolves its name: {@code "CREATE INDEX ... USING ..."}. */
	public String indexDefinition(String index) {
		return (String) value("SELECT pg_get_indexdef(to_regclass(?))", index);
	}

	/**
	 * Runs statements in one transaction on one connection, as a client of this version, so that deferred
	 * constraints are checked only at the commit.
	 */
	public void inTransaction(String... statements) {
		try (Connection connection = this.database.connect()) {
			connection.setAutoCommit(false);
			try (Statement statement = connection.createStatement()) {
				selectVersion(statement);
				for (String sql : statements) {
					statement.execute(sql);
				}
			}
			connection.commit();
		}
		catch (SQLException ex) {
			throw new TestSqlException(String.join("; ", statements), ex);
		}
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
				selectVersion(statement);
			}
			try (PreparedStatement statement = connection.prepareStatement(sql)) {
				return work.run(statement);
			}
		}
		catch (SQLException ex) {
			throw new TestSqlException(sql, ex);
		}
	}

	private void selectVersion(Statement statement) throws SQLException {
		statement.execute("SET search_path TO \"" + this.searchPath.replace("\"", "\"\"") + "\"");
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
