package dev.pgroll4j.sample;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.pgroll4j.core.InstanceRegistration;
import dev.pgroll4j.spring.PgrollInstance;
import dev.pgroll4j.test.PostgresTest;
import dev.pgroll4j.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A rolling deployment: release 1 runs, release 2 starts against the same database and starts its two migrations
 * as one rollout, both serve requests side by side and are listed as live instances of their version schemas. A
 * complete while release 1 runs is refused (409, naming it) and changes nothing; release 1 stops, which takes it off
 * the list, and the complete then goes through. No request may fail and every book must end as its last writer left
 * it.
 */
@PostgresTest
class TwoVersionRolloutTests {

	private static final Duration TRAFFIC = Duration.ofSeconds(4);

	/** Rounds of two requests each worker makes at least, however slow a loaded machine is. */
	private static final int MIN_ROUNDS = 15;

	/** How long to wait for something the heartbeat (every 200 ms here) makes visible. */
	private static final Duration HEARTBEATS = Duration.ofSeconds(10);

	private static final String RELEASE_ONE_SCHEMA = "public_01_create_books";

	private static final String RELEASE_TWO_SCHEMA = "public_03_add_status";

	private final JsonMapper json = JsonMapper.builder().build();

	@Test
	void releaseOneAndReleaseTwoServeTogetherAndNothingIsLost(TestDatabase database) throws Exception {
		try (ConfigurableApplicationContext releaseOne = start(database, "v1")) {
			for (int i = 0; i < 20; i++) {
				assertThat(SampleHttp.send(releaseOne, "POST", "/books", book("Seed " + i, "Author " + i, null)).statusCode())
					.isEqualTo(201);
			}
			try (ConfigurableApplicationContext releaseTwo = start(database, "default")) {
				JsonNode status = SampleHttp.body(releaseTwo, "/actuator/pgroll");
				assertThat(status.path("activeMigration").path("name").asString()).isEqualTo("03_add_status");
				// Release 2's two files started together: release 1's version schema stays until one complete.
				JsonNode rollout = status.path("rollout");
				assertThat(names(rollout.path("migrations"))).containsExactly("02_rename_author", "03_add_status");
				assertThat(rollout.path("versionSchema").asString()).isEqualTo("public_03_add_status");
				assertThat(rollout.path("previousVersionSchema").asString()).isEqualTo("public_01_create_books");
				assertThat(versionSchemas(database)).containsExactly("public_01_create_books", "public_03_add_status");

				// Each instance registered as a user of its release's version schema (release 2's first heartbeat
				// runs on its own thread as the context starts, so it may take a moment to appear).
				String one = instanceId(releaseOne);
				String two = instanceId(releaseTwo);
				JsonNode instances = awaitInstances(releaseTwo,
						(listed) -> listed.path(RELEASE_TWO_SCHEMA).size() == 1);
				assertThat(ids(instances.path(RELEASE_ONE_SCHEMA))).containsExactly(one);
				assertThat(ids(instances.path(RELEASE_TWO_SCHEMA))).containsExactly(two);
				assertThat(instances.path(RELEASE_ONE_SCHEMA).get(0).path("source").asString()).isEqualTo("REGISTERED");
				// Either release's endpoint lists them all (their heartbeats move on between two reads).
				assertThat(ids(SampleHttp.body(releaseOne, "/actuator/pgroll").path("instances").path(RELEASE_ONE_SCHEMA)))
					.containsExactly(one);

				Map<Long, Book> expected = new ConcurrentHashMap<>();
				AtomicInteger requests = new AtomicInteger();
				List<String> failures = serveTogether(releaseOne, releaseTwo, expected, requests);
				assertThat(failures).as("failed requests out of " + requests.get()).isEmpty();

				// Both releases see every book the same way while the migration is active.
				for (Map.Entry<Long, Book> book : expected.entrySet()) {
					JsonNode old = SampleHttp.body(releaseOne, "/books/" + book.getKey());
					JsonNode current = SampleHttp.body(releaseTwo, "/books/" + book.getKey());
					assertThat(old.path("title").asString()).isEqualTo(book.getValue().title());
					assertThat(old.path("author").asString()).isEqualTo(book.getValue().author());
					assertThat(current.path("title").asString()).isEqualTo(book.getValue().title());
					assertThat(current.path("author").asString()).isEqualTo(book.getValue().author());
					assertThat(current.path("status").asString()).isEqualTo(book.getValue().status());
				}

				// Release 1 still runs: complete would drop the version schema it reads and writes through.
				HttpResponse<String> refused = SampleHttp.send(releaseTwo, "POST", "/actuator/pgroll/complete", "{}");
				assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
				JsonNode refusal = this.json.readTree(refused.body());
				assertThat(refusal.path("versionSchema").asString()).isEqualTo(RELEASE_ONE_SCHEMA);
				assertThat(ids(refusal.path("instances"))).containsExactly(one);
				assertThat(refusal.path("error").asString()).contains("\"" + RELEASE_ONE_SCHEMA + "\"", one,
						"Nothing was changed");
				// ... and it changed nothing: the rollout is still active and release 1 still serves.
				JsonNode after = SampleHttp.body(releaseTwo, "/actuator/pgroll");
				assertThat(after.path("state").asString()).isEqualTo("IN_PROGRESS");
				assertThat(names(after.path("rollout").path("migrations"))).containsExactly("02_rename_author",
						"03_add_status");
				assertThat(versionSchemas(database)).containsExactly(RELEASE_ONE_SCHEMA, RELEASE_TWO_SCHEMA);
				assertThat(SampleHttp.body(releaseOne, "/books").size()).isEqualTo(expected.size() + 20);
				assertThat(SampleHttp.body(releaseOne, "/actuator/health/pgroll").path("status").asString()).isEqualTo("UP");

				// Rolling deployment done: release 1 shuts down gracefully, which takes it off the list at once
				// (no waiting for its heartbeat to expire), so the old version can be retired.
				releaseOne.close();
				JsonNode left = SampleHttp.body(releaseTwo, "/actuator/pgroll").path("instances");
				assertThat(left.has(RELEASE_ONE_SCHEMA)).as(left.toString()).isFalse();
				assertThat(ids(left.path(RELEASE_TWO_SCHEMA))).containsExactly(two);
				HttpResponse<String> completed = SampleHttp.send(releaseTwo, "POST", "/actuator/pgroll/complete", "{}");
				assertThat(completed.statusCode()).as(completed.body()).isEqualTo(200);
				JsonNode complete = this.json.readTree(completed.body());
				assertThat(names(complete.path("migrations"))).containsExactly("02_rename_author", "03_add_status");
				assertThat(complete.path("droppedVersionSchema").asString()).isEqualTo("public_01_create_books");

				JsonNode all = SampleHttp.body(releaseTwo, "/books");
				assertThat(all.size()).isEqualTo(expected.size() + 20);
				for (JsonNode book : all) {
					Book want = expected.get(book.path("id").asLong());
					if (want != null) {
						assertThat(book.path("title").asString()).isEqualTo(want.title());
						assertThat(book.path("author").asString()).isEqualTo(want.author());
						assertThat(book.path("status").asString()).isEqualTo(want.status());
					}
					else {
						assertThat(book.path("title").asString()).startsWith("Seed ");
						assertThat(book.path("status").asString()).isEqualTo("available");
					}
				}
				assertThat(versionSchemas(database)).containsExactly("public_03_add_status");
				// The second file's index, on the column the first file renamed.
				assertThat(database.queryForString("SELECT indexdef FROM pg_indexes WHERE indexname = "
						+ "'books_by_author_name'")).endsWith("(author_name)");
			}
		}
	}

