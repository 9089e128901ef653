package dev.pgroll4j.spring.instances;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import dev.pgroll4j.spring.PgrollAutoCompletedEvent;
import dev.pgroll4j.spring.PgrollInstance;
import dev.pgroll4j.spring.testing.ApplicationProcess;
import dev.pgroll4j.spring.testing.Applications;
import dev.pgroll4j.spring.testing.Await;
import dev.pgroll4j.spring.testing.Http;
import dev.pgroll4j.test.PostgresTest;
import dev.pgroll4j.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A rolling replacement as a platform runs it: three instances of release 1 serve; three of release 2 start one by
 * one while those of release 1 go one by one, one of them killed (a JVM of its own, SIGKILL: it never deregisters).
 * Complete refuses while any instance of release 1 is live and names it; auto-complete, on in release 2, completes
 * the rollout exactly once, only after the last instance of release 1 is gone plus the grace period. No statement of
 * a live instance may fail.
 */
@PostgresTest
class RollingDeploymentTests {

	private static final String SCHEMA = "rolling";

	private static final String RELEASE_1 = SCHEMA + "_01_create_books";

	private static final String RELEASE_2 = SCHEMA + "_02_add_isbn";

	private static final String RELEASE_1_INSERT = "INSERT INTO books (id, title) VALUES (?, ?)";

	/** Release 2's isbn is NOT NULL (pgroll's default for a column). */
	private static final String RELEASE_2_INSERT = "INSERT INTO books (id, title, isbn) VALUES (?, ?, 'isbn')";

	private static final Duration HEARTBEAT = Duration.ofMillis(200);

	private static final Duration EXPIRY = Duration.ofSeconds(1);

	private static final Duration GRACE = Duration.ofMillis(1500);

	private final Applications applications = new Applications(TestApplication.class);

	private final List<String> autoCompletions = new CopyOnWriteArrayList<>();

	@AfterEach
	void stopApplications() {
		this.applications.close();
	}

	@Test
	void completeWaitsForTheLastInstanceOfReleaseOneAndAutoCompleteCompletesOnceAfterTheGracePeriod(
			TestDatabase database) throws Exception {
		List<String> failures = new ArrayList<>();
		ConfigurableApplicationContext one1 = start(database, "v1");
		ConfigurableApplicationContext one2 = start(database, "v1");
		ClientTraffic traffic1 = new ClientTraffic("one-1", one1, 1_000_000, RELEASE_1_INSERT);
		ClientTraffic traffic2 = new ClientTraffic("one-2", one2, 2_000_000, RELEASE_1_INSERT);
		try (ApplicationProcess one3 = ApplicationProcess.start(processProperties(database, "v1"))) {
			awaitInstances(one1, RELEASE_1, 3);
			String one1Id = id(one1);
			String one2Id = id(one2);
			String killedId = idsOf(one1, RELEASE_1).stream()
				.filter((id) -> !id.equals(one1Id) && !id.equals(one2Id))
				.findFirst()
				.orElseThrow();

			// Release 2 arrives: its first instance starts the rollout; release 1 keeps serving.
			ConfigurableApplicationContext two1 = start(database, "v2");
			ClientTraffic traffic4 = new ClientTraffic("two-1", two1, 4_000_000, RELEASE_2_INSERT);
			assertThat(Http.body(two1, "/actuator/pgroll").path("state").asString()).isEqualTo("IN_PROGRESS");
			awaitInstances(two1, RELEASE_2, 1);

			failures.addAll(traffic1.stop());
			one1.close();
			ConfigurableApplicationContext two2 = start(database, "v2");
			one3.kill();
			ConfigurableApplicationContext two3 = start(database, "v2");
			ClientTraffic traffic5 = new ClientTraffic("two-2", two2, 5_000_000, RELEASE_2_INSERT);
			ClientTraffic traffic6 = new ClientTraffic("two-3", two3, 6_000_000, RELEASE_2_INSERT);
			awaitInstances(two1, RELEASE_2, 3);
			assertThat(idsOf(two1, RELEASE_1)).as("release 1 after one stopped and one was killed")
				.doesNotContain(one1Id)
				.contains(one2Id);

			// The operator completes too early: refused, naming the instance of release 1 that still runs.
			HttpResponse<String> refused = Http.post(two2, "/actuator/pgroll/complete");
			assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
			JsonNode refusal = Http.json(refused);
			assertThat(refusal.path("versionSchema").asString()).isEqualTo(RELEASE_1);
			assertThat(refusal.path("instances").findValuesAsString("id")).contains(one2Id);
			assertThat(refusal.path("error").asString()).contains(one2Id, RELEASE_1);

			// The killed instance stops counting once its heartbeat expires, without anyone saying so.
			Await.until("the killed instance of release 1 expired", Duration.ofSeconds(30),
					() -> !idsOf(two1, RELEASE_1).contains(killedId));
			// Auto-complete waits as long as one instance of release 1 is live, however long that is.
			Thread.sleep(GRACE.plus(HEARTBEAT.multipliedBy(3)).toMillis());
			assertThat(Http.body(two3, "/actuator/pgroll").path("state").asString())
				.as("the rollout while an instance of release 1 runs").isEqualTo("IN_PROGRESS");
			assertThat(this.autoCompletions).isEmpty();

			// The last instance of release 1 goes: after the grace period, one instance of release 2 completes.
			failures.addAll(traffic2.stop());
			one2.close();
			long gone = System.nanoTime();
			Await.until("the rollout completed by itself", Duration.ofSeconds(30),
					() -> Http.body(two1, "/actuator/pgroll").path("state").asString().equals("COMPLETE"));
			Duration waited = Duration.ofNanos(System.nanoTime() - gone);
			assertThat(waited).as("time from the last instance of release 1 leaving to the completion")
				.isGreaterThanOrEqualTo(GRACE.minusMillis(100))
				.isLessThan(GRACE.plusSeconds(10));
			Thread.sleep(HEARTBEAT.multipliedBy(5).toMillis());
			assertThat(this.autoCompletions).as("auto-completions across the three instances of release 2")
				.hasSize(1);
			assertThat(versionSchemas(database)).containsExactly(RELEASE_2);
			assertThat(autoCompleteCount(two1) + autoCompleteCount(two2) + autoCompleteCount(two3))
				.as("pgroll.auto.complete across the instances of release 2").isEqualTo(1.0);

			int before = traffic4.statements() + traffic5.statements() + traffic6.statements();
			Thread.sleep(300);
			int after = traffic4.statements() + traffic5.statements() + traffic6.statements();
			failures.addAll(traffic4.stop());
			failures.addAll(traffic5.stop());
			failures.addAll(traffic6.stop());
			assertThat(failures).as("failed statements of live instances").isEmpty();
			assertThat(after).as("statements of release 2 after the completion").isGreaterThan(before);
		}
	}

