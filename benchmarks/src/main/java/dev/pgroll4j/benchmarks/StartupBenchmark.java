package dev.pgroll4j.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;

import dev.pgroll4j.test.PostgresServer;
import dev.pgroll4j.test.TestDatabase;

/**
 * Benchmark 4: how long a Spring context takes to start with the starter, {@value #MIGRATIONS} migrations applied
 * and nothing pending, beside the same application with the starter's auto-configuration excluded.
 */
final class StartupBenchmark {

	static final int MIGRATIONS = 200;

	private static final int WARM_UPS = 3;

	private static final int RUNS = 9;

	/** Median start-up times in milliseconds. */
	record Figures(double withStarterMillis, double withoutStarterMillis) {
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class Application {

	}

	private StartupBenchmark() {
	}

	static Figures run(PostgresServer server) {
		TestDatabase database = server.createDatabase("bench_startup");
		Path folder = writeMigrations();
		try {
			Map<String, Object> properties = new HashMap<>();
			properties.put("spring.datasource.url", database.jdbcUrl());
			properties.put("spring.datasource.username", database.user());
			properties.put("spring.datasource.password", database.password());
			properties.put("pgroll.locations", folder.toUri().toString());
			properties.put("pgroll.schema", "app");
			properties.put("logging.level.root", "warn");
			// The first start applies all migrations; it is not measured.
			start(properties, true);
			double[] with = new double[RUNS];
			double[] without = new double[RUNS];
			for (int i = 0; i < WARM_UPS + RUNS; i++) {
				double withMillis = start(properties, true);
				double withoutMillis = start(properties, false);
				if (i >= WARM_UPS) {
					with[i - WARM_UPS] = withMillis;
					without[i - WARM_UPS] = withoutMillis;
				}
			}
			return new Figures(median(with), median(without));
		}
		finally {
			database.drop();
		}
	}

	/** Starts and closes one context; returns how long {@code run} took, in milliseconds. */
	private static double start(Map<String, Object> properties, boolean withStarter) {
		Map<String, Object> all = new HashMap<>(properties);
		if (!withStarter) {
			all.put("spring.autoconfigure.exclude", "dev.pgroll4j.spring.autoconfigure.PgrollAutoConfiguration");
		}
		SpringApplication application = new SpringApplication(Application.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setBannerMode(Banner.Mode.OFF);
		application.setLogStartupInfo(false);
		application.setDefaultProperties(all);
		long started = System.nanoTime();
		try (ConfigurableApplicationContext context = application.run()) {
			return (System.nanoTime() - started) / 1e6;
		}
	}

	private static Path writeMigrations() {
		try {
			Path folder = Files.createTempDirectory("pgroll-bench-migrations");
			for (int i = 1; i <= MIGRATIONS; i++) {
				Files.writeString(folder.resolve(String.format("%03d_create_t%d.yaml", i, i)), """
						operations:
						  - create_table:
						      name: t%d
						      columns:
						        - {name: id, type: bigint, pk: true}
						        - {name: payload, type: text, nullable: true}
						""".formatted(i));
			}
			folder.toFile().deleteOnExit();
			return folder;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static double median(double[] values) {
		double[] sorted = values.clone();
		Arrays.sort(sorted);
		return sorted[sorted.length / 2];
	}

}
