package dev.pgroll4j.core.faults;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.pgroll4j.core.MigrateOptions;
import dev.pgroll4j.core.MigrationStateException;
import dev.pgroll4j.core.MigrationStatus;
import dev.pgroll4j.core.Pgroll;
import dev.pgroll4j.core.RollbackResult;
import dev.pgroll4j.core.StartResult;
import dev.pgroll4j.core.migration.Migration;
import dev.pgroll4j.core.migration.MigrationParser;
import dev.pgroll4j.test.CatalogSnapshot;
import dev.pgroll4j.test.PostgresTest;
import dev.pgroll4j.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The migrating connection is killed after each statement of a start and of a complete, in turn. Whatever the
 * moment, the next call (repair, or migrate as an application start-up does) leaves the database either exactly
 * as before the start or fully started (or completed), never in between, and no row is lost.
 */
@PostgresTest
@Tag("reliability")
class FaultInjectionTests {

	static final String SCHEMA = "shop";

	private static final Migration SETUP = MigrationParser.parse("01_setup.yaml", """
			operations:
			  - sql:
			      up: |
			        CREATE TABLE customers (id integer PRIMARY KEY, name text NOT NULL);
			        CREATE TABLE orders (id integer PRIMARY KEY, customer_id integer REFERENCES customers (id),
			                             amount text NOT NULL, note text);
			        CREATE INDEX orders_customer ON orders (customer_id);
			        INSERT INTO customers SELECT g, 'c' || g FROM generate_series(1, 50) g;
			        INSERT INTO orders SELECT g, 1 + g % 50, (g * 3)::text, NULL FROM generate_series(1, 3000) g;
			      down: DROP TABLE orders; DROP TABLE customers
			""");

	/** Phase A DDL, a concurrent index, a duplicated column with its FK and index, a backfill and validations. */
	static final Migration CHANGE = MigrationParser.parse("02_change.yaml", """
			operations:
			  - alter_column:
			      table: orders
			      column: amount
			      type: integer
			      up: CAST(amount AS integer)
			      down: CAST(amount AS text)
			  - add_column:
			      table: orders
			      up: "'order ' || id"
			      column: {name: label, type: text}
			  - create_index:
			      name: orders_label
			      table: orders
			      columns: [{column: label}]
			""");

	@Test
	void killingTheConnectionAfterAnyStatementOfStartLeavesNothingHalfDone(TestDatabase server) {
		TestDatabase database = server.createSibling("start");
		Pgroll pgroll = pgroll(database.dataSource());
		pgroll.start(SETUP);
		pgroll.complete();
		CatalogSnapshot before = database.catalogSnapshot();
		String rows = rows(database);

		KillingDataSource counting = new KillingDataSource(database.dataSource(), database.dataSource(), 0);
		pgroll(counting).start(CHANGE);
		int statements = counting.executed();
		List<Integer> killPoints = KillingDataSource.killPoints(counting.statements());
		CatalogSnapshot started = database.catalogSnapshot();
		pgroll.rollback();
		assertThat(before.diff(database.catalogSnapshot())).isEmpty();

		List<String> outcomes = new ArrayList<>();
		for (int kill : killPoints) {
			KillingDataSource killing = new KillingDataSource(database.dataSource(), database.dataSource(), kill);
			try {
				pgroll(killing).start(CHANGE);
			}
			catch (RuntimeException expected) {
				// The session died; what matters is what the next call finds.
			}
			pgroll.repair();
			MigrationStatus status = pgroll.status();
			CatalogSnapshot after = database.catalogSnapshot();
			if (status.activeMigration() == null) {
				assertThat(before.diff(after)).as("after killing statement %d of %d", kill, statements).isEmpty();
				outcomes.add("before");
			}
			else {
				assertThat(differences(started, after)).as("after killing statement %d of %d", kill, statements)
					.isEmpty();
				outcomes.add("started");
				pgroll.rollback();
			}
			assertThat(rows(database)).as("rows after killing statement %d", kill).isEqualTo(rows);
		}
		System.out.printf("start killed after %d of its %d statements: %d ended as before, %d fully started%n",
				killPoints.size(), statements, outcomes.stream().filter("before"::equals).count(),
				outcomes.stream().filter("started"::equals).count());
		assertThat(outcomes).contains("before", "started");
		pgroll.start(CHANGE);
		pgroll.complete();
	}

