package dev.pgroll4j.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.SplittableRandom;

import com.zaxxer.hikari.HikariDataSource;

import dev.pgroll4j.core.InstanceHeartbeat;
import dev.pgroll4j.core.InstanceRegistration;
import dev.pgroll4j.core.Pgroll;
import dev.pgroll4j.core.internal.state.InstanceRegistry;
import dev.pgroll4j.test.PostgresServer;
import dev.pgroll4j.test.TestDatabase;

/**
 * Benchmark 7: the instance registry's heartbeat. With {@value #LIVE} live instances of three version schemas in
 * the table and {@value #EXPIRED} expired rows, one heartbeat as {@link InstanceHeartbeat} runs it (the registry's
 * statement on a connection it keeps) beside {@code SELECT 1} on the same connection, interleaved; one
 * {@link Pgroll#heartbeat} through a connection pool; and point reads by key through a version view with and
 * without an {@link InstanceHeartbeat} beating every {@value #HEARTBEAT_INTERVAL_MILLIS} ms beside them.
 */
final class InstanceBenchmark {

	/** Live registered instances put into the table before measuring. */
	static final int LIVE = 50;

	/** Expired rows put into the table: half expired an hour ago, half two days ago (deleted at registration). */
	static final int EXPIRED = 20;

	static final int HEARTBEAT_INTERVAL_MILLIS = 10;

	private static final int WARM_UPS = 100;

	private static final int BEATS = 2_000;

	private static final int POOLED_BEATS = 1_000;

	private static final int ROWS = 10_000;

	/** Many short rounds, so that a burst of load on the machine falls on both sides alike. */
	private static final int READ_ROUNDS = 40;

	private static final int READS_PER_BLOCK = 500;

	/** The pause before each block of reads: a started heartbeat is past its first beat by then. */
	private static final long PAUSE_MILLIS = 3L * HEARTBEAT_INTERVAL_MILLIS;

	/**
	 * Latencies in microseconds.
	 * @param kept one heartbeat statement on a kept connection, as {@link InstanceHeartbeat} runs it
	 * @param select1 {@code SELECT 1} on the same connection, interleaved with the heartbeats
	 * @param pooled one {@link Pgroll#heartbeat} through a connection pool
	 * @param readsWithout point reads through the version view, no heartbeat running
	 * @param readsWith the same reads with an {@link InstanceHeartbeat} beating beside them
	 */
	record Figures(ClientBenchmark.Latency kept, ClientBenchmark.Latency select1, ClientBenchmark.Latency pooled,
			ClientBenchmark.Latency readsWithout, ClientBenchmark.Latency readsWith) {
	}

	private InstanceBenchmark() {
	}

	static Figures run(PostgresServer server) throws SQLException, InterruptedException {
		TestDatabase testDatabase = server.createDatabase("bench_instances");
		Database database = new Database(testDatabase);
		try (HikariDataSource pool = StatusBenchmark.pool(testDatabase)) {
			Tables.load(database, ROWS, 1000);
			Pgroll pgroll = Pgroll.configure().dataSource(pool).schema(Database.SCHEMA).load();
			// Two version schemas exist, as during a rollout; the instances use them and a third.
			pgroll.start(Database.migration("02_note", """
					operations:
					  - add_column:
					      table: events
					      column: {name: note, type: text, nullable: true}
					"""));
			String current = Database.SCHEMA + "_02_note";
			fill(database, Database.SCHEMA + "_01_create", current, Database.SCHEMA + "_03_next");

			InstanceRegistry registry = new InstanceRegistry("pgroll", Database.SCHEMA);
			long[] kept = new long[BEATS];
			long[] select1 = new long[BEATS];
			try (Connection connection = testDatabase.connect();
					PreparedStatement one = connection.prepareStatement("SELECT 1")) {
				InstanceRegistration measured = new InstanceRegistration("bench-kept", "bench", current,
						Duration.ofSeconds(15));
				// The first registration also deletes the rows that expired two days ago.
				if (!registry.beat(connection, measured)) {
					throw new IllegalStateException("the heartbeat did not find version schema " + current);
				}
				long rows = database.count("SELECT count(*) FROM pgroll.instances");
				if (rows != LIVE + EXPIRED / 2 + 1) {
					throw new IllegalStateException("the instances table holds " + rows + " rows");
				}
				for (int i = 0; i < WARM_UPS; i++) {
					registry.beat(connection, measured);
					selectOne(one);
				}
				// Interleaved, so drift on the machine hits both alike.
				for (int i = 0; i < BEATS; i++) {
					long started = System.nanoTime();
					registry.beat(connection, measured);
					kept[i] = System.nanoTime() - started;
					started = System.nanoTime();
					selectOne(one);
					select1[i] = System.nanoTime() - started;
				}
			}

			InstanceRegistration pooledInstance = new InstanceRegistration("bench-pooled", "bench", current,
					Duration.ofSeconds(15));
			long[] pooled = new long[POOLED_BEATS];
			for (int i = 0; i < WARM_UPS; i++) {
				pgroll.heartbeat(pooledInstance);
			}
			for (int i = 0; i < POOLED_BEATS; i++) {
				long started = System.nanoTime();
				pgroll.heartbeat(pooledInstance);
				pooled[i] = System.nanoTime() - started;
			}

			long[] without = new long[READ_ROUNDS * READS_PER_BLOCK];
			long[] with = new long[READ_ROUNDS * READS_PER_BLOCK];
			InstanceRegistration beside = new InstanceRegistration("bench-beside", "bench", current,
					Duration.ofSeconds(1));
			try (Connection client = database.connect(current);
					PreparedStatement read = client
						.prepareStatement("SELECT id, name, created_at FROM events WHERE id = ?")) {
				SplittableRandom random = new SplittableRandom(11);
				// Round 0 warms the caches and the server-side prepared statement; which side goes first alternates.
				for (int round = 0; round <= READ_ROUNDS; round++) {
					long[] keys = random.longs(READS_PER_BLOCK, 1, ROWS + 1).toArray();
					int offset = (round == 0) ? -1 : (round - 1) * READS_PER_BLOCK;
					if (round % 2 == 0) {
						readsAlone(read, keys, without, offset);
						readsBeside(pgroll, beside, database, read, keys, with, offset);
					}
					else {
						readsBeside(pgroll, beside, database, read, keys, with, offset);
						readsAlone(read, keys, without, offset);
					}
				}
			}
			return new Figures(ClientBenchmark.Latency.of(kept), ClientBenchmark.Latency.of(select1),
					ClientBenchmark.Latency.of(pooled), ClientBenchmark.Latency.of(without),
					ClientBenchmark.Latency.of(with));
		}
		finally {
			testDatabase.drop();
		}
	}

