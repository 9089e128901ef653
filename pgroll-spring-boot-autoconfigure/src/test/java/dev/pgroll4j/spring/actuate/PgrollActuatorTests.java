package dev.pgroll4j.spring.actuate;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.pgroll4j.core.MigrateResult;
import dev.pgroll4j.spring.PgrollMigrationStrategy;
import dev.pgroll4j.spring.testing.Http;
import dev.pgroll4j.test.PostgresTest;
import dev.pgroll4j.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;

/** The pgroll endpoint, health and metrics in a running web application. */
@PostgresTest
@ExtendWith(OutputCaptureExtension.class)
class PgrollActuatorTests {

	private static int schemas;

	private final List<ConfigurableApplicationContext> running = new ArrayList<>();

	@AfterEach
	void stopApplications() {
		this.running.forEach(ConfigurableApplicationContext::close);
	}

	private ConfigurableApplicationContext start(TestDatabase database, String schema, String release,
			String... properties) {
		List<String> all = new ArrayList<>(List.of("server.port=0", "spring.datasource.url=" + database.jdbcUrl(),
				"spring.datasource.username=" + database.user(), "spring.datasource.password=" + database.password(),
				"pgroll.schema=" + schema, "pgroll.locations=classpath:pgroll/" + release,
				"management.endpoints.web.exposure.include=health,pgroll,metrics",
				"management.endpoint.health.show-details=always"));
		all.addAll(List.of(properties));
		ConfigurableApplicationContext context = new SpringApplicationBuilder(TestApplication.class)
			.web(WebApplicationType.SERVLET)
			.properties(all.toArray(String[]::new))
			.run();
		this.running.add(context);
		return context;
	}

	private static String schema() {
		return "act" + (++schemas);
	}

	@Test
	void statusIsReadableButCompleteAndRollbackNeedWriteAccess(TestDatabase database) throws Exception {
		String schema = schema();
		ConfigurableApplicationContext context = start(database, schema, "v1");
		HttpResponse<String> status = Http.get(context, "/actuator/pgroll");
		assertThat(status.statusCode()).isEqualTo(200);
		assertThat(status.body()).contains("\"applicationVersionSchema\":\"" + schema + "_01_create_books\"")
			.contains("\"state\":\"IN_PROGRESS\"")
			.contains("\"activeMigration\":{\"name\":\"01_create_books\"")
			// A first migration has no version schema before it; the endpoint leaves nulls out.
			.contains("\"rollout\":{\"migrations\":[\"01_create_books\"],\"versionSchema\":\"" + schema
					+ "_01_create_books\"}");
		assertThat(Http.post(context, "/actuator/pgroll/complete").statusCode()).as("read-only by default")
			.isIn(404, 405);
	}

	@Test
	void statusListsAsManyOfTheNewestMigrationsAsAskedFor(TestDatabase database) throws Exception {
		ConfigurableApplicationContext context = start(database, schema(), "v2");
		HttpResponse<String> both = Http.get(context, "/actuator/pgroll");
		assertThat(both.body()).contains("{\"name\":\"01_create_books\"").contains("{\"name\":\"02_add_isbn\"")
			.contains("\"earlierHistory\":false");
		HttpResponse<String> newest = Http.get(context, "/actuator/pgroll?history=1");
		assertThat(newest.statusCode()).isEqualTo(200);
		assertThat(newest.body()).doesNotContain("{\"name\":\"01_create_books\"")
			.contains("{\"name\":\"02_add_isbn\"")
			.contains("\"earlierHistory\":true");
		HttpResponse<String> none = Http.get(context, "/actuator/pgroll?history=0");
		assertThat(none.statusCode()).isEqualTo(400);
	}

