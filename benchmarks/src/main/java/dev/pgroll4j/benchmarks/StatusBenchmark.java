package dev.pgroll4j.benchmarks;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import dev.pgroll4j.core.MigrationStatus;
import dev.pgroll4j.core.Pgroll;
import dev.pgroll4j.test.PostgresServer;
import dev.pgroll4j.test.TestDatabase;

/**
 * Benchmark 5: {@code status()} (which also gives the latest migration) with a long history in the state table,
 * again with a fleet of live instances for it to list, and a start + complete with that history beside the same with
 * a history of one. Calls go through a connection pool, as an application's do, so the figures are the calls'
 * queries and not connection set-up.
 */
final class StatusBenchmark {

	private static final int RUNS = 201;

	private static final int CYCLES = 3;

	/**
	 * @param statusMillis median of one {@code status()} (the newest 20 migrations)
	 * @param latestMillis median of one {@code status(1)}, the latest migration alone
	 * @param statusWithInstancesMillis the same as {@code statusMillis} with {@value InstanceBenchmark#LIVE} live
	 * registered instances, {@value InstanceBenchmark#EXPIRED} expired ones and {@value #SESSIONS} named sessions
	 * @param statusWithoutInstancesMillis its baseline: the same without them, the mean of the medians taken just
	 * before they were added and just after they were gone
	 * @param cycleMillis median of three start + complete cycles of a one-column migration with the long history
	 * @param cycleBaselineMillis the same with a history of one migration
	 */
	record Figures(long historyRows, double statusMillis, double latestMillis, double statusWithInstancesMillis,
			double statusWithoutInstancesMillis, double cycleMillis, double cycleBaselineMillis, String failure) {
	}

	/** Sessions named {@code pgroll:<version schema>} beside the registered instances in the second status figure. */
	static final int SESSIONS = 2;

	private StatusBenchmark() {
	}

	static Figures run(PostgresServer server, long historyRows) {
		TestDatabase testDatabase = server.createDatabase("bench_status");
		Database database = new Database(testDatabase);
		try (HikariDataSource pool = pool(testDatabase)) {
			Pgroll pgroll = Pgroll.configure().dataSource(pool).schema(Database.SCHEMA).load();
			pgroll.init();
			pgroll.start(Database.migration("01_create", Tables.CREATE));
			pgroll.complete();
			double baseline = cycles(pgroll, "02_baseline");
			// Copies of the first row, each the parent of the next, continuing the chain after the baseline cycles.
			database.execute("INSERT INTO pgroll.migrations (schema, name, migration, created_at, updated_at, parent, "
					+ "done, resulting_schema, migration_type, start_finished) "
					+ "SELECT m.schema, 'h' || lpad(g::text, 7, '0'), m.migration, m.created_at + g * interval '1 ms', "
					+ "m.updated_at + g * interval '1 ms', CASE WHEN g = 1 THEN '02_baseline' ELSE 'h' || "
					+ "lpad((g - 1)::text, 7, '0') END, true, m.resulting_schema, m.migration_type, true "
					+ "FROM pgroll.migrations m, generate_series(1, " + (historyRows - 4) + ") g "
					+ "WHERE m.name = '01_create'", "VACUUM ANALYZE pgroll.migrations",
					// As after a real complete: the newest version schema exists, the older ones were dropped.
					"DROP SCHEMA app_02_baseline CASCADE", "CREATE SCHEMA app_h" + String.format("%07d", historyRows - 4));
			try {
				MigrationStatus status = pgroll.status();
				if (!status.latest().name().equals(String.format("h%07d", historyRows - 4))) {
					throw new IllegalStateException("status found " + status.latest().name() + " as the latest");
				}
				double statusMillis = median(pgroll::status);
				double latestMillis = median(() -> pgroll.status(1));
				double before = median(pgroll::status);
				double withInstances = withInstances(database, pgroll, String.format("app_h%07d", historyRows - 4));
				double after = median(pgroll::status);
				double cycleMillis = cycles(pgroll, "zz_after_history");
				return new Figures(historyRows, statusMillis, latestMillis, withInstances, (before + after) / 2,
						cycleMillis, baseline, null);
			}
			catch (RuntimeException | OutOfMemoryError ex) {
				// An OutOfMemoryError may reach here wrapped, as try-with-resources cannot suppress it into itself.
				Throwable cause = (ex.getCause() instanceof OutOfMemoryError) ? ex.getCause() : ex;
				return new Figures(historyRows, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, baseline,
						cause.toString());
			}
		}
		finally {
			testDatabase.drop();
		}
	}

	/**
	 * Median milliseconds of {@code status()} listing the instances of a running fleet: the registered ones of
	 * {@link InstanceBenchmark#fill} and {@value #SESSIONS} sessions that name the latest version schema.
	 */
	private static double withInstances(Database database, Pgroll pgroll, String latest) {
		InstanceBenchmark.fill(database, latest, Database.SCHEMA + "_h_previous", Database.SCHEMA + "_h_older");
		List<Connection> sessions = new ArrayList<>();
		try {
			for (int i = 0; i < SESSIONS; i++) {
				Connection session = database.unwrap().connect();
				sessions.add(session);
				try (Statement statement = session.createStatement()) {
					statement.execute("SET application_name = 'pgroll:" + latest + " worker-" + i + "'");
				}
			}
			int listed = pgroll.status().instances().size();
			if (listed != InstanceBenchmark.LIVE + SESSIONS) {
				throw new IllegalStateException("status listed " + listed + " live instances");
			}
			return median(pgroll::status);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
		finally {
			for (Connection session : sessions) {
				try {
					session.close();
				}
				catch (SQLException ex) {
					// Closed with the database at the latest.
				}
			}
			// Gone again, or complete would refuse to drop the version schema they use in the cycles after.
			database.execute("DELETE FROM pgroll.instances");
		}
	}

	static HikariDataSource pool(TestDatabase database) {
		HikariConfig config = new HikariConfig();
		config.setJdbcUrl(database.jdbcUrl());
		config.setUsername(database.user());
		config.setPassword(database.password());
		config.setMaximumPoolSize(2);
		return new HikariDataSource(config);
	}

	/** Median milliseconds of a call, the first call (warm-up) not counted. */
	private static double median(Supplier<?> call) {
		call.get();
		double[] millis = new double[RUNS];
		for (int i = 0; i < RUNS; i++) {
			long started = System.nanoTime();
			call.get();
			millis[i] = (System.nanoTime() - started) / 1e6;
		}
		Arrays.sort(millis);
		return millis[RUNS / 2];
	}

	/** Median milliseconds of three start + complete cycles; the last one's name is {@code name}. */
	private static double cycles(Pgroll pgroll, String name) {
		double[] millis = new double[CYCLES];
		for (int i = 0; i < CYCLES; i++) {
			String prefix = (i < CYCLES - 1) ? name + "_" + i : name;
			millis[i] = cycle(pgroll, prefix, name.replaceAll("[^a-z]", "") + "_note_" + i);
		}
		Arrays.sort(millis);
		return millis[CYCLES / 2];
	}

	private static double cycle(Pgroll pgroll, String name, String column) {
		long started = System.nanoTime();
		pgroll.start(Database.migration(name, """
				operations:
				  - add_column:
				      table: events
				      column: {name: %s, type: text, nullable: true}
				""".formatted(column)));
		pgroll.complete();
		return (System.nanoTime() - started) / 1e6;
	}

}