	private ConfigurableApplicationContext start(TestDatabase database, String release) {
		return this.applications.start(database, SCHEMA, "classpath:pgroll/" + release,
				(builder) -> builder.listeners((ApplicationListener<ApplicationEvent>) (event) -> {
					if (event instanceof PgrollAutoCompletedEvent completed) {
						this.autoCompletions.add(completed.result().migration());
					}
				}), releaseProperties(release).toArray(String[]::new));
	}

	/** What the releases set beyond {@link Applications#properties}: a fast heartbeat; release 2 auto-completes. */
	private static List<String> releaseProperties(String release) {
		List<String> properties = new ArrayList<>(List.of(
				"pgroll.instances.heartbeat-interval=" + HEARTBEAT.toMillis() + "ms",
				"pgroll.instances.expiry=" + EXPIRY.toMillis() + "ms"));
		if (release.equals("v2")) {
			properties.add("pgroll.auto-complete.enabled=true");
			properties.add("pgroll.auto-complete.grace-period=" + GRACE.toMillis() + "ms");
		}
		return properties;
	}

	/** The same for the release 1 instance in a JVM of its own. */
	private static List<String> processProperties(TestDatabase database, String release) {
		List<String> properties = new ArrayList<>(Applications.properties(database, SCHEMA, "classpath:pgroll/"
				+ release));
		properties.addAll(releaseProperties(release));
		return properties;
	}

	private static double autoCompleteCount(ConfigurableApplicationContext context) {
		return Http.body(context, "/actuator/metrics/pgroll.auto.complete").path("measurements").get(0)
			.path("value").asDouble();
	}

	private static String id(ConfigurableApplicationContext context) {
		return context.getBean(PgrollInstance.class).registration().id();
	}

	/** The ids of the live instances of a version schema, as the endpoint lists them. */
	private static Set<String> idsOf(ConfigurableApplicationContext context, String versionSchema) {
		return Http.body(context, "/actuator/pgroll").path("instances").path(versionSchema)
			.findValuesAsString("id")
			.stream()
			.collect(Collectors.toSet());
	}

	private static void awaitInstances(ConfigurableApplicationContext context, String versionSchema, int count) {
		Await.until(count + " live instances of " + versionSchema, Duration.ofSeconds(30),
				() -> idsOf(context, versionSchema).size() == count);
	}

	private static List<String> versionSchemas(TestDatabase database) {
		return database.queryForList("SELECT nspname FROM pg_namespace WHERE nspname LIKE ? ORDER BY 1",
				SCHEMA + "\\_%").stream().map((row) -> (String) row.get("nspname")).toList();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class TestApplication {

	}

}