	@Test
	void killingTheConnectionAfterAnyStatementOfCompleteLeavesItDoneOrNotDone(TestDatabase server) {
		TestDatabase database = server.createSibling("complete");
		Pgroll reference = pgroll(database.dataSource());
		reference.start(SETUP);
		reference.complete();
		reference.start(CHANGE);
		CatalogSnapshot started = database.catalogSnapshot();
		KillingDataSource counting = new KillingDataSource(database.dataSource(), database.dataSource(), 0);
		pgroll(counting).complete();
		int statements = counting.executed();
		List<Integer> killPoints = KillingDataSource.killPoints(counting.statements());
		CatalogSnapshot completed = database.catalogSnapshot();
		String rows = rows(database);

		int done = 0;
		for (int kill : killPoints) {
			TestDatabase copy = database.createSibling("complete" + kill);
			Pgroll pgroll = pgroll(copy.dataSource());
			pgroll.start(SETUP);
			pgroll.complete();
			pgroll.start(CHANGE);
			try {
				pgroll(new KillingDataSource(copy.dataSource(), copy.dataSource(), kill)).complete();
			}
			catch (RuntimeException expected) {
				// Complete runs in one transaction: it either committed or it did not.
			}
			boolean finished = pgroll.status().activeMigration() == null;
			assertThat(differences(finished ? completed : started, copy.catalogSnapshot()))
				.as("after killing statement %d of %d of complete", kill, statements)
				.isEmpty();
			if (finished) {
				done++;
			}
			else {
				pgroll.complete();
				assertThat(completed.diff(copy.catalogSnapshot())).isEmpty();
			}
			assertThat(rows(copy)).isEqualTo(rows);
			copy.drop();
		}
		System.out.printf("complete killed after %d of its %d statements: %d had committed, %d completed on retry%n",
				killPoints.size(), statements, done, killPoints.size() - done);
	}

	@Test
	void anApplicationStartingAfterACrashedStartRepairsAndStartsAgain(TestDatabase server) {
		TestDatabase database = server.createSibling("crashed");
		Pgroll pgroll = pgroll(database.dataSource());
		pgroll.migrate(List.of(SETUP), MigrateOptions.defaults().withCompleteLast(true));
		// Kill during the backfill: the start transaction has committed, the start has not finished.
		KillingDataSource counting = new KillingDataSource(database.dataSource(), database.dataSource(), 0);
		pgroll(counting).start(CHANGE);
		int statements = counting.executed();
		pgroll.rollback();
		try {
			pgroll(new KillingDataSource(database.dataSource(), database.dataSource(), statements - 3)).start(CHANGE);
		}
		catch (RuntimeException expected) {
			// As if the process had died.
		}
		assertThat(pgroll.status().activeMigration().startFinished()).as("the half-done start is still recorded")
			.isFalse();
		assertThatExceptionOfType(MigrationStateException.class).isThrownBy(pgroll::complete)
			.withMessageContaining("cannot complete migration \"02_change\": its start did not finish");
		var result = pgroll.migrate(List.of(SETUP, CHANGE), MigrateOptions.defaults());
		assertThat(result.started()).containsExactly("02_change");
		assertThat(database.queryForLong("SELECT count(*) FROM shop_02_change.orders WHERE label IS NULL")).isZero();
	}

