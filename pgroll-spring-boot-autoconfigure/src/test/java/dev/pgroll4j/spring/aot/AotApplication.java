package dev.pgroll4j.spring.aot;

import javax.sql.DataSource;

import org.springframework.aot.AotDetector;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The application {@link PgrollAotTests} processes ahead of time and then runs, in a JVM of its own, from the
 * generated code. It reports what it sees through its own {@link DataSource} on standard output, one
 * {@value #REPORT} line per fact, and exits.
 */
@Configuration(proxyBeanMethods = false)
@EnableAutoConfiguration
public class AotApplication {

	static final String REPORT = "aot-report ";

	/** @param args properties, {@code name=value} */
	public static void main(String[] args) {
		// AOT processing stops this run once the context is loaded, before anything below.
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(AotApplication.class)
			.web(WebApplicationType.NONE)
			.properties(args)
			.run()) {
			JdbcClient jdbc = JdbcClient.create(context.getBean(DataSource.class));
			report("generated-artifacts", AotDetector.useGeneratedArtifacts());
			report("current-schema", jdbc.sql("SELECT current_schema()").query(String.class).single());
			// Unqualified, as the application's code names it: only the newest version schema has "name" (the
			// table itself still has "title" until the rename completes).
			report("inserted-name", jdbc.sql("INSERT INTO books (id, name, isbn) VALUES (1, 'Dune', '978-0441172719') RETURNING name")
				.query(String.class)
				.single());
		}
	}

	private static void report(String fact, Object value) {
		System.out.println(REPORT + fact + "=" + value);
	}

}
