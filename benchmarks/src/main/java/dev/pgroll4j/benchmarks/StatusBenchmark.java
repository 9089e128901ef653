package dev.pgroll4j.benchmarks;

import java.util.Arrays;

import dev.pgroll4j.core.MigrationStatus;
import dev.pgroll4j.core.Pgroll;
import dev.pgroll4j.test.PostgresServer;

/** Benchmark 5: {@code status()} (which also gives the latest migration) with a long history in the state table. */
final class StatusBenchmark {

	private static final int RUNS = 5;

	/** Median milliseconds of one status call, or the error that stopped it. */
	record Figures(long historyRows, double statusMillis, String failure) {
	}

	private StatusBenchmark() {
	}

	static Figures run(PostgresServer server, long historyRows) {
		Database database = new Database(server.createDatabase("bench_status"));
		try {
			Pgroll pgroll = database.pgroll(1000);
			pgroll.init();
			pgroll.start(Database.migration("01_create", Tables.CREATE));
			pgroll.complete();
			// A chain of copies of the one real row, each the parent of the next, as a long-lived schema has.
			database.execute("INSERT INTO pgroll.migrations (schema, name, migration, created_at, updated_at, parent, "
					+ "done, resulting_schema, migration_type, start_finished) "
					+ "SELECT m.schema, 'h' || lpad(g::text, 7, '0'), m.migration, m.created_at + g * interval '1 ms', "
					+ "m.updated_at + g * interval '1 ms', CASE WHEN g = 1 THEN m.name ELSE 'h' || lpad((g - 1)::text, "
					+ "7, '0') END, true, m.resulting_schema, m.migration_type, true "
					+ "FROM pgroll.migrations m, generate_series(1, " + (historyRows - 1) + ") g "
					+ "WHERE m.name = '01_create'", "VACUUM ANALYZE pgroll.migrations",
					// As after a real complete: the newest version schema exists, the older ones were dropped.
					"CREATE SCHEMA app_h" + String.format("%07d", historyRows - 1));
			double[] millis = new double[RUNS];
			try {
				for (int i = 0; i < RUNS + 1; i++) {
					long started = System.nanoTime();
					MigrationStatus status = pgroll.status();
					double took = (System.nanoTime() - started) / 1e6;
					if (status.history().size() != historyRows && i == 0) {
						System.out.println("  status lists " + status.history().size() + " of " + historyRows
								+ " history rows");
					}
					if (i > 0) {
						millis[i - 1] = took;
					}
				}
			}
			catch (RuntimeException | OutOfMemoryError ex) {
				// An OutOfMemoryError may reach here wrapped, as try-with-resources cannot suppress it into itself.
				Throwable cause = (ex.getCause() instanceof OutOfMemoryError) ? ex.getCause() : ex;
				return new Figures(historyRows, Double.NaN, cause.toString());
			}
			Arrays.sort(millis);
			return new Figures(historyRows, millis[RUNS / 2], null);
		}
		finally {
			database.unwrap().drop();
		}
	}

}
