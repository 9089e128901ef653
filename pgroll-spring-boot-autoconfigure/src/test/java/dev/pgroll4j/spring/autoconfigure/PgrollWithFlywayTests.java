package dev.pgroll4j.spring.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.pgroll4j.core.MigrationStatus;
import dev.pgroll4j.core.Pgroll;
import dev.pgroll4j.test.PostgresTest;
import dev.pgroll4j.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Flyway and pgroll in one application, as a team moving from Flyway has them: Flyway's existing migrations create
 * the base tables, pgroll's migrations change them. Real applications on a real database, with Boot's own Flyway
 * auto-configuration.
 */
@PostgresTest
class PgrollWithFlywayTests {

	private final List<ConfigurableApplicationContext> running = new ArrayList<>();

	@AfterEach
	void stopApplications() {
		this.running.forEach(ConfigurableApplicationContext::close);
	}

	@Test
	void flywayMigratesFirstIntoTheMigratedSchemaAndPgrollThenChangesWhatFlywayCreated(TestDatabase database) {
		ConfigurableApplicationContext releaseOne = startReleaseOne(database, "shop1");
		assertThat(releaseOne.getBeanFactory().getBeanDefinition("pgrollMigrationInitializer").getDependsOn())
			.contains("flywayInitializer");
		assertThat(flywayHistory(database, "shop1")).containsExactly("1 create orders");
		assertThat(tablesOfVersionSchemas(database, "shop1")).isEmpty();
		assertThat(status(releaseOne).activeMigration().name()).isEqualTo("01_add_quantity");

		// The application's pinned connections see Flyway's table through the version schema, with pgroll's column.
		JdbcClient one = jdbc(releaseOne);
		assertThat(one.sql("SELECT current_schema()").query(String.class).single()).isEqualTo("shop1_01_add_quantity");
		assertThat(one.sql("SELECT item || ' x' || quantity FROM orders WHERE id = 1").query(String.class).single())
			.isEqualTo("book x1");

		// Release 2 brings a Flyway migration and a pgroll one; the rollout of release 1 was completed before.
		releaseOne.getBean(Pgroll.class).complete();
		releaseOne.close();
		ConfigurableApplicationContext releaseTwo = startReleaseTwo(database, "shop1");
		assertThat(flywayHistory(database, "shop1")).containsExactly("1 create orders", "2 create customers");
		assertThat(tablesOfVersionSchemas(database, "shop1")).isEmpty();
		JdbcClient two = jdbc(releaseTwo);
		assertThat(two.sql("SELECT current_schema()").query(String.class).single()).isEqualTo("shop1_02_rename_item");
		assertThat(two.sql("SELECT product || ' x' || quantity FROM orders WHERE id = 1").query(String.class).single())
			.isEqualTo("book x1");
		assertThat(two.sql("SELECT name FROM customers WHERE id = 1").query(String.class).single()).isEqualTo("Ada");
	}

	@Test
	void flywayRefusesAPendingMigrationWhilePgrollsRolloutIsActiveAndAppliesNothing(TestDatabase database) {
		startReleaseOne(database, "shop2").close();

		// 01_add_quantity is still active: release 2's Flyway migration must not run under it.
		assertThatException().isThrownBy(() -> startReleaseTwo(database, "shop2"))
			.satisfies((ex) -> assertThat(NestedExceptionUtils.getMostSpecificCause(ex))
				.hasMessageContaining("pgroll: Flyway cannot apply V2__create_customers.sql to schema \"shop2\" while "
						+ "pgroll migration \"01_add_quantity\" is active")
				.hasMessageContaining("Nothing was applied. Complete the rollout first"));
		assertThat(flywayHistory(database, "shop2")).containsExactly("1 create orders");
		assertThat(database.queryForString("SELECT to_regclass('shop2.customers')::text")).isNull();

		// With nothing pending for Flyway, release 1 starts again during its own rollout.
		ConfigurableApplicationContext releaseOne = startReleaseOne(database, "shop2");
		assertThat(status(releaseOne).state()).isEqualTo(MigrationStatus.State.IN_PROGRESS);
		assertThat(jdbc(releaseOne).sql("SELECT count(*) FROM orders").query(Long.class).single()).isEqualTo(1);
	}

	private ConfigurableApplicationContext startReleaseOne(TestDatabase database, String schema) {
		return start(database, schema, "classpath:db/flyway-release-1", "classpath:pgroll/flyway-release-1");
	}

	private ConfigurableApplicationContext startReleaseTwo(TestDatabase database, String schema) {
		return start(database, schema, "classpath:db/flyway-release-1,classpath:db/flyway-release-2",
				"classpath:pgroll/flyway-release-1,classpath:pgroll/flyway-release-2");
	}

	private ConfigurableApplicationContext start(TestDatabase database, String schema, String flywayLocations,
			String pgrollLocations) {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(TestApplication.class)
			.web(WebApplicationType.NONE)
			.properties("spring.datasource.url=" + database.jdbcUrl(), "spring.datasource.username=" + database.user(),
					"spring.datasource.password=" + database.password(), "spring.flyway.locations=" + flywayLocations,
					"pgroll.schema=" + schema, "pgroll.locations=" + pgrollLocations)
			// An argument: it outranks the test application.properties that keeps Flyway off in other tests.
			.run("--spring.flyway.enabled=true");
		this.running.add(context);
		return context;
	}

	private static MigrationStatus status(ConfigurableApplicationContext context) {
		return context.getBean(Pgroll.class).status();
	}

	private static JdbcClient jdbc(ConfigurableApplicationContext context) {
		return context.getBean(JdbcClient.class);
	}

	/** Flyway's applied migrations (not its row for creating the schema), from its history table in the schema. */
	private static List<String> flywayHistory(TestDatabase database, String schema) {
		return database
			.queryForList("SELECT version || ' ' || description AS migration FROM " + schema
					+ ".flyway_schema_history WHERE success AND version IS NOT NULL ORDER BY installed_rank")
			.stream()
			.map((row) -> (String) row.get("migration"))
			.toList();
	}

	/** Tables (not views) in any version schema of the migrated schema: where Flyway must never write. */
	private static List<String> tablesOfVersionSchemas(TestDatabase database, String schema) {
		return database
			.queryForList("SELECT n.nspname || '.' || c.relname AS name FROM pg_class c JOIN pg_namespace n "
					+ "ON n.oid = c.relnamespace WHERE n.nspname LIKE ? AND c.relkind IN ('r', 'p')", schema + "\\_%")
			.stream()
			.map((row) -> (String) row.get("name"))
			.toList();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class TestApplication {

	}

}
