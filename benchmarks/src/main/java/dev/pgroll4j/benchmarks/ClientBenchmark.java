package dev.pgroll4j.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.Arrays;
import java.util.SplittableRandom;

import dev.pgroll4j.core.Pgroll;
import dev.pgroll4j.test.PostgresServer;

/**
 * Benchmarks 2 and 3: what clients pay. Writes while a migration is active (its triggers installed) beside the
 * same writes on an identical table without triggers; point reads through a version view beside the same reads of
 * the table itself.
 */
final class ClientBenchmark {

	/** What one run measured; latencies in microseconds. */
	record Figures(long rows, double bulkRowsPerSecondWithTriggers, double bulkRowsPerSecondRaw,
			Latency updateWithTriggers, Latency updateRaw, Latency insertWithTriggers, Latency insertRaw,
			double viewReadsPerSecond, double tableReadsPerSecond) {
	}

	record Latency(double p50, double p99) {

		static Latency of(long[] nanos) {
			long[] sorted = nanos.clone();
			Arrays.sort(sorted);
			return new Latency(sorted[sorted.length / 2] / 1e3, sorted[(int) (sorted.length * 0.99)] / 1e3);
		}

	}

	private static final int SINGLE_ROW_STATEMENTS = 5_000;

	private static final int READ_BLOCKS = 41;

	private static final int READS_PER_BLOCK = 2_000;

	private ClientBenchmark() {
	}

	static Figures run(PostgresServer server, long rows) throws SQLException {
		Database database = new Database(server.createDatabase("bench_clients"));
		try {
			Pgroll pgroll = Tables.load(database, rows, 1000);
			pgroll.start(Database.migration("02_retype", Tables.RETYPE));
			database.execute("VACUUM ANALYZE app.events", "CHECKPOINT");
			String oldVersion = Database.SCHEMA + "_01_create";

			// The same table through the same view, with the migration's triggers and with them disabled: the
			// difference is the triggers alone, not the extra columns the migration added. Best of three rounds each,
			// alternating, each on a freshly vacuumed table.
			double withTriggers = Double.MAX_VALUE;
			double raw = Double.MAX_VALUE;
			for (int round = 0; round < 3; round++) {
				database.execute("ALTER TABLE app.events DISABLE TRIGGER USER");
				raw = Math.min(raw, bulkUpdate(database, oldVersion));
				database.execute("ALTER TABLE app.events ENABLE TRIGGER USER", "VACUUM app.events", "CHECKPOINT");
				withTriggers = Math.min(withTriggers, bulkUpdate(database, oldVersion));
				database.execute("VACUUM app.events", "CHECKPOINT");
			}

			long[] updateTriggers = new long[SINGLE_ROW_STATEMENTS];
			long[] updateRaw = new long[SINGLE_ROW_STATEMENTS];
			long[] insertTriggers = new long[SINGLE_ROW_STATEMENTS];
			long[] insertRaw = new long[SINGLE_ROW_STATEMENTS];
			try (Connection versioned = database.connect(oldVersion); Connection plain = database.connect("raw");
					PreparedStatement updateV = versioned.prepareStatement("UPDATE events SET name = ? WHERE id = ?");
					PreparedStatement updateP = plain.prepareStatement("UPDATE events SET name = ? WHERE id = ?");
					PreparedStatement insertV = versioned
						.prepareStatement("INSERT INTO events (id, name, created_at) VALUES (?, ?, ?)");
					PreparedStatement insertP = plain
						.prepareStatement("INSERT INTO events (id, name, created_at) VALUES (?, ?, ?)")) {
				SplittableRandom random = new SplittableRandom(42);
				Timestamp now = new Timestamp(System.currentTimeMillis());
				// Interleaved statement by statement, so drift on the machine hits both sides alike.
				for (int i = 0; i < SINGLE_ROW_STATEMENTS; i++) {
					long id = 1 + random.nextLong(rows);
					updateRaw[i] = write(updateP, "single " + i, id, null);
					updateTriggers[i] = write(updateV, "single " + i, id, null);
					insertRaw[i] = write(insertP, "new " + i, rows + 1 + i, now);
					insertTriggers[i] = write(insertV, "new " + i, rows + 1 + i, now);
				}
			}

			pgroll.complete();
			database.execute("VACUUM ANALYZE app.events");
			String version = Database.SCHEMA + "_02_retype";
			long[] viewNanos = new long[READ_BLOCKS];
			long[] tableNanos = new long[READ_BLOCKS];
			try (Connection viewClient = database.connect(version); Connection tableClient = database.connect("app");
					PreparedStatement view = viewClient
						.prepareStatement("SELECT id, name, created_at FROM events WHERE id = ?");
					PreparedStatement table = tableClient
						.prepareStatement("SELECT id, name, created_at FROM events WHERE id = ?")) {
				SplittableRandom random = new SplittableRandom(7);
				for (int block = 0; block < READ_BLOCKS + 2; block++) {
					// Both read the same keys; which goes first alternates, so cache warming favours neither.
					long[] keys = random.longs(READS_PER_BLOCK, 1, rows + 1).toArray();
					long viewBlock;
					long tableBlock;
					if (block % 2 == 0) {
						viewBlock = reads(view, keys);
						tableBlock = reads(table, keys);
					}
					else {
						tableBlock = reads(table, keys);
						viewBlock = reads(view, keys);
					}
					// The first two blocks warm the caches and the server-side prepared statements.
					if (block >= 2) {
						viewNanos[block - 2] = viewBlock;
						tableNanos[block - 2] = tableBlock;
					}
				}
			}
			// Medians of the blocks: a block that met a checkpoint or a GC pause does not decide the figure.
			return new Figures(rows, rows / withTriggers, rows / raw, Latency.of(updateTriggers),
					Latency.of(updateRaw), Latency.of(insertTriggers), Latency.of(insertRaw),
					READS_PER_BLOCK / (median(viewNanos) / 1e9), READS_PER_BLOCK / (median(tableNanos) / 1e9));
		}
		finally {
			database.unwrap().drop();
		}
	}

	private static long write(PreparedStatement statement, String name, long id, Timestamp createdAt)
			throws SQLException {
		long started = System.nanoTime();
		if (createdAt == null) {
			statement.setString(1, name);
			statement.setLong(2, id);
		}
		else {
			statement.setLong(1, id);
			statement.setString(2, name);
			statement.setTimestamp(3, createdAt);
		}
		if (statement.executeUpdate() != 1) {
			throw new IllegalStateException("a single-row write changed no row");
		}
		return System.nanoTime() - started;
	}

	/** Seconds of one UPDATE of every row by an old-version client. */
	private static double bulkUpdate(Database database, String version) throws SQLException {
		try (Connection client = database.connect(version); Statement statement = client.createStatement()) {
			long started = System.nanoTime();
			statement.executeUpdate("UPDATE events SET name = name || '.'");
			return Database.seconds(started);
		}
	}

	private static double median(long[] values) {
		long[] sorted = values.clone();
		java.util.Arrays.sort(sorted);
		return sorted[sorted.length / 2];
	}

	private static long reads(PreparedStatement statement, long[] keys) throws SQLException {
		long started = System.nanoTime();
		for (long key : keys) {
			statement.setLong(1, key);
			try (ResultSet rs = statement.executeQuery()) {
				if (!rs.next()) {
					throw new IllegalStateException("a point read found no row");
				}
			}
		}
		return System.nanoTime() - started;
	}

}