	@Test
	void withWriteAccessCompleteAndRollbackWorkAndReportConflicts(TestDatabase database) throws Exception {
		String schema = schema();
		start(database, schema, "v1", "management.endpoint.pgroll.access=unrestricted").close();
		ConfigurableApplicationContext context = start(database, schema, "v2",
				"management.endpoint.pgroll.access=unrestricted");
		HttpResponse<String> completed = Http.post(context, "/actuator/pgroll/complete");
		assertThat(completed.statusCode()).isEqualTo(200);
		assertThat(completed.body()).contains("\"migration\":\"02_add_isbn\"")
			.contains("\"droppedVersionSchema\":\"" + schema + "_01_create_books\"")
			.contains("\"migrations\":[\"02_add_isbn\"]");
		HttpResponse<String> again = Http.post(context, "/actuator/pgroll/complete");
		assertThat(again.statusCode()).isEqualTo(409);
		assertThat(again.body()).contains("there is no active migration");
		assertThat(Http.post(context, "/actuator/pgroll/explode").statusCode()).isEqualTo(400);
		HttpResponse<String> unknown = Http.post(context, "/actuator/pgroll/Complete");
		assertThat(unknown.statusCode()).as("actions are spelled as in the path").isEqualTo(400);
		assertThat(unknown.body())
			.isEqualTo("{\"error\":\"unknown action 'Complete': use complete, rollback or repair\"}");
		HttpResponse<String> hard = Http.postNothing(context, "/actuator/pgroll/complete/hard");
		assertThat(hard.statusCode()).isEqualTo(400);
		assertThat(hard.body()).isEqualTo("{\"error\":\"unknown mode 'hard': the only one is force\"}");
		HttpResponse<String> forcedRepair = Http.postNothing(context, "/actuator/pgroll/repair/force");
		assertThat(forcedRepair.statusCode()).isEqualTo(400);
		assertThat(forcedRepair.body()).contains("repair has nothing to force");
	}

	@Test
	void aRefusedCompleteOrRollbackListsTheObjectsInTheWayAndChangesNothing(TestDatabase database) throws Exception {
		String schema = schema();
		start(database, schema, "v1").close();
		ConfigurableApplicationContext context = start(database, schema, "v2",
				"management.endpoint.pgroll.access=unrestricted");
		// What Flyway or ddl-auto on a connection pinned to the old release's version would do.
		database.execute("CREATE TABLE " + schema + "_01_create_books.notes (id integer)",
				"CREATE TABLE " + schema + "_02_add_isbn.reviews (id integer)");
		HttpResponse<String> completed = Http.post(context, "/actuator/pgroll/complete");
		assertThat(completed.statusCode()).isEqualTo(409);
		assertThat(completed.body()).contains("\"objects\":[\"table " + schema + "_01_create_books.notes\"]")
			.contains("ALTER TABLE " + schema + "_01_create_books.notes SET SCHEMA " + schema)
			.contains("Nothing was changed");
		HttpResponse<String> rolledBack = Http.post(context, "/actuator/pgroll/rollback");
		assertThat(rolledBack.statusCode()).isEqualTo(409);
		assertThat(rolledBack.body()).contains("\"objects\":[\"table " + schema + "_02_add_isbn.reviews\"]");
		assertThat(Http.get(context, "/actuator/pgroll").body()).contains("\"activeMigration\":{\"name\":\"02_add_isbn\"");
	}

	@Test
	void repairRollsBackAStartWhoseProcessDiedAndOtherwiseDoesNothing(TestDatabase database) throws Exception {
		String schema = schema();
		start(database, schema, "v1").close();
		ConfigurableApplicationContext context = start(database, schema, "v2",
				"management.endpoint.pgroll.access=unrestricted");
		HttpResponse<String> nothing = Http.post(context, "/actuator/pgroll/repair");
		assertThat(nothing.statusCode()).isEqualTo(200);
		assertThat(nothing.body()).contains("\"repaired\":false");
		// What a process that died during its backfill leaves: the row says the start has not finished.
		database.execute("UPDATE pgroll.migrations SET start_finished = false WHERE schema = '" + schema
				+ "' AND name = '02_add_isbn'");
		assertThat(Http.get(context, "/actuator/pgroll").body()).contains("\"startFinished\":false");
		HttpResponse<String> repaired = Http.post(context, "/actuator/pgroll/repair");
		assertThat(repaired.statusCode()).isEqualTo(200);
		assertThat(repaired.body()).contains("\"repaired\":true").contains("\"migration\":\"02_add_isbn\"");
		assertThat(Http.get(context, "/actuator/pgroll").body()).contains("\"state\":\"COMPLETE\"")
			.doesNotContain("\"activeMigration\":{");
	}

