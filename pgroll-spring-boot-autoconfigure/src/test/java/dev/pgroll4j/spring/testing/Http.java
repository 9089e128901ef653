package dev.pgroll4j.spring.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/** HTTP calls to a running application's actuator, over its real port. */
public final class Http {

	private static final HttpClient CLIENT = HttpClient.newHttpClient();

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private Http() {
	}

	public static HttpResponse<String> get(ConfigurableApplicationContext context, String path) {
		return send(HttpRequest.newBuilder(uri(context, path)).GET().build());
	}

	/** A POST with an empty JSON body, as a write operation of an endpoint takes it. */
	public static HttpResponse<String> post(ConfigurableApplicationContext context, String path) {
		return send(HttpRequest.newBuilder(uri(context, path))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{}"))
			.build());
	}

	/** A POST as {@code curl -X POST} sends it: no body, no content type. */
	public static HttpResponse<String> postNothing(ConfigurableApplicationContext context, String path) {
		return send(HttpRequest.newBuilder(uri(context, path)).POST(HttpRequest.BodyPublishers.noBody()).build());
	}

	/** The JSON answer of a GET, which must be 200. */
	public static JsonNode body(ConfigurableApplicationContext context, String path) {
		HttpResponse<String> response = get(context, path);
		assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
		return json(response);
	}

	public static JsonNode json(HttpResponse<String> response) {
		return JSON.readTree(response.body());
	}

	public static URI uri(ConfigurableApplicationContext context, String path) {
		return URI.create("http://localhost:" + context.getEnvironment().getProperty("local.server.port") + path);
	}

	private static HttpResponse<String> send(HttpRequest request) {
		try {
			return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
