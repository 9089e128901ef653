package dev.pgroll4j.spring.autoconfigure;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.pgroll4j.spring.testing.Applications;
import dev.pgroll4j.spring.testing.Http;
import dev.pgroll4j.test.CatalogSnapshot;
import dev.pgroll4j.test.PostgresTest;
import dev.pgroll4j.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A release that ships five migrations, each building on the ones before, rolls out under a running release as one
 * rollout: two real applications on one database, each using the starter's pinned data source, release 1 busy the
 * whole time. Release 1 must not see one failed statement, rows written through either release read correctly
 * through the other, and one complete or one rollback through the endpoint acts on all five migrations.
 */
@PostgresTest
@ExtendWith(OutputCaptureExtension.class)
class PgrollReleaseRolloutTests {

	private static final List<String> RELEASE_2_MIGRATIONS = List.of("02_add_sku", "03_rename_sku", "04_retype_code",
			"05_drop_legacy", "06_check_name");

	/** Rows release 1 has before release 2 arrives, so that release 2's start has rows to backfill. */
	private static final int SEED_ROWS = 2000;

	private static int schemas;

	private final Applications applications = new Applications(TestApplication.class);

	private String schema;

	@AfterEach
	void stopApplications() {
		this.applications.close();
	}

	@Test
	void releaseOneServesWithoutAFailedStatementWhileReleaseTwoRollsOutAndOneCompleteLeavesOnlyReleaseTwo(
			TestDatabase database, CapturedOutput output) throws Exception {
		ConfigurableApplicationContext releaseOne = startReleaseOne(database);
		ConfigurableApplicationContext releaseTwo;
		try (Traffic traffic = new Traffic(jdbc(releaseOne))) {
			releaseTwo = startReleaseTwoUnder(traffic, database);
			checkBothReleasesServe(jdbc(releaseOne), jdbc(releaseTwo));
			traffic.keepGoing();
			assertThat(traffic.stop()).as("failed statements of release 1").isEmpty();
		}
		checkTrafficReadsTheSameThroughBothReleases(jdbc(releaseOne), jdbc(releaseTwo));
		assertThat(output).contains("pgroll: started 5 migrations as one rollout " + RELEASE_2_MIGRATIONS
				+ ": version schema " + releaseTwoSchema() + " serves this release, " + releaseOneSchema()
				+ " stays for the running release until the rollout is completed or rolled back");
		checkBothEndpointsShowTheRollout(releaseOne, releaseTwo);

		// The rolling deployment is done: no instance of release 1 is left, so its version can go.
		releaseOne.close();
		HttpResponse<String> completed = Http.post(releaseTwo, "/actuator/pgroll/complete");
		assertThat(completed.statusCode()).as(completed.body()).isEqualTo(200);
		JsonNode complete = Http.json(completed);
		assertThat(strings(complete.path("migrations"))).isEqualTo(RELEASE_2_MIGRATIONS);
		assertThat(complete.path("migration").asString()).isEqualTo("06_check_name");
		assertThat(complete.path("droppedVersionSchema").asString()).isEqualTo(releaseOneSchema());
		assertThat(versionSchemas(database)).containsExactly(releaseTwoSchema());

		JdbcClient two = jdbc(releaseTwo);
		assertThat(two.sql("SELECT count(*) FROM items WHERE code IS NULL").query(Long.class).single()).isZero();
		two.sql("INSERT INTO items (id, name, code) VALUES (4000000, 'after', 'C-after')").update();
		assertThat(two.sql("SELECT code FROM items WHERE id = 4000000").query(String.class).single())
			.isEqualTo("C-after");
		assertThatExceptionOfType(DataAccessException.class).isThrownBy(
				() -> two.sql("INSERT INTO items (id, name, code) VALUES (4000001, ?, 'C')").param("n".repeat(21))
					.update());
		JsonNode status = Http.body(releaseTwo, "/actuator/pgroll");
		assertThat(status.path("state").asString()).isEqualTo("COMPLETE");
		assertThat(absent(status.path("rollout"))).as(status.toString()).isTrue();
		JsonNode health = Http.body(releaseTwo, "/actuator/health/pgroll");
		assertThat(health.path("status").asString()).isEqualTo("UP");
		assertThat(health.path("details").has("rollout")).isFalse();
	}