	/**
	 * Each worker creates books through one release and updates only its own, so the expected final state is
	 * known whatever the interleaving: release 1 writes title and author, release 2 also a status.
	 */
	private List<String> serveTogether(ConfigurableApplicationContext releaseOne,
			ConfigurableApplicationContext releaseTwo, Map<Long, Book> expected, AtomicInteger requests)
			throws Exception {
		List<String> failures = new ArrayList<>();
		ExecutorService workers = Executors.newFixedThreadPool(4);
		long end = System.nanoTime() + TRAFFIC.toNanos();
		List<Future<?>> running = new ArrayList<>();
		for (int w = 0; w < 4; w++) {
			ConfigurableApplicationContext release = (w % 2 == 0) ? releaseOne : releaseTwo;
			boolean isReleaseTwo = release == releaseTwo;
			int worker = w;
			running.add(workers.submit(() -> {
				List<Long> mine = new ArrayList<>();
				for (int n = 0; n < MIN_ROUNDS || System.nanoTime() < end; n++) {
					try {
						if (mine.isEmpty() || n % 3 == 0) {
							String status = isReleaseTwo ? "lent" : null;
							HttpResponse<String> created = SampleHttp.send(release, "POST", "/books",
									book("Book " + worker + "-" + n, "Writer " + worker, status));
							check(created, 201, failures);
							long id = this.json.readTree(created.body()).path("id").asLong();
							mine.add(id);
							expected.put(id, new Book(id, "Book " + worker + "-" + n, "Writer " + worker,
									isReleaseTwo ? "lent" : "available"));
						}
						else {
							long id = mine.get(n % mine.size());
							Book before = expected.get(id);
							String status = isReleaseTwo ? "lost" : null;
							check(SampleHttp.send(release, "PUT", "/books/" + id,
									book(before.title() + "'", "Editor " + worker, status)), 200, failures);
							expected.put(id, new Book(id, before.title() + "'", "Editor " + worker,
									isReleaseTwo ? "lost" : before.status()));
						}
						check(SampleHttp.send(release, "GET", "/books", null), 200, failures);
						requests.addAndGet(2);
					}
					catch (Exception ex) {
						synchronized (failures) {
							failures.add(ex.toString());
						}
					}
				}
				return null;
			}));
		}
		for (Future<?> worker : running) {
			worker.get();
		}
		workers.shutdown();
		return failures;
	}

