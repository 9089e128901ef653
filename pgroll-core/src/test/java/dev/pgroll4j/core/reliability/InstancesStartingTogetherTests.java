package dev.pgroll4j.core.reliability;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.pgroll4j.core.MigrateOptions;
import dev.pgroll4j.core.MigrateResult;
import dev.pgroll4j.core.MigrationStatus;
import dev.pgroll4j.core.Pgroll;
import dev.pgroll4j.core.migration.Migration;
import dev.pgroll4j.core.migration.MigrationParser;
import dev.pgroll4j.test.PostgresTest;
import dev.pgroll4j.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Application instances started together, each in a JVM of its own, with a migration that builds an index on a
 * table large enough for the build to take a while: one migrates, the others wait for it and find the work done.
 * An instance waiting for the migration lock must not hold a snapshot, or the winner's concurrent index build waits
 * for it while it waits for the winner.
 */
@PostgresTest
@Tag("reliability")
class InstancesStartingTogetherTests {

	static final String SCHEMA = "race";

	private static final int INSTANCES = 6;

	private static final int ROWS = 500_000;

	private static final Migration SETUP = MigrationParser.parse("01_items.yaml", """
			operations:
			  - sql:
			      up: |
			        CREATE TABLE items (id integer PRIMARY KEY, label text NOT NULL);
			        INSERT INTO items SELECT g, md5(g::text) FROM generate_series(1, %d) g;
			      down: DROP TABLE items
			""".formatted(ROWS));

	private static final Migration INDEX = MigrationParser.parse("02_items_by_label.yaml", """
			operations:
			  - create_index:
			      name: items_by_label
			      table: items
			      columns: [{column: label}]
			""");

	/** What every instance ships: the first migration applied by an earlier release, the second new. */
	static final List<Migration> MIGRATIONS = List.of(SETUP, INDEX);

	@Test
	void sixInstancesStartingTogetherWithAnIndexBuildMigrateOnceAndNoneFails(TestDatabase database) throws Exception {
		Pgroll pgroll = Pgroll.configure().dataSource(database.dataSource()).schema(SCHEMA).load();
		pgroll.migrate(List.of(SETUP), MigrateOptions.defaults().withCompleteLast(true));

		List<Instance> instances = new ArrayList<>();
		CountDownLatch ready = new CountDownLatch(INSTANCES);
		try {
			for (int i = 0; i < INSTANCES; i++) {
				instances.add(Instance.launch(database, ready));
			}
			assertThat(ready.await(3, TimeUnit.MINUTES)).as("every instance loaded").isTrue();
			long released = System.nanoTime();
			instances.forEach(Instance::go);
			for (Instance instance : instances) {
				assertThat(instance.awaitEnd(Duration.ofMinutes(3))).as("instance ended").isTrue();
			}
			long raceMillis = Duration.ofNanos(System.nanoTime() - released).toMillis();
			instances.forEach((instance) -> System.out.println("instance: " + instance.outcomeLine()));

			List<Result> results = new ArrayList<>();
			for (Instance instance : instances) {
				assertThat(instance.process.exitValue()).as("instance failed:%n%s", instance.output()).isZero();
				results.add(instance.result());
			}
			Result winner = results.stream().filter((result) -> result.outcome() == MigrateResult.Outcome.MIGRATED)
				.findFirst()
				.orElseThrow(() -> new AssertionError("no instance migrated: " + results));
			List<Long> waited = results.stream()
				.filter((result) -> result != winner)
				.map(Result::migrateMillis)
				.sorted()
				.toList();
			System.out.printf("%d instances, index on %d rows: the winner migrated in %d ms (start %d ms, of which "
					+ "the index build %d ms); the others waited %s ms and found it done; %d ms from release to the "
					+ "last exit%n", INSTANCES, ROWS, winner.migrateMillis(), winner.startMillis(),
					winner.indexBuildMillis(), waited, raceMillis);

			assertThat(results).extracting(Result::outcome)
				.containsOnlyOnce(MigrateResult.Outcome.MIGRATED)
				.filteredOn((outcome) -> outcome == MigrateResult.Outcome.UP_TO_DATE)
				.hasSize(INSTANCES - 1);
			// A waiter follows the winner within a polling interval (and its own checks, slow on a loaded machine), not
			// after its lock wait of a minute.
			assertThat(waited).allSatisfy((millis) -> assertThat(millis).isLessThan(winner.migrateMillis() + 10_000));
		}
		finally {
			instances.forEach((instance) -> instance.process.destroyForcibly());
		}
		MigrationStatus status = pgroll.status();
		assertThat(status.activeMigration().name()).isEqualTo("02_items_by_label");
		assertThat(status.activeMigration().startFinished()).isTrue();
		assertThat(database.queryForString("SELECT indisvalid::text FROM pg_index WHERE indexrelid = "
				+ "'race.items_by_label'::regclass")).isEqualTo("true");
	}

	record Result(MigrateResult.Outcome outcome, long migrateMillis, long startMillis, long indexBuildMillis) {

		static Result parse(String line) {
			String[] parts = line.split(" ");
			return new Result(MigrateResult.Outcome.valueOf(parts[1]), Long.parseLong(parts[2]),
					Long.parseLong(parts[3]), Long.parseLong(parts[4]));
		}

	}

	/** One {@link StartingInstance} JVM and everything it printed. */
	private static final class Instance {

		private final Process process;

		private final List<String> lines = Collections.synchronizedList(new ArrayList<>());

		private Thread reader;

		private Instance(Process process) {
			this.process = process;
		}

		static Instance launch(TestDatabase database, CountDownLatch ready) throws IOException {
			Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
					"-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp",
					System.getProperty("java.class.path"), StartingInstance.class.getName(), database.jdbcUrl(),
					database.user(), database.password())
				.redirectErrorStream(true)
				.start();
			Instance instance = new Instance(process);
			instance.reader = new Thread(() -> instance.read(ready), "instance-output");
			instance.reader.setDaemon(true);
			instance.reader.start();
			return instance;
		}

		private void read(CountDownLatch ready) {
			try (BufferedReader output = new BufferedReader(
					new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
				String line;
				while ((line = output.readLine()) != null) {
					this.lines.add(line);
					if (line.equals(StartingInstance.READY)) {
						ready.countDown();
					}
				}
			}
			catch (IOException ex) {
				this.lines.add("(output lost: " + ex.getMessage() + ")");
			}
		}

		void go() {
			try {
				OutputStream input = this.process.getOutputStream();
				input.write('\n');
				input.flush();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		/** Whether the JVM ended in time; its output has been read in full then. */
		boolean awaitEnd(Duration timeout) throws InterruptedException {
			if (!this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				return false;
			}
			this.reader.join(10_000);
			return true;
		}

		/** Its result or failure line, else the last thing it said. */
		String outcomeLine() {
			synchronized (this.lines) {
				return this.lines.stream()
					.filter((line) -> line.startsWith(StartingInstance.RESULT + " ")
							|| line.startsWith(StartingInstance.FAILED + " "))
					.findFirst()
					.orElse(this.lines.isEmpty() ? "(no output)" : this.lines.get(this.lines.size() - 1));
			}
		}

		Result result() {
			return this.lines.stream()
				.filter((line) -> line.startsWith(StartingInstance.RESULT + " "))
				.findFirst()
				.map(Result::parse)
				.orElseThrow(() -> new AssertionError("no result from the instance:\n" + output()));
		}

		String output() {
			synchronized (this.lines) {
				return String.join("\n", this.lines);
			}
		}

	}

}
