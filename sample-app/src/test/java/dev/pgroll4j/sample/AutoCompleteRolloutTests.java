package dev.pgroll4j.sample;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;

import dev.pgroll4j.spring.PgrollAutoCompletedEvent;
import dev.pgroll4j.spring.PgrollInstance;
import dev.pgroll4j.test.PostgresTest;
import dev.pgroll4j.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rolling deployment of {@link TwoVersionRolloutTests} with {@code pgroll.auto-complete.enabled=true}: nobody
 * completes the rollout; release 2's instances do it themselves once release 1 has been gone for the grace period,
 * and never while it runs, however long that is. Two instances of release 2 run, and the rollout completes once.
 *
 * <p>Release 1, the first release on an empty database, leaves its own migration active like any other; with no
 * earlier version schema to strand, its instance completes that one after the grace period, before release 2 starts.
 */
@PostgresTest
class AutoCompleteRolloutTests {

	private static final Duration HEARTBEAT = Duration.ofMillis(200);

	private static final Duration GRACE = Duration.ofSeconds(1);

	/** A bound for what should take the grace period and a few heartbeats, generous for a loaded machine. */
	private static final Duration PATIENCE = Duration.ofSeconds(15);

	@Test
	void releaseTwoCompletesTheRolloutByItselfOnlyOnceReleaseOneHasStopped(TestDatabase database) throws Exception {
		List<PgrollAutoCompletedEvent> releaseOneCompleted = new CopyOnWriteArrayList<>();
		List<PgrollAutoCompletedEvent> autoCompleted = new CopyOnWriteArrayList<>();
		try (ConfigurableApplicationContext releaseOne = start(database, "v1", releaseOneCompleted)) {
			assertThat(SampleHttp.send(releaseOne, "POST", "/books", "{\"title\":\"Dune\",\"author\":\"Frank Herbert\"}")
				.statusCode()).isEqualTo(201);
			JsonNode first = awaitState(releaseOne, "COMPLETE");
			assertThat(first.path("latestVersionSchema").asString()).isEqualTo("public_01_create_books");
			awaitEvent(releaseOneCompleted);
			assertThat(releaseOneCompleted.get(0).result().migration()).isEqualTo("01_create_books");
			assertThat(releaseOneCompleted.get(0).result().droppedVersionSchema()).isNull();

			try (ConfigurableApplicationContext releaseTwo = start(database, "default", autoCompleted);
					ConfigurableApplicationContext releaseTwoAgain = start(database, "default", autoCompleted)) {
				// While release 1 runs, the rollout stays active, well past the grace period.
				long watch = System.nanoTime() + GRACE.multipliedBy(2).toNanos();
				int looks = 0;
				while (System.nanoTime() < watch || looks < 5) {
					JsonNode status = SampleHttp.body(releaseTwo, "/actuator/pgroll");
					assertThat(status.path("state").asString()).isEqualTo("IN_PROGRESS");
					assertThat(status.path("instances").path("public_01_create_books").size()).isEqualTo(1);
					Thread.sleep(HEARTBEAT.toMillis());
					looks++;
				}
				assertThat(autoCompleted).isEmpty();
				assertThat(releaseOneCompleted).hasSize(1);
				assertThat(versionSchemas(database)).containsExactly("public_01_create_books", "public_03_add_status");

				// Release 1 shuts down: the grace period runs from its deregistration, then release 2 completes.
				long stopping = System.nanoTime();
				releaseOne.close();
				JsonNode status = awaitState(releaseTwo, "COMPLETE");
				assertThat(Duration.ofNanos(System.nanoTime() - stopping)).isGreaterThanOrEqualTo(GRACE);
				assertThat(status.has("rollout")).isFalse();
				assertThat(status.path("instances").has("public_01_create_books")).isFalse();
				assertThat(status.path("instances").path("public_03_add_status").size()).isEqualTo(2);
				assertThat(versionSchemas(database)).containsExactly("public_03_add_status");

				// Exactly one instance completed it, and said so; the other found nothing left to do.
				awaitEvent(autoCompleted);
				Thread.sleep(HEARTBEAT.multipliedBy(5).toMillis());
				assertThat(autoCompleted).hasSize(1);
				assertThat(autoCompleted.get(0).result().migrations()).containsExactly("02_rename_author",
						"03_add_status");
				assertThat(autoCompleted.get(0).getSource()).isIn(releaseTwo.getBean(PgrollInstance.class),
						releaseTwoAgain.getBean(PgrollInstance.class));
				assertThat(autoCompleted.get(0).result().droppedVersionSchema()).isEqualTo("public_01_create_books");

				// Release 2 goes on serving, with release 1's book.
				assertThat(SampleHttp.send(releaseTwo, "POST", "/books", "{\"title\":\"Emma\",\"author\":\"Jane Austen\"}")
					.statusCode()).isEqualTo(201);
				JsonNode books = SampleHttp.body(releaseTwoAgain, "/books");
				assertThat(books.size()).isEqualTo(2);
				assertThat(books.get(0).path("author").asString()).isEqualTo("Frank Herbert");
				assertThat(books.get(0).path("status").asString()).isEqualTo("available");
				assertThat(SampleHttp.body(releaseTwo, "/actuator/health/pgroll").path("status").asString()).isEqualTo("UP");
			}
		}
	}

	/** A release on the test database with auto-complete on, beating every 200 ms. */
	private ConfigurableApplicationContext start(TestDatabase database, String profile,
			List<PgrollAutoCompletedEvent> autoCompleted) {
		return new SpringApplicationBuilder(SampleApplication.class).profiles(profile)
			.listeners((ApplicationListener<ApplicationEvent>) (event) -> {
				if (event instanceof PgrollAutoCompletedEvent completed) {
					autoCompleted.add(completed);
				}
			})
			.properties("server.port=0", "spring.datasource.url=" + database.jdbcUrl(),
					"spring.datasource.username=" + database.user(), "spring.datasource.password=" + database.password())
			.run("--pgroll.instances.heartbeat-interval=" + HEARTBEAT.toMillis() + "ms",
					"--pgroll.instances.expiry=2s", "--pgroll.auto-complete.enabled=true",
					"--pgroll.auto-complete.grace-period=" + GRACE.toMillis() + "ms");
	}

	/** The endpoint's answer once it shows {@code state}, within {@link #PATIENCE}. */
	private JsonNode awaitState(ConfigurableApplicationContext context, String state) throws Exception {
		long deadline = System.nanoTime() + PATIENCE.toNanos();
		JsonNode status = SampleHttp.body(context, "/actuator/pgroll");
		while (!status.path("state").asString().equals(state) && System.nanoTime() < deadline) {
			Thread.sleep(100);
			status = SampleHttp.body(context, "/actuator/pgroll");
		}
		assertThat(status.path("state").asString()).as(status.toString()).isEqualTo(state);
		return status;
	}

	/**
	 * Waits for the event, which follows the commit the endpoint may already show; within {@link #PATIENCE}.
	 */
	private static void awaitEvent(List<PgrollAutoCompletedEvent> events) throws InterruptedException {
		long deadline = System.nanoTime() + PATIENCE.toNanos();
		while (events.isEmpty() && System.nanoTime() < deadline) {
			Thread.sleep(50);
		}
		assertThat(events).hasSize(1);
	}

	private static List<String> versionSchemas(TestDatabase database) {
		return database.queryForList("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'public\\_0%' ORDER BY 1")
			.stream()
			.map((row) -> (String) row.get("nspname"))
			.toList();
	}

}
