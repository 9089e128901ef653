package dev.pgroll4j.sample;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/** HTTP calls to a running sample application, over its real port, as a JSON client makes them. */
final class SampleHttp {

	private static final HttpClient CLIENT = HttpClient.newHttpClient();

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private SampleHttp() {
	}

	static HttpResponse<String> send(ConfigurableApplicationContext context, String method, String path,
			@Nullable String body) throws IOException, InterruptedException {
		HttpRequest request = HttpRequest
			.newBuilder(URI.create("http://localhost:" + context.getEnvironment().getProperty("local.server.port")
					+ path))
			.header("Content-Type", "application/json")
			.method(method, (body != null) ? HttpRequest.BodyPublishers.ofString(body)
					: HttpRequest.BodyPublishers.noBody())
			.build();
		return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
	}

	/** The JSON answer of a GET, which must be 200. */
	static JsonNode body(ConfigurableApplicationContext context, String path) throws IOException, InterruptedException {
		HttpResponse<String> response = send(context, "GET", path, null);
		assertThat(response.statusCode()).as(path).isEqualTo(200);
		return JSON.readTree(response.body());
	}

}