	private static void check(HttpResponse<String> response, int status, List<String> failures) {
		if (response.statusCode() != status) {
			synchronized (failures) {
				failures.add(response.statusCode() + " " + response.uri() + ": " + response.body());
			}
		}
	}

	/**
	 * A release on the test database, beating every 200 ms. The expiry (only a killed instance waits for it; one
	 * that shuts down leaves the list at once) is ten beats, so that a loaded machine delaying a beat does not make
	 * release 1 vanish while it runs.
	 */
	private ConfigurableApplicationContext start(TestDatabase database, String profile) {
		return new SpringApplicationBuilder(SampleApplication.class).profiles(profile)
			.properties("server.port=0", "spring.datasource.url=" + database.jdbcUrl(),
					"spring.datasource.username=" + database.user(), "spring.datasource.password=" + database.password())
			.run("--pgroll.instances.heartbeat-interval=200ms", "--pgroll.instances.expiry=2s");
	}

	/** The id this release's instance registered with. */
	private static String instanceId(ConfigurableApplicationContext context) {
		InstanceRegistration registration = context.getBean(PgrollInstance.class).registration();
		assertThat(registration).isNotNull();
		return registration.id();
	}

	/** The endpoint's {@code instances}, once they are as {@code expected} (within a few heartbeats). */
	private JsonNode awaitInstances(ConfigurableApplicationContext context, Predicate<JsonNode> expected)
			throws Exception {
		long deadline = System.nanoTime() + HEARTBEATS.toNanos();
		JsonNode instances = SampleHttp.body(context, "/actuator/pgroll").path("instances");
		while (!expected.test(instances) && System.nanoTime() < deadline) {
			Thread.sleep(50);
			instances = SampleHttp.body(context, "/actuator/pgroll").path("instances");
		}
		assertThat(expected.test(instances)).as(instances.toString()).isTrue();
		return instances;
	}

	private static List<String> ids(JsonNode instances) {
		return instances.valueStream().map((instance) -> instance.path("id").asString()).toList();
	}

	private static List<String> versionSchemas(TestDatabase database) {
		return database.queryForList("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'public\\_0%' ORDER BY 1")
			.stream()
			.map((row) -> (String) row.get("nspname"))
			.toList();
	}

	private static List<String> names(JsonNode array) {
		return array.valueStream().map(JsonNode::asString).toList();
	}

	private String book(String title, String author, String status) {
		return this.json.writeValueAsString(new Book(null, title, author, status));
	}

}
