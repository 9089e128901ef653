package dev.pgroll4j.spring.instances;

import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.pgroll4j.spring.PgrollInstance;
import dev.pgroll4j.spring.testing.Applications;
import dev.pgroll4j.spring.testing.Await;
import dev.pgroll4j.spring.testing.Http;
import dev.pgroll4j.test.PostgresTest;
import dev.pgroll4j.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What happens to an instance whose version schema is dropped under it: complete and rollback refuse while it is
 * live, and once someone forces them anyway its readiness turns REFUSING_TRAFFIC within a heartbeat (so the platform
 * stops routing to it and replaces it) while its liveness stays CORRECT (so it is not restarted in a loop); it
 * turns back when the same release's version schema is created again.
 */
@PostgresTest
@ExtendWith(OutputCaptureExtension.class)
class StrandedInstanceTests {

	private static final Duration HEARTBEAT = Duration.ofMillis(200);

	private static int schemas;

	private final Applications applications = new Applications(TestApplication.class);

	private String schema;

	@AfterEach
	void stopApplications() {
		this.applications.close();
	}

	@Test
	void aForcedCompleteTurnsTheStrandedInstancesReadinessToRefusingTrafficAndLeavesItsLivenessCorrect(
			TestDatabase database, CapturedOutput output) {
		this.schema = "stranded" + (++schemas);
		ConfigurableApplicationContext one = start(database, "v1");
		ConfigurableApplicationContext two = start(database, "v2");
		String oneId = one.getBean(PgrollInstance.class).registration().id();

		// As curl -X POST sends them: no body, no content type.
		HttpResponse<String> refused = Http.postNothing(two, "/actuator/pgroll/complete");
		assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
		assertThat(Http.json(refused).path("instances").findValuesAsString("id")).containsExactly(oneId);
		assertThat(readiness(one)).isEqualTo(ReadinessState.ACCEPTING_TRAFFIC);

		HttpResponse<String> forced = Http.postNothing(two, "/actuator/pgroll/complete/force");
		assertThat(forced.statusCode()).as(forced.body()).isEqualTo(200);
		assertThat(output).contains("forced to complete migration \"02_add_isbn\" although 1 live instance(s) still "
				+ "use version schema " + releaseOne(), oneId);

		Duration stranded = Await.until("release 1's readiness refuses traffic", Duration.ofSeconds(10),
				() -> readiness(one) == ReadinessState.REFUSING_TRAFFIC);
		// Within a heartbeat or so: the next beat finds the version schema gone.
		assertThat(stranded).as("time from the forced complete to release 1 refusing traffic")
			.isLessThan(HEARTBEAT.multipliedBy(5));
		assertThat(Http.get(one, "/actuator/health/readiness").statusCode()).isEqualTo(503);
		assertThat(one.getBean(ApplicationAvailability.class).getLivenessState()).isEqualTo(LivenessState.CORRECT);
		HttpResponse<String> liveness = Http.get(one, "/actuator/health/liveness");
		assertThat(liveness.statusCode()).as(liveness.body()).isEqualTo(200);
		assertThat(readiness(two)).isEqualTo(ReadinessState.ACCEPTING_TRAFFIC);
		assertThat(Http.get(two, "/actuator/health/readiness").statusCode()).isEqualTo(200);
	}

	@Test
	void rollbackRefusesWhileOtherInstancesOfTheNewReleaseRunAndTheirReadinessReturnsWhenTheReleaseStartsAgain(
			TestDatabase database) {
		this.schema = "stranded" + (++schemas);
		ConfigurableApplicationContext one = start(database, "v1");
		ConfigurableApplicationContext twoA = start(database, "v2");
		ConfigurableApplicationContext twoB = start(database, "v2");
		String twoAId = twoA.getBean(PgrollInstance.class).registration().id();
		String twoBId = twoB.getBean(PgrollInstance.class).registration().id();

		// The instance asked knows it rolls itself back; the other one of release 2 would be stranded.
		HttpResponse<String> refused = Http.post(twoA, "/actuator/pgroll/rollback");
		assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
		JsonNode refusal = Http.json(refused);
		assertThat(refusal.path("versionSchema").asString()).isEqualTo(releaseTwo());
		assertThat(refusal.path("instances").findValuesAsString("id")).containsExactly(twoBId).doesNotContain(twoAId);
		assertThat(Http.body(one, "/actuator/pgroll").path("state").asString()).isEqualTo("IN_PROGRESS");

		HttpResponse<String> forced = Http.post(twoA, "/actuator/pgroll/rollback/force");
		assertThat(forced.statusCode()).as(forced.body()).isEqualTo(200);
		Await.until("release 2's readiness refuses traffic", Duration.ofSeconds(10),
				() -> readiness(twoB) == ReadinessState.REFUSING_TRAFFIC
				&& readiness(twoA) == ReadinessState.REFUSING_TRAFFIC);
		assertThat(twoB.getBean(ApplicationAvailability.class).getLivenessState()).isEqualTo(LivenessState.CORRECT);
		assertThat(readiness(one)).isEqualTo(ReadinessState.ACCEPTING_TRAFFIC);
		assertThat(one.getBean(JdbcClient.class).sql("SELECT count(*) FROM books").query(Long.class).single())
			.isZero();

		// The same release deployed again starts its migration again: the stranded instances can serve again.
		start(database, "v2");
		Await.until("release 2's readiness accepts traffic again", Duration.ofSeconds(10),
				() -> readiness(twoB) == ReadinessState.ACCEPTING_TRAFFIC);
		assertThat(Http.get(twoB, "/actuator/health/readiness").statusCode()).isEqualTo(200);
		twoB.getBean(JdbcClient.class).sql("INSERT INTO books (id, title, isbn) VALUES (1, 'back', 'x')").update();
		assertThat(one.getBean(JdbcClient.class).sql("SELECT title FROM books").query(String.class).single())
			.isEqualTo("back");
	}

	private String releaseOne() {
		return this.schema + "_01_create_books";
	}

	private String releaseTwo() {
		return this.schema + "_02_add_isbn";
	}

	private static ReadinessState readiness(ConfigurableApplicationContext context) {
		return context.getBean(ApplicationAvailability.class).getReadinessState();
	}

	private ConfigurableApplicationContext start(TestDatabase database, String release) {
		return this.applications.start(database, this.schema, "classpath:pgroll/" + release,
				"pgroll.instances.heartbeat-interval=" + HEARTBEAT.toMillis() + "ms", "pgroll.instances.expiry=1s",
				"management.endpoint.health.probes.enabled=true");
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class TestApplication {

	}

}
