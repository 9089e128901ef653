package dev.pgroll4j.sample;

import java.util.List;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.testcontainers.DockerClientFactory;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.pgroll4j.core.MigrationRecord;
import dev.pgroll4j.core.Pgroll;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample's {@code spring-boot:test-run} set-up, a PostgreSQL container reached through {@code @ServiceConnection}:
 * pgroll's DDL connection and the application's pinned pool both come from the container's connection details.
 * Runs where a Docker engine is; the machines this project's CI runs on have none, so there it is skipped, and the
 * same path (connection details instead of {@code spring.datasource.url}) is covered by the slice tests.
 */
@EnabledIf(value = "dockerAvailable", disabledReason = "no Docker engine for the PostgreSQL container")
class ServiceConnectionTests {

	static boolean dockerAvailable() {
		try {
			return DockerClientFactory.instance().isDockerAvailable();
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	@Test
	void pgrollMigratesThroughTheServiceConnectionAndPinsTheApplicationsPool() {
		try (ConfigurableApplicationContext context = SpringApplication.from(SampleApplication::main)
			.with(TestSampleApplication.Containers.class)
			.run("--server.port=0")
			.getApplicationContext()) {
			List<String> applied = context.getBean(Pgroll.class).history().stream().map(MigrationRecord::name).toList();
			assertThat(applied).containsExactly("01_create_books", "02_rename_author", "03_add_status");
			JdbcClient jdbc = JdbcClient.create(context.getBean(DataSource.class));
			assertThat(jdbc.sql("SELECT current_schema()").query(String.class).single())
				.isEqualTo("public_03_add_status");
		}
	}

}