	@Test
	void oneRollbackThroughTheEndpointLeavesReleaseOneServingAndTheCatalogAsBeforeReleaseTwo(TestDatabase database)
			throws Exception {
		ConfigurableApplicationContext releaseOne = startReleaseOne(database);
		CatalogSnapshot before = database.catalogSnapshot();
		try (Traffic traffic = new Traffic(jdbc(releaseOne))) {
			ConfigurableApplicationContext releaseTwo = startReleaseTwoUnder(traffic, database);
			checkBothReleasesServe(jdbc(releaseOne), jdbc(releaseTwo));
			traffic.keepGoing();
			HttpResponse<String> rolledBack = Http.post(releaseTwo, "/actuator/pgroll/rollback");
			assertThat(rolledBack.statusCode()).as(rolledBack.body()).isEqualTo(200);
			JsonNode rollback = Http.json(rolledBack);
			assertThat(strings(rollback.path("migrations"))).isEqualTo(RELEASE_2_MIGRATIONS);
			assertThat(rollback.path("droppedVersionSchema").asString()).isEqualTo(releaseTwoSchema());
			int afterRollback = traffic.statements();
			traffic.keepGoing();
			assertThat(traffic.statements()).as("release 1's statements after the rollback")
				.isGreaterThan(afterRollback);
			assertThat(traffic.stop()).as("failed statements of release 1").isEmpty();
			HttpResponse<String> down = Http.get(releaseTwo, "/actuator/health/pgroll");
			assertThat(down.statusCode()).isEqualTo(503);
			assertThat(down.body()).contains(releaseTwoSchema() + " of this application does not exist");
			releaseTwo.close();
		}

		JdbcClient one = jdbc(releaseOne);
		one.sql("INSERT INTO items VALUES (4000000, 'a name longer than twenty', '5', 'kept')").update();
		assertThat(one.sql("SELECT name || ' ' || legacy FROM items WHERE id = 4000000").query(String.class).single())
			.isEqualTo("a name longer than twenty kept");
		JsonNode status = Http.body(releaseOne, "/actuator/pgroll");
		assertThat(status.path("state").asString()).isEqualTo("COMPLETE");
		assertThat(absent(status.path("rollout"))).as(status.toString()).isTrue();
		assertThat(strings(status.path("history").findValues("name").stream().toList()))
			.containsExactly("01_create_items");
		assertThat(Http.body(releaseOne, "/actuator/health/pgroll").path("status").asString()).isEqualTo("UP");
		assertThat(versionSchemas(database)).containsExactly(releaseOneSchema());
		assertThat(before.diff(database.catalogSnapshot())).as("catalog changes since before release 2").isEmpty();
	}

	/** Release 1 running with its rows, in a schema of this test's own. */
	private ConfigurableApplicationContext startReleaseOne(TestDatabase database) {
		this.schema = "rollout" + (++schemas);
		ConfigurableApplicationContext releaseOne = start(database, "classpath:pgroll/rollout-release-1");
		assertThat(versionSchemas(database)).containsExactly(releaseOneSchema());
		jdbc(releaseOne)
			.sql("INSERT INTO items SELECT g, 'item ' || g, g::text, 'old ' || g FROM generate_series(1, ?) g")
			.param(SEED_ROWS)
			.update();
		return releaseOne;
	}

	/** Starts release 2 while release 1's traffic runs, which must go on during the whole start. */
	private ConfigurableApplicationContext startReleaseTwoUnder(Traffic traffic, TestDatabase database)
			throws InterruptedException {
		traffic.keepGoing();
		int before = traffic.statements();
		// Small, spaced batches: the backfills take a while, with release 1 writing in between.
		ConfigurableApplicationContext releaseTwo = start(database,
				"classpath:pgroll/rollout-release-1,classpath:pgroll/rollout-release-2",
				"pgroll.backfill.batch-size=250", "pgroll.backfill.batch-delay=10ms");
		assertThat(traffic.statements() - before).as("release 1's statements while release 2 started")
			.isGreaterThanOrEqualTo(30);
		// Nobody ships the versions between release 1 and release 2, so they get no version schema.
		assertThat(versionSchemas(database)).containsExactly(releaseOneSchema(), releaseTwoSchema());
		return releaseTwo;
	}