	@Test
	void rollbackThroughTheEndpointTurnsTheNewVersionsHealthDown(TestDatabase database) throws Exception {
		String schema = schema();
		start(database, schema, "v1").close();
		ConfigurableApplicationContext context = start(database, schema, "v2",
				"management.endpoint.pgroll.access=unrestricted");
		HttpResponse<String> health = Http.get(context, "/actuator/health/pgroll");
		assertThat(health.statusCode()).isEqualTo(200);
		assertThat(health.body()).contains("\"status\":\"UP\"")
			.contains("\"activeMigration\":\"02_add_isbn\"")
			.contains("\"rollout\":{\"migrations\":[\"02_add_isbn\"],\"versionSchema\":\"" + schema
					+ "_02_add_isbn\",\"previousVersionSchema\":\"" + schema + "_01_create_books\"}");
		HttpResponse<String> rolledBack = Http.post(context, "/actuator/pgroll/rollback");
		assertThat(rolledBack.statusCode()).isEqualTo(200);
		assertThat(rolledBack.body()).contains("\"migration\":\"02_add_isbn\"")
			.contains("\"migrations\":[\"02_add_isbn\"]");
		HttpResponse<String> down = Http.get(context, "/actuator/health/pgroll");
		assertThat(down.statusCode()).isEqualTo(503);
		assertThat(down.body()).contains("\"status\":\"DOWN\"").contains(schema + "_02_add_isbn of this application");
	}

	@Test
	void theEndpointRollsBackAMigrationAnotherProcessStartedCheckingItAgainstTheApplicationsFiles(
			TestDatabase database) throws Exception {
		String schema = schema();
		start(database, schema, "v1").close();
		start(database, schema, "v2").close();
		// Migrations run by a separate job: this instance's start-up runs nothing, so only its files vouch for 02.
		ConfigurableApplicationContext context = start(database, schema, "v2",
				"management.endpoint.pgroll.access=unrestricted", "test.check-only=true");
		HttpResponse<String> rolledBack = Http.post(context, "/actuator/pgroll/rollback");
		assertThat(rolledBack.statusCode()).as(rolledBack.body()).isEqualTo(200);
		assertThat(rolledBack.body()).contains("\"migration\":\"02_add_isbn\"");
		assertThat(Http.get(context, "/actuator/pgroll").body()).contains("\"state\":\"COMPLETE\"");
	}

	@Test
	void theEndpointIsAbsentUnlessExposed(TestDatabase database) throws Exception {
		ConfigurableApplicationContext context = start(database, schema(), "v1",
				"management.endpoints.web.exposure.include=health");
		assertThat(Http.get(context, "/actuator/pgroll").statusCode()).isEqualTo(404);
	}

	@Test
	void migrationsAreTimedAndBackfillRowsCounted(TestDatabase database) {
		String schema = schema();
		start(database, schema, "v1").close();
		database.execute("INSERT INTO " + schema + ".books SELECT g, 'b' || g FROM generate_series(1, 30) g");
		ConfigurableApplicationContext context = start(database, schema, "v2");
		MeterRegistry registry = context.getBean(MeterRegistry.class);
		assertThat(registry.get("pgroll.migration").tag("operation", "start").tag("migration", "02_add_isbn")
			.tag("outcome", "success").timer().count()).isEqualTo(1);
		assertThat(registry.get("pgroll.migration").tag("operation", "complete").tag("migration", "01_create_books")
			.timer().count()).isEqualTo(1);
		assertThat(registry.get("pgroll.backfill.rows").tag("table", "books").counter().count()).isEqualTo(30);
		assertThat(registry.get("pgroll.backfill.progress").tag("table", "books").gauge().value()).isEqualTo(1.0);
		assertThat(registry.get("pgroll.migration.active").tag("schema", schema).gauge().value()).isEqualTo(1.0);
	}