	@Test
	void killingTheMigratingJvmMidBackfillIsRepairedByTheNextStartUp(TestDatabase server) throws Exception {
		TestDatabase database = server.createSibling("jvm");
		Pgroll pgroll = pgroll(database.dataSource());
		pgroll.migrate(List.of(SETUP), MigrateOptions.defaults().withCompleteLast(true));
		CatalogSnapshot before = database.catalogSnapshot();
		String rows = rows(database);

		Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
				System.getProperty("java.class.path"), MigratingProcess.class.getName(), database.jdbcUrl(),
				database.user(), database.password())
			.redirectErrorStream(true)
			.start();
		String line;
		try (BufferedReader output = new BufferedReader(new InputStreamReader(child.getInputStream()))) {
			while ((line = output.readLine()) != null && !line.startsWith(MigratingProcess.BACKFILLING)) {
				// start-up and DDL log lines
			}
			assertThat(line).as("the child reached the backfill").isNotNull();
			child.destroyForcibly();
			assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
		}
		System.out.println("killed the migrating JVM at: " + line);
		assertThat(pgroll.status().activeMigration().startFinished()).isFalse();
		assertThat(database.queryForLong("SELECT count(*) FROM shop.orders WHERE _pgroll_needs_backfill"))
			.as("rows still waiting for the backfill").isPositive();

		// The next application start-up: it sees the dead start, rolls it back, and starts the migration again.
		assertThat(pgroll.repair()).map(RollbackResult::migration).contains("02_change");
		assertThat(before.diff(database.catalogSnapshot())).isEmpty();
		assertThat(rows(database)).isEqualTo(rows);
		assertThat(pgroll.migrate(List.of(SETUP, CHANGE), MigrateOptions.defaults()).started())
			.containsExactly("02_change");
		assertThat(database.queryForLong("SELECT count(*) FROM shop_02_change.orders WHERE label IS NULL")).isZero();
	}

	@Test
	void repairWaitsForAStartThatIsStillRunningAndLeavesItAlone(TestDatabase server) throws Exception {
		TestDatabase database = server.createSibling("running");
		Pgroll pgroll = pgroll(database.dataSource());
		pgroll.start(SETUP);
		pgroll.complete();
		Pgroll slow = Pgroll.configure().dataSource(database.dataSource()).schema(SCHEMA).backfillBatchSize(100)
			.backfillBatchDelay(Duration.ofMillis(50)).load();
		CompletableFuture<StartResult> starting = CompletableFuture.supplyAsync(() -> slow.start(CHANGE));
		while (pgroll.status().activeMigration() == null) {
			Thread.sleep(20);
		}
		assertThat(pgroll.status().activeMigration().startFinished()).as("backfilling").isFalse();
		assertThat(pgroll.repair()).isEmpty();
		assertThat(starting.get(60, TimeUnit.SECONDS).backfilledRows()).isGreaterThan(0);
		assertThat(pgroll.status().activeMigration().startFinished()).isTrue();
		pgroll.complete();
	}

	/** An engine that knows the files, as every instance of an application does; the one that started may be gone. */
	private static Pgroll pgroll(DataSource dataSource) {
		return Pgroll.configure().dataSource(dataSource).schema(SCHEMA).backfillBatchSize(500)
			.migrations(List.of(SETUP, CHANGE)).load();
	}

	/** Every row's content, through the physical tables, as one string. */
	private static String rows(TestDatabase database) {
		return database.queryForString("SELECT md5(string_agg(id || ':' || customer_id || ':' || amount::text, ',' "
				+ "ORDER BY id)) || '/' || (SELECT md5(string_agg(id || name, ',' ORDER BY id)) FROM shop.customers) "
				+ "FROM shop.orders");
	}

	/**
	 * Catalog differences, except the one every start makes on purpose: the hash of its random backfill token in
	 * the sync trigger's condition.
	 */
	static List<String> differences(CatalogSnapshot expected, CatalogSnapshot actual) {
		List<String> differences = new ArrayList<>();
		for (String line : expected.diff(actual)) {
			differences.add(line.replaceAll("decode\\('[0-9a-f]{64}'", "decode('<token hash>'"));
		}
		List<String> unmatched = new ArrayList<>(differences);
		for (String line : differences) {
			if (line.startsWith("-") && unmatched.contains("+" + line.substring(1))) {
				unmatched.remove(line);
				unmatched.remove("+" + line.substring(1));
			}
		}
		return unmatched;
	}

}