	/** Rows written through either release read correctly through the other. */
	private void checkBothReleasesServe(JdbcClient one, JdbcClient two) {
		assertThat(columns(one)).containsExactly("id", "name", "price", "legacy");
		assertThat(columns(two)).containsExactly("id", "name", "price", "code");
		assertThat(two.sql("SELECT pg_typeof(code)::text FROM items WHERE id = 1").query(String.class).single())
			.isEqualTo("character varying");
		assertThat(two.sql("SELECT count(*) FROM items WHERE id <= ? AND code IS DISTINCT FROM 'SKU-' || id")
			.param(SEED_ROWS)
			.query(Long.class)
			.single()).as("seed rows whose code is not the one computed from release 1's values").isZero();

		// Release 1 writes; release 2 reads the code computed for it and the name cut to its check.
		one.sql("INSERT INTO items VALUES (3000001, 'a name much longer than twenty', '9', 'old')").update();
		assertThat(row(two, 3000001, "name, price, code")).containsExactly("a name much longer t", "9", "SKU-3000001");
		one.sql("UPDATE items SET price = '42', name = 'renamed by one' WHERE id = 3000001").update();
		assertThat(row(two, 3000001, "name, price, code")).containsExactly("renamed by one", "42", "SKU-3000001");

		// Release 2 writes; release 1 reads its legacy value computed from the code.
		two.sql("INSERT INTO items (id, name, price, code) VALUES (3000002, 'new', '3', 'C-2')").update();
		assertThat(row(one, 3000002, "name, price, legacy")).containsExactly("new", "3", "legacy-C-2");
		two.sql("UPDATE items SET code = 'C-22', name = 'renamed by two' WHERE id = 3000002").update();
		assertThat(row(one, 3000002, "name, price, legacy")).containsExactly("renamed by two", "3", "legacy-C-22");
		assertThat(row(two, 3000002, "name, price, code")).containsExactly("renamed by two", "3", "C-22");

		// Release 2's constraints hold for release 2 only.
		assertThatExceptionOfType(DataAccessException.class)
			.isThrownBy(() -> two.sql("INSERT INTO items (id, name, code) VALUES (3000003, ?, 'C-3')")
				.param("n".repeat(21))
				.update());
		assertThatExceptionOfType(DataAccessException.class)
			.isThrownBy(() -> two.sql("INSERT INTO items (id, name, code) VALUES (3000003, 'n', ?)")
				.param("c".repeat(41))
				.update());
		one.sql("INSERT INTO items VALUES (3000003, ?, null, 'old')").param("n".repeat(21)).update();
	}

	/**
	 * Every row release 1's traffic wrote or changed reads the same through release 2, with the code computed from
	 * its id; the rows the checks above wrote, with names of more than twenty characters, are left out.
	 */
	private void checkTrafficReadsTheSameThroughBothReleases(JdbcClient one, JdbcClient two) {
		String rows = "SELECT id || ' ' || name || ' ' || coalesce(price, '-') FROM items WHERE id < 3000000 "
				+ "ORDER BY id";
		List<String> throughOne = one.sql(rows).query(String.class).list();
		assertThat(throughOne).hasSizeGreaterThan(SEED_ROWS);
		assertThat(two.sql(rows).query(String.class).list()).isEqualTo(throughOne);
		assertThat(two.sql("SELECT count(*) FROM items WHERE id < 3000000 AND code IS DISTINCT FROM 'SKU-' || id")
			.query(Long.class)
			.single()).isZero();
	}

	private void checkBothEndpointsShowTheRollout(ConfigurableApplicationContext releaseOne,
			ConfigurableApplicationContext releaseTwo) throws Exception {
		for (ConfigurableApplicationContext release : List.of(releaseOne, releaseTwo)) {
			JsonNode status = Http.body(release, "/actuator/pgroll");
			assertThat(status.path("state").asString()).isEqualTo("IN_PROGRESS");
			assertThat(status.path("activeMigration").path("name").asString()).isEqualTo("06_check_name");
			JsonNode rollout = status.path("rollout");
			assertThat(strings(rollout.path("migrations"))).as(status.toString()).isEqualTo(RELEASE_2_MIGRATIONS);
			assertThat(rollout.path("versionSchema").asString()).isEqualTo(releaseTwoSchema());
			assertThat(rollout.path("previousVersionSchema").asString()).isEqualTo(releaseOneSchema());
			JsonNode health = Http.body(release, "/actuator/health/pgroll");
			assertThat(health.path("status").asString()).isEqualTo("UP");
			assertThat(strings(health.path("details").path("rollout").path("migrations"))).as(health.toString())
				.isEqualTo(RELEASE_2_MIGRATIONS);
			assertThat(health.path("details").path("rollout").path("versionSchema").asString())
				.isEqualTo(releaseTwoSchema());
			assertThat(health.path("details").path("rollout").path("previousVersionSchema").asString())
				.isEqualTo(releaseOneSchema());
		}
		assertThat(Http.body(releaseOne, "/actuator/pgroll").path("applicationVersionSchema").asString())
			.isEqualTo(releaseOneSchema());
		assertThat(Http.body(releaseTwo, "/actuator/pgroll").path("applicationVersionSchema").asString())
			.isEqualTo(releaseTwoSchema());
	}

