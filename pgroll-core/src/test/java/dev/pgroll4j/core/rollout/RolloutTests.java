package dev.pgroll4j.core.rollout;

import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.pgroll4j.core.CompleteResult;
import dev.pgroll4j.core.MigrateOptions;
import dev.pgroll4j.core.MigrateResult;
import dev.pgroll4j.core.MigrationRecord;
import dev.pgroll4j.core.MigrationStateException;
import dev.pgroll4j.core.MigrationStatus;
import dev.pgroll4j.core.MigrationValidationException;
import dev.pgroll4j.core.Pgroll;
import dev.pgroll4j.core.RollbackResult;
import dev.pgroll4j.core.StartResult;
import dev.pgroll4j.core.migration.Migration;
import dev.pgroll4j.core.testing.MigrationLifecycle;
import dev.pgroll4j.core.testing.SchemaVersion;
import dev.pgroll4j.test.CatalogSnapshot;
import dev.pgroll4j.test.PostgresTest;
import dev.pgroll4j.test.TestDatabase;

import static dev.pgroll4j.core.testing.TwoReleases.RELEASE_1;
import static dev.pgroll4j.core.testing.TwoReleases.RELEASE_2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A release that ships several migrations rolls them out as one: the running release's version schema serves
 * throughout, the migrations build on each other, and one complete or one rollback acts on all of them.
 */
@PostgresTest
@Tag("operations")
class RolloutTests {

	@Test
	void runningReleaseServesWithoutAFailedStatementWhileTheNextReleasesMigrationsStartAndAfterOneComplete(
			TestDatabase database) throws Exception {
		Rig rig = new Rig(database);
		try (Traffic traffic = rig.release1Traffic()) {
			StartResult started = rig.pgroll.start(RELEASE_2);
			assertThat(started.migrations()).containsExactly("r2_01_sku", "r2_02_rename", "r2_03_retype", "r2_04_drop",
					"r2_05_check");
			assertThat(started.versionSchema()).isEqualTo(rig.schema + "_r2_05_check");
			traffic.keepGoingFor(300);
			rig.checkBothReleasesServe();
			assertThat(traffic.stop()).as("release 1 statements that failed").isEmpty();
			assertThat(traffic.statements()).isGreaterThan(20);
		}

		MigrationStatus status = rig.pgroll.status();
		assertThat(status.state()).isEqualTo(MigrationStatus.State.IN_PROGRESS);
		assertThat(status.rollout()).extracting(MigrationRecord::name)
			.containsExactly("r2_01_sku", "r2_02_rename", "r2_03_retype", "r2_04_drop", "r2_05_check");
		assertThat(status.rollout()).extracting(MigrationRecord::rollout).containsOnly("r2_01_sku");
		assertThat(status.activeMigration().name()).isEqualTo("r2_05_check");
		assertThat(status.previousVersionSchema()).isEqualTo(rig.schema + "_r1_01_items");
		assertThat(status.latestVersionSchema()).isEqualTo(rig.schema + "_r2_05_check");
		// Nobody ships the versions in between, so they get no version schema.
		assertThat(rig.versionSchemas()).containsExactly(rig.schema + "_r1_01_items", rig.schema + "_r2_05_check");

		CompleteResult completed = rig.pgroll.complete();
		assertThat(completed.migrations()).containsExactly("r2_01_sku", "r2_02_rename", "r2_03_retype", "r2_04_drop",
				"r2_05_check");
		assertThat(completed.droppedVersionSchema()).isEqualTo(rig.schema + "_r1_01_items");
		assertThat(rig.versionSchemas()).containsExactly(rig.schema + "_r2_05_check");
		SchemaVersion physical = rig.version(rig.schema);
		// The check's column was copied, so the table's own order differs; the version schema keeps the release's.
		assertThat(physical.columns("items")).containsExactlyInAnyOrder("id", "name", "price", "code");
		assertThat(rig.version(rig.schema + "_r2_05_check").columns("items")).containsExactly("id", "name", "price",
				"code");
		assertThat(physical.value("SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
				+ "WHERE attrelid = 'items'::regclass AND attname = 'code'")).isEqualTo("character varying(40)");
		assertThat(physical.value("SELECT attnotnull FROM pg_attribute "
				+ "WHERE attrelid = 'items'::regclass AND attname = 'code'")).isEqualTo(true);
		assertThat(physical.constraintValidity("items")).contains("name_length c valid");
		assertThat(physical.value("SELECT count(*) FROM items WHERE code IS NULL")).isEqualTo(0L);
		// Row 407's code was written through release 2; every other row kept the value computed from release 1's.
		assertThat(physical.value("SELECT count(*) FROM items WHERE id < 1000000 AND id <> 407 "
				+ "AND code IS DISTINCT FROM 'SKU-' || id")).isEqualTo(0L);
		assertThat(rig.pgroll.history()).extracting(MigrationRecord::done).containsOnly(true);
		assertThat(rig.pgroll.history()).extracting(MigrationRecord::name).containsExactly("r1_01_items",
				"r2_01_sku", "r2_02_rename", "r2_03_retype", "r2_04_drop", "r2_05_check");
		SchemaVersion release2 = rig.version(rig.schema + "_r2_05_check");
		release2.execute("INSERT INTO items (id, name, code) VALUES (3000000, 'after', 'X-1')");
		release2.assertFails("23514", "INSERT INTO items (id, name, code) VALUES (3000001, repeat('n', 21), 'X-2')");
	}