	private static double value(ConfigurableApplicationContext context, String metric) {
		return Http.body(context, "/actuator/metrics/" + metric).get("measurements").get(0).get("value").asDouble();
	}

	@Test
	void eachTablesBackfillProgressIsOneGaugeRegisteredOnce(TestDatabase database, CapturedOutput output)
			throws Exception {
		String schema = schema();
		start(database, schema, "two-tables-base").close();
		database.execute("INSERT INTO " + schema + ".books SELECT g, 'b' || g FROM generate_series(1, 30) g");
		database.execute("INSERT INTO " + schema + ".authors SELECT g, 'a' || g FROM generate_series(1, 20) g");
		ConfigurableApplicationContext context = start(database, schema, "two-tables",
				"pgroll.backfill.batch-size=5");
		assertThat(value(context, "pgroll.backfill.progress?tag=table:books")).isEqualTo(1.0);
		assertThat(value(context, "pgroll.backfill.progress?tag=table:authors")).isEqualTo(1.0);
		// A ratio per table does not add up; the rows and their totals do.
		assertThat(value(context, "pgroll.backfill.rows.total?tag=table:books")).isEqualTo(30.0);
		assertThat(value(context, "pgroll.backfill.rows.total")).isEqualTo(50.0);
		assertThat(value(context, "pgroll.backfill.rows")).isEqualTo(50.0);
		assertThat(context.getBean(MeterRegistry.class).find("pgroll.backfill.progress").gauges()).hasSize(2);
		assertThat(output).doesNotContain("already registered");
	}

	@Test
	void startUpWaitsForTheBackfillSoTheApplicationNeverSeesUnfilledRows(TestDatabase database) throws Exception {
		String schema = schema();
		start(database, schema, "v1").close();
		database.execute("INSERT INTO " + schema + ".books SELECT g, 'b' || g FROM generate_series(1, 400) g");
		String versionSchema = schema + "_02_add_isbn";
		// While the new release starts, watch what its version schema would show a client.
		List<String> seen = new ArrayList<>();
		AtomicBoolean starting = new AtomicBoolean(true);
		Thread watcher = new Thread(() -> {
			while (starting.get()) {
				try {
					seen.add((database.queryForString("SELECT to_regnamespace(?)::text", versionSchema) == null) ? "absent"
							: "unfilled " + database.queryForLong("SELECT count(*) FROM " + versionSchema
									+ ".books WHERE isbn IS NULL"));
				}
				catch (RuntimeException ex) {
					seen.add("failed: " + ex.getMessage());
				}
			}
		});
		watcher.start();
		// 40 batches, 25 ms apart: about a second of backfill.
		ConfigurableApplicationContext slow;
		try {
			slow = start(database, schema, "slow", "pgroll.backfill.batch-size=10", "pgroll.backfill.batch-delay=25ms");
		}
		finally {
			starting.set(false);
			watcher.join();
		}
		assertThat(seen).as("the version schema while the application started").contains("absent")
			.allMatch((observed) -> observed.equals("absent") || observed.equals("unfilled 0"));
		assertThat(slow.getBean(ApplicationAvailability.class).getReadinessState())
			.isEqualTo(ReadinessState.ACCEPTING_TRAFFIC);
		assertThat(Http.get(slow, "/actuator/pgroll").body()).contains("\"state\":\"IN_PROGRESS\"")
			.doesNotContain("backfilling");
		assertThat(database.queryForLong("SELECT count(*) FROM " + versionSchema + ".books WHERE isbn = 'isbn-' || id"))
			.isEqualTo(400);
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class TestApplication {

		/** Start-up that leaves migrating to someone else. */
		@Bean
		@ConditionalOnBooleanProperty("test.check-only")
		PgrollMigrationStrategy checkOnly() {
			return (pgroll, migrations) -> new MigrateResult(MigrateResult.Outcome.UP_TO_DATE, null, List.of(),
					List.of());
		}

	}

}
