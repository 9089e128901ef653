package dev.pgroll4j.benchmarks;

import dev.pgroll4j.core.CompleteResult;
import dev.pgroll4j.core.Pgroll;
import dev.pgroll4j.core.StartResult;
import dev.pgroll4j.test.PostgresServer;

/**
 * Benchmark 1 (and 6): an alter_column that rewrites every row, start + complete, beside one
 * {@code UPDATE ... SET new_col = <up>} over an identical table; and the live heap while it runs.
 */
final class BackfillBenchmark {

	/** What one size measured. */
	record Figures(long rows, double pgrollRowsPerSecond, double rawRowsPerSecond, double startSeconds,
			double completeSeconds, double peakLiveHeapMiB) {
	}

	private BackfillBenchmark() {
	}

	static Figures run(PostgresServer server, long rows, int batchSize) {
		Database database = new Database(server.createDatabase("bench_backfill_" + rows));
		try {
			Pgroll pgroll = Tables.load(database, rows, batchSize);
			database.execute("ALTER TABLE raw.events ADD COLUMN created_at_new timestamptz", "CHECKPOINT");
			double raw = database.timed("UPDATE raw.events SET created_at_new = " + Tables.UP);
			database.execute("CHECKPOINT");

			StartResult started;
			CompleteResult completed;
			double peakHeap;
			try (HeapMonitor heap = new HeapMonitor()) {
				started = pgroll.start(Database.migration("02_retype", Tables.RETYPE));
				completed = pgroll.complete();
				peakHeap = heap.peakLiveMiB();
			}
			if (started.backfilledRows() != rows) {
				throw new IllegalStateException("backfilled " + started.backfilledRows() + " of " + rows + " rows");
			}
			double start = started.duration().toNanos() / 1e9;
			double complete = completed.duration().toNanos() / 1e9;
			return new Figures(rows, rows / (start + complete), rows / raw, start, complete, peakHeap);
		}
		finally {
			database.unwrap().drop();
		}
	}

}