	/**
	 * Registered instances as a running fleet leaves them: {@value #LIVE} live ones spread over the version schemas
	 * (the first ones beat a second ago), {@value #EXPIRED} expired ones, half of those two days ago.
	 */
	static void fill(Database database, String... versionSchemas) {
		StringBuilder array = new StringBuilder("ARRAY[");
		for (int i = 0; i < versionSchemas.length; i++) {
			array.append((i > 0) ? ", " : "").append('\'').append(versionSchemas[i]).append('\'');
		}
		array.append("]::name[]");
		String columns = "INSERT INTO pgroll.instances (schema, id, host, version_schema, started_at, heartbeat_at, "
				+ "expires_at) SELECT '" + Database.SCHEMA + "', ";
		database.execute(columns + "'live-' || g, 'pod-' || g || ' pid 1', (" + array + ")[1 + g % "
				+ versionSchemas.length + "], now() - interval '1 hour', now() - interval '1 second', "
				+ "now() + interval '1 hour' FROM generate_series(1, " + LIVE + ") g",
				columns + "'gone-' || g, 'pod-old-' || g || ' pid 1', (" + array + ")[1 + g % "
						+ versionSchemas.length + "], now() - interval '3 days', now() - CASE WHEN g % 2 = 0 "
						+ "THEN interval '1 hour' ELSE interval '2 days' END, now() - CASE WHEN g % 2 = 0 THEN "
						+ "interval '1 hour' ELSE interval '2 days' END FROM generate_series(1, " + EXPIRED + ") g",
				"VACUUM ANALYZE pgroll.instances");
	}

	/** Reads the keys with an {@link InstanceHeartbeat} beating beside them, then stops it (it deregisters). */
	private static void readsBeside(Pgroll pgroll, InstanceRegistration beside, Database database,
			PreparedStatement read, long[] keys, long[] nanos, int offset) throws SQLException, InterruptedException {
		try (InstanceHeartbeat heartbeat = InstanceHeartbeat.start(pgroll, beside,
				Duration.ofMillis(HEARTBEAT_INTERVAL_MILLIS), InstanceHeartbeat.Listener.NONE, null)) {
			// Past its first beat, which takes the connection it keeps from the pool.
			Thread.sleep(PAUSE_MILLIS);
			reads(read, keys, nanos, offset);
			long ago = database.count("SELECT (extract(epoch FROM clock_timestamp() - heartbeat_at) * 1000)::bigint "
					+ "FROM pgroll.instances WHERE id = '" + beside.id() + "'");
			if (ago > 20L * HEARTBEAT_INTERVAL_MILLIS) {
				throw new IllegalStateException("the heartbeat beside the reads last beat " + ago + " ms ago");
			}
		}
	}

	/** Reads the keys after the same pause as {@link #readsBeside}, with no heartbeat running. */
	private static void readsAlone(PreparedStatement read, long[] keys, long[] nanos, int offset)
			throws SQLException, InterruptedException {
		Thread.sleep(PAUSE_MILLIS);
		reads(read, keys, nanos, offset);
	}

	/** Times each read into {@code nanos} from {@code offset}; a negative offset times nothing (warm-up). */
	private static void reads(PreparedStatement read, long[] keys, long[] nanos, int offset) throws SQLException {
		for (int i = 0; i < keys.length; i++) {
			long started = System.nanoTime();
			read.setLong(1, keys[i]);
			try (ResultSet rs = read.executeQuery()) {
				if (!rs.next()) {
					throw new IllegalStateException("a point read found no row");
				}
			}
			if (offset >= 0) {
				nanos[offset + i] = System.nanoTime() - started;
			}
		}
	}

	private static void selectOne(PreparedStatement one) throws SQLException {
		try (ResultSet rs = one.executeQuery()) {
			rs.next();
		}
	}

}
