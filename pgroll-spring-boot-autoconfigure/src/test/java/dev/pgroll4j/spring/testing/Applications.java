package dev.pgroll4j.spring.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.pgroll4j.test.TestDatabase;

/**
 * Real web applications with the starter on a test's database, each on a port of its own, with the actuator's
 * pgroll endpoint writable; {@link #close()} stops those still running, as a platform would at the end.
 */
public final class Applications implements AutoCloseable {

	private final Class<?> application;

	private final List<ConfigurableApplicationContext> running = new ArrayList<>();

	/** @param application the configuration every application starts from */
	public Applications(Class<?> application) {
		this.application = application;
	}

	/**
	 * Starts an application migrating {@code schema} from {@code locations}.
	 * @param properties more properties, {@code name=value}, after the common ones
	 */
	public ConfigurableApplicationContext start(TestDatabase database, String schema, String locations,
			String... properties) {
		return start(database, schema, locations, UnaryOperator.identity(), properties);
	}

	/** As {@link #start(TestDatabase, String, String, String...)}, with the builder adjusted (listeners, say). */
	public ConfigurableApplicationContext start(TestDatabase database, String schema, String locations,
			UnaryOperator<SpringApplicationBuilder> adjust, String... properties) {
		List<String> all = new ArrayList<>(properties(database, schema, locations));
		all.addAll(List.of(properties));
		ConfigurableApplicationContext context = adjust
			.apply(new SpringApplicationBuilder(this.application).web(WebApplicationType.SERVLET))
			.properties(all.toArray(String[]::new))
			.run();
		this.running.add(context);
		return context;
	}

	/** The common properties: the database, the schema and locations, an open port, a writable endpoint. */
	public static List<String> properties(TestDatabase database, String schema, String locations) {
		return List.of("server.port=0", "spring.datasource.url=" + database.jdbcUrl(),
				"spring.datasource.username=" + database.user(), "spring.datasource.password=" + database.password(),
				"pgroll.schema=" + schema, "pgroll.locations=" + locations,
				"management.endpoints.web.exposure.include=health,pgroll,metrics",
				"management.endpoint.health.show-details=always", "management.endpoint.pgroll.access=unrestricted");
	}

	@Override
	public void close() {
		this.running.forEach(ConfigurableApplicationContext::close);
		this.running.clear();
	}

}
