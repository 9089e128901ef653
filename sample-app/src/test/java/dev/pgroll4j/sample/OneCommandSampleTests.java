package dev.pgroll4j.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the README's one command does: release 2 started alone on its own embedded PostgreSQL deploys release 1's
 * migration first, as production would have it, then rolls its two files out beside it, so that release 1 can
 * still join the same database.
 */
class OneCommandSampleTests {

	private final HttpClient http = HttpClient.newHttpClient();

	private final JsonMapper json = JsonMapper.builder().build();

	@Test
	void releaseTwoAloneOnTheEmbeddedDatabaseRollsOutBesideReleaseOneWhichCanStillJoin() throws Exception {
		try (ConfigurableApplicationContext releaseTwo = new SpringApplicationBuilder(SampleApplication.class)
			.properties("server.port=0")
			.run()) {
			JsonNode status = get(releaseTwo, "/actuator/pgroll");
			assertThat(status.path("startup").path("completed").get(0).asString()).isEqualTo("01_create_books");
			assertThat(status.path("rollout").path("previousVersionSchema").asString())
				.isEqualTo("public_01_create_books");
			assertThat(status.path("rollout").path("migrations").valueStream().map(JsonNode::asString).toList())
				.containsExactly("02_rename_author", "03_add_status");

			int port = releaseTwo.getBean(EmbeddedPostgres.class).getPort();
			try (ConfigurableApplicationContext releaseOne = new SpringApplicationBuilder(SampleApplication.class)
				.profiles("v1")
				.properties("server.port=0", "spring.datasource.url=jdbc:postgresql://localhost:" + port + "/postgres",
						"spring.datasource.username=postgres", "spring.datasource.password=postgres")
				.run()) {
				assertThat(send(releaseOne, "POST", "/books", "{\"title\":\"Dune\",\"author\":\"Frank Herbert\"}")
					.statusCode()).isEqualTo(201);
				JsonNode books = get(releaseTwo, "/books");
				assertThat(books.get(0).path("author").asString()).isEqualTo("Frank Herbert");
				assertThat(get(releaseOne, "/actuator/health/pgroll").path("status").asString()).isEqualTo("UP");
			}
		}
	}

	private JsonNode get(ConfigurableApplicationContext context, String path) throws Exception {
		HttpResponse<String> response = send(context, "GET", path, null);
		assertThat(response.statusCode()).as(path).isEqualTo(200);
		return this.json.readTree(response.body());
	}

	private HttpResponse<String> send(ConfigurableApplicationContext context, String method, String path,
			String body) throws Exception {
		String port = context.getEnvironment().getProperty("local.server.port");
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
			.header("Content-Type", "application/json");
		request.method(method, (body != null) ? HttpRequest.BodyPublishers.ofString(body)
				: HttpRequest.BodyPublishers.noBody());
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

}
