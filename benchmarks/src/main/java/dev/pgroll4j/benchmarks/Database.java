package dev.pgroll4j.benchmarks;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import dev.pgroll4j.core.Pgroll;
import dev.pgroll4j.core.migration.Migration;
import dev.pgroll4j.core.migration.MigrationParser;
import dev.pgroll4j.test.TestDatabase;

/** Helpers over one benchmark database: statements, timings, and pgroll on schema {@value #SCHEMA}. */
final class Database {

	static final String SCHEMA = "app";

	private final TestDatabase database;

	Database(TestDatabase database) {
		this.database = database;
	}

	TestDatabase unwrap() {
		return this.database;
	}

	Pgroll pgroll(int batchSize) {
		return Pgroll.configure().dataSource(this.database.dataSource()).schema(SCHEMA).backfillBatchSize(batchSize)
			.load();
	}

	static Migration migration(String name, String yaml) {
		return MigrationParser.parse(name + ".yaml", yaml);
	}

	void execute(String... statements) {
		this.database.execute(statements);
	}

	/** Runs a statement on a fresh connection and returns its wall-clock seconds. */
	double timed(String sql) {
		try (Connection connection = this.database.connect(); Statement statement = connection.createStatement()) {
			long started = System.nanoTime();
			statement.execute(sql);
			return (System.nanoTime() - started) / 1e9;
		}
		catch (SQLException ex) {
			throw new IllegalStateException(sql + ": " + ex.getMessage(), ex);
		}
	}

	/** Connects with a version schema (or any schema) alone on the search path, as a pinned client does. */
	Connection connect(String searchPath) throws SQLException {
		Connection connection = this.database.connect();
		try (Statement statement = connection.createStatement()) {
			statement.execute("SET search_path TO \"" + searchPath.replace("\"", "\"\"") + "\"");
		}
		return connection;
	}

	long count(String sql) {
		return this.database.queryForLong(sql);
	}

	static double seconds(long startedNanos) {
		return (System.nanoTime() - startedNanos) / 1e9;
	}

}