	@Test
	void oneRollbackUndoesEveryMigrationOfTheRolloutAndLeavesTheCatalogAsBefore(TestDatabase database)
			throws Exception {
		Rig rig = new Rig(database);
		CatalogSnapshot before = database.catalogSnapshot();
		try (Traffic traffic = rig.release1Traffic()) {
			rig.pgroll.start(RELEASE_2);
			rig.checkBothReleasesServe();
			traffic.keepGoingFor(200);
			RollbackResult rolledBack = rig.pgroll.rollback();
			assertThat(rolledBack.migrations()).containsExactly("r2_01_sku", "r2_02_rename", "r2_03_retype",
					"r2_04_drop", "r2_05_check");
			traffic.keepGoingFor(200);
			assertThat(traffic.stop()).as("release 1 statements that failed").isEmpty();
		}
		// Rows differ (the traffic wrote some); everything else is as before release 2.
		database.execute("DELETE FROM " + rig.schema + ".items WHERE id >= 1000000");
		database.execute("DELETE FROM " + rig.schema + ".items WHERE id BETWEEN 2000000 AND 2999999");
		database.execute("ANALYZE");
		assertThat(before.diff(database.catalogSnapshot())).isEmpty();
		assertThat(rig.pgroll.history()).extracting(MigrationRecord::name).containsExactly("r1_01_items");
		assertThat(rig.pgroll.status().rollout()).isEmpty();
	}

	@Test
	void migrateStartsEveryPendingMigrationAsOneRolloutAndCompletesItBeforeTheNextRelease(TestDatabase database) {
		Rig rig = new Rig(database);
		List<Migration> release2 = new ArrayList<>(List.of(RELEASE_1));
		release2.addAll(RELEASE_2);

		MigrateResult migrated = rig.pgroll.migrate(release2, MigrateOptions.defaults());
		assertThat(migrated.outcome()).isEqualTo(MigrateResult.Outcome.MIGRATED);
		assertThat(migrated.started()).hasSize(5);
		assertThat(migrated.completed()).isEmpty();
		assertThat(rig.versionSchemas()).containsExactly(rig.schema + "_r1_01_items", rig.schema + "_r2_05_check");
		rig.checkBothReleasesServe();
		// Another instance of release 2 finds the work done; one of release 1 keeps its version.
		assertThat(rig.pgroll.migrate(release2, MigrateOptions.defaults()).outcome())
			.isEqualTo(MigrateResult.Outcome.UP_TO_DATE);
		assertThat(rig.pgroll.migrate(List.of(RELEASE_1), MigrateOptions.defaults()).outcome())
			.isEqualTo(MigrateResult.Outcome.DATABASE_AHEAD);

		List<Migration> release3 = new ArrayList<>(release2);
		release3.add(MigrationLifecycle.yaml("r3_01_index", """
				operations:
				  - create_index: {table: items, name: items_code, columns: [{column: code}]}
				"""));
		MigrateResult next = rig.pgroll.migrate(release3, MigrateOptions.defaults());
		assertThat(next.completed()).containsExactly("r2_01_sku", "r2_02_rename", "r2_03_retype", "r2_04_drop",
				"r2_05_check");
		assertThat(next.started()).containsExactly("r3_01_index");
		assertThat(rig.versionSchemas()).containsExactly(rig.schema + "_r2_05_check", rig.schema + "_r3_01_index");
	}

	@Test
	void aSqlMigrationWithoutOnCompleteCannotShareARolloutAndNothingRuns(TestDatabase database) {
		Rig rig = new Rig(database);
		CatalogSnapshot before = database.catalogSnapshot();
		Migration sql = MigrationLifecycle.yaml("r2_02_sql", """
				operations:
				  - sql: {up: "CREATE TABLE notes (id int)", down: "DROP TABLE notes"}
				""");
		assertThatExceptionOfType(MigrationValidationException.class)
			.isThrownBy(() -> rig.pgroll.start(List.of(RELEASE_2.get(0), sql)))
			.withMessageContaining("r2_02_sql.yaml")
			.withMessageContaining("must roll out alone");
		assertThatExceptionOfType(MigrationStateException.class)
			.isThrownBy(() -> rig.pgroll.migrate(List.of(RELEASE_1, RELEASE_2.get(0), sql), MigrateOptions.defaults()))
			.withMessageContaining("r2_02_sql.yaml")
			.withMessageContaining("must roll out alone");
		assertThat(before.diff(database.catalogSnapshot())).isEmpty();
	}