	private String releaseOneSchema() {
		return this.schema + "_01_create_items";
	}

	private String releaseTwoSchema() {
		return this.schema + "_06_check_name";
	}

	private ConfigurableApplicationContext start(TestDatabase database, String locations, String... properties) {
		return this.applications.start(database, this.schema, locations, properties);
	}

	/** The application's own JdbcClient, on the starter's pinned data source. */
	private static JdbcClient jdbc(ConfigurableApplicationContext context) {
		return context.getBean(JdbcClient.class);
	}

	private static List<String> columns(JdbcClient jdbc) {
		return jdbc.sql("SELECT attname FROM pg_attribute WHERE attrelid = 'items'::regclass AND attnum > 0 "
				+ "AND NOT attisdropped ORDER BY attnum").query(String.class).list();
	}

	private static List<Object> row(JdbcClient jdbc, int id, String columns) {
		Map<String, Object> row = jdbc.sql("SELECT " + columns + " FROM items WHERE id = ?")
			.param(id)
			.query()
			.singleRow();
		return new ArrayList<>(row.values());
	}

	private List<String> versionSchemas(TestDatabase database) {
		return database.queryForList("SELECT nspname FROM pg_namespace WHERE nspname LIKE ? ORDER BY 1",
				this.schema + "\\_%").stream().map((row) -> (String) row.get("nspname")).toList();
	}

	/** Null, or left out of the response. */
	private static boolean absent(JsonNode node) {
		return node.isNull() || node.isMissingNode();
	}

	private static List<String> strings(JsonNode array) {
		return strings(array.valueStream().toList());
	}

	private static List<String> strings(List<JsonNode> nodes) {
		return nodes.stream().map(JsonNode::asString).toList();
	}

	/**
	 * Release 1's clients, through its own JdbcClient: insert a row, update a seed row, read both back, in a loop.
	 * A statement that fails, and a read that does not return what was written, is a failure.
	 */
	private static final class Traffic implements AutoCloseable {

		private final JdbcClient jdbc;

		private final AtomicBoolean running = new AtomicBoolean(true);

		private final AtomicInteger statements = new AtomicInteger();

		private final List<String> failures = new CopyOnWriteArrayList<>();

		private final Thread thread;

		Traffic(JdbcClient jdbc) {
			this.jdbc = jdbc;
			this.thread = new Thread(this::run, "release-1-traffic");
			this.thread.start();
		}

		private void run() {
			for (int i = 1000000; this.running.get(); i++) {
				int seed = 1 + i % SEED_ROWS;
				try {
					this.jdbc.sql("INSERT INTO items VALUES (?, ?, '1', ?)").params(i, "n" + i, "l" + i).update();
					this.statements.incrementAndGet();
					int updated = this.jdbc.sql("UPDATE items SET price = ?, legacy = ? WHERE id = ?")
						.params("p" + i, "u" + i, seed)
						.update();
					this.statements.incrementAndGet();
					expect(updated, 1, "rows updated");
					expect(this.jdbc.sql("SELECT name || ' ' || price || ' ' || legacy FROM items WHERE id = ?")
						.param(i)
						.query(String.class)
						.single(), "n" + i + " 1 l" + i, "row " + i);
					expect(this.jdbc.sql("SELECT price || ' ' || legacy FROM items WHERE id = ?")
						.param(seed)
						.query(String.class)
						.single(), "p" + i + " u" + i, "row " + seed);
					this.statements.addAndGet(2);
				}
				catch (RuntimeException ex) {
					this.failures.add(ex.getClass().getSimpleName() + ": "
							+ NestedExceptionUtils.getMostSpecificCause(ex).getMessage());
				}
			}
		}

		private void expect(Object actual, Object expected, String what) {
			if (!expected.equals(actual)) {
				this.failures.add(what + ": read " + actual + ", wrote " + expected);
			}
		}

		/** Lets the traffic run for a while with what the test set up. */
		void keepGoing() throws InterruptedException {
			Thread.sleep(300);
		}

		int statements() {
			return this.statements.get();
		}

		List<String> stop() throws InterruptedException {
			this.running.set(false);
			this.thread.join(30_000);
			return List.copyOf(this.failures);
		}

		@Override
		public void close() throws InterruptedException {
			stop();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class TestApplication {

	}

}