	/** Release 1 started and completed in a schema of its own, with rows, and an engine that knows every file. */
	private static final class Rig {

		private static final AtomicInteger counter = new AtomicInteger();

		final TestDatabase database;

		final String schema;

		final Pgroll pgroll;

		Rig(TestDatabase database) {
			this.database = database;
			this.schema = "rollout" + counter.incrementAndGet();
			List<Migration> files = new ArrayList<>(List.of(RELEASE_1));
			files.addAll(RELEASE_2);
			this.pgroll = Pgroll.configure().dataSource(database.dataSource()).schema(this.schema).migrations(files)
				.load();
			this.pgroll.start(RELEASE_1);
			this.pgroll.complete();
			version(this.schema + "_r1_01_items").execute("INSERT INTO items SELECT g, 'item ' || g, g::text, "
					+ "'old ' || g FROM generate_series(1, 500) g");
		}

		SchemaVersion version(String searchPath) {
			return MigrationLifecycle.in(this.database).version(searchPath);
		}

		List<String> versionSchemas() {
			return this.database.queryForList("SELECT nspname FROM pg_namespace WHERE nspname LIKE ? ORDER BY 1",
					this.schema + "\\_%").stream().map((row) -> (String) row.get("nspname")).toList();
		}

		/** Rows written through either release read correctly through the other. */
		void checkBothReleasesServe() {
			SchemaVersion release1 = version(this.schema + "_r1_01_items");
			SchemaVersion release2 = version(this.schema + "_r2_05_check");
			assertThat(release1.columns("items")).containsExactly("id", "name", "price", "legacy");
			assertThat(release2.columns("items")).containsExactly("id", "name", "price", "code");
			assertThat(release2.value("SELECT code FROM items WHERE id = 407")).isEqualTo("SKU-407");
			assertThat(release2.value("SELECT count(*) FROM items WHERE code IS DISTINCT FROM 'SKU-' || id "
					+ "AND id < 1000000")).isEqualTo(0L);
			release1.execute("INSERT INTO items VALUES (2000001, 'a name much longer than twenty', '9', 'old')");
			assertThat(release2.value("SELECT code FROM items WHERE id = 2000001")).isEqualTo("SKU-2000001");
			assertThat(release2.value("SELECT name FROM items WHERE id = 2000001")).isEqualTo("a name much longer t");
			release2.execute("INSERT INTO items (id, name, price, code) VALUES (2000002, 'new', '3', 'C-2')");
			assertThat(release1.value("SELECT legacy FROM items WHERE id = 2000002")).isEqualTo("legacy-C-2");
			release2.execute("UPDATE items SET code = 'C-407' WHERE id = 407");
			assertThat(release1.value("SELECT legacy FROM items WHERE id = 407")).isEqualTo("legacy-C-407");
			release1.execute("UPDATE items SET price = '42' WHERE id = 408");
			assertThat(release2.value("SELECT price FROM items WHERE id = 408")).isEqualTo("42");
			assertThat(release2.value("SELECT code FROM items WHERE id = 408")).isEqualTo("SKU-408");
		}

		Traffic release1Traffic() {
			return new Traffic(this.database, this.schema + "_r1_01_items");
		}

	}

	/**
	 * Release 1's clients: inserts, updates (of rows 1 to 400; the checks write the others) and reads through its
	 * version schema on one connection, in a loop.
	 */
	private static final class Traffic implements AutoCloseable {

		private final AtomicBoolean running = new AtomicBoolean(true);

		private final AtomicInteger statements = new AtomicInteger();

		private final List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();

		private final AtomicReference<Thread> thread = new AtomicReference<>();

		Traffic(TestDatabase database, String versionSchema) {
			Thread worker = new Thread(() -> {
				try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
					statement.execute("SET search_path TO " + versionSchema);
					for (int i = 1000000; this.running.get(); i++) {
						try {
							statement.execute("INSERT INTO items VALUES (" + i + ", 'n" + i + "', '1', 'l" + i + "')");
							statement.execute("UPDATE items SET price = '" + i + "', legacy = 'u" + i + "' WHERE id = "
									+ (1 + i % 400));
							statement.executeQuery("SELECT id, name, price, legacy FROM items WHERE id = " + i).close();
							this.statements.addAndGet(3);
						}
						catch (java.sql.SQLException ex) {
							this.failures.add(ex.getSQLState() + " " + ex.getMessage());
						}
					}
				}
				catch (java.sql.SQLException ex) {
					this.failures.add("connection: " + ex.getMessage());
				}
			}, "release-1-traffic");
			worker.start();
			this.thread.set(worker);
		}

		void keepGoingFor(long millis) throws InterruptedException {
			Thread.sleep(millis);
		}

		int statements() {
			return this.statements.get();
		}

		List<String> stop() throws InterruptedException {
			this.running.set(false);
			this.thread.get().join(30_000);
			return List.copyOf(this.failures);
		}

		@Override
		public void close() throws InterruptedException {
			stop();
		}

	}

}
