package dev.pgroll4j.spring.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

import org.postgresql.Driver;

import dev.pgroll4j.core.MigrateResult;
import dev.pgroll4j.core.MigrationStatus;
import dev.pgroll4j.core.Pgroll;
import dev.pgroll4j.core.PgrollConfiguration;
import dev.pgroll4j.spring.PgrollDataSource;
import dev.pgroll4j.spring.PgrollMigrationInitializer;
import dev.pgroll4j.spring.PgrollMigrationStrategy;
import dev.pgroll4j.spring.PgrollMigrations;
import dev.pgroll4j.test.PostgresTest;
import dev.pgroll4j.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;

@PostgresTest
class PgrollAutoConfigurationTests {

	private static int schemas;

	private ApplicationContextRunner contextRunner;

	private String schema;

	@BeforeEach
	void useAFreshSchema(TestDatabase database) {
		this.schema = "app" + (++schemas);
		this.contextRunner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, PgrollAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=" + database.jdbcUrl(),
					"spring.datasource.username=" + database.user(), "spring.datasource.password=" + database.password(),
					"pgroll.schema=" + this.schema, "pgroll.locations=classpath:pgroll/v1");
	}

	@Test
	void backsOffWithoutADataSourceOrUrl() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(PgrollAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(Pgroll.class));
	}

	@Test
	void backsOffWhenDisabled() {
		this.contextRunner.withPropertyValues("pgroll.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(Pgroll.class)
				.doesNotHaveBean(PgrollMigrationInitializer.class));
	}

	@Test
	void backsOffWithoutTheEngineOnTheClasspath() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(Pgroll.class))
			.run((context) -> assertThat(context).doesNotHaveBean(PgrollMigrationInitializer.class));
	}

	@Test
	void migratesAtStartUpAndLeavesTheNewestMigrationActive() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(Pgroll.class);
			MigrationStatus status = context.getBean(Pgroll.class).status();
			assertThat(status.activeMigration().name()).isEqualTo("01_create_books");
			assertThat(context.getBean(PgrollMigrationInitializer.class).result().outcome())
				.isEqualTo(MigrateResult.Outcome.MIGRATED);
			assertThat(context.getBean(PgrollMigrations.class).versionSchema())
				.isEqualTo(this.schema + "_01_create_books");
		});
	}

	@Test
	void mapsPropertiesToTheEngineConfiguration() {
		this.contextRunner
			.withPropertyValues("pgroll.state-schema=history", "pgroll.lock-timeout=250ms",
					"pgroll.lock-retry-timeout=10s", "pgroll.startup-lock-wait=5s", "pgroll.backfill.batch-size=50",
					"pgroll.backfill.batch-delay=5ms", "pgroll.backfill.max-rows-per-second=2000",
					"pgroll.strict-down-expressions=true")
			.run((context) -> {
				PgrollConfiguration configuration = context.getBean(Pgroll.class).configuration();
				assertThat(configuration.schema()).isEqualTo(this.schema);
				assertThat(configuration.stateSchema()).isEqualTo("history");
				assertThat(configuration.lockTimeout()).isEqualTo(Duration.ofMillis(250));
				assertThat(configuration.lockRetryTimeout()).isEqualTo(Duration.ofSeconds(10));
				assertThat(configuration.migrationLockWait()).isEqualTo(Duration.ofSeconds(5));
				assertThat(configuration.backfillBatchSize()).isEqualTo(50);
				assertThat(configuration.backfillBatchDelay()).isEqualTo(Duration.ofMillis(5));
				assertThat(configuration.backfillMaxRowsPerSecond()).isEqualTo(2000);
				assertThat(configuration.strictDownExpressions()).isTrue();
				assertThat(configuration.migrations()).as("what complete and rollback check the history against")
					.isEqualTo(context.getBean(PgrollMigrations.class).migrations());
			});
	}

	@Test
	void appliesCustomizersInOrderAfterTheProperties() {
		this.contextRunner.withUserConfiguration(CustomizerConfiguration.class)
			.withPropertyValues("pgroll.backfill.batch-size=50")
			.run((context) -> {
				assertThat(context.getBean(Pgroll.class).configuration().backfillBatchSize()).isEqualTo(7);
				assertThat(context.getBean(CustomizerConfiguration.class).calls).containsExactly("first", "second");
			});
	}

	@Test
	void aMigrationStrategyBeanReplacesTheDefault() {
		this.contextRunner.withUserConfiguration(ValidateOnlyStrategyConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(Pgroll.class).status().state()).isEqualTo(MigrationStatus.State.NO_MIGRATIONS);
			assertThat(context.getBean(PgrollMigrationInitializer.class).result().outcome())
				.isEqualTo(MigrateResult.Outcome.UP_TO_DATE);
		});
	}

	@Test
	void aPgrollDataSourceRunsTheDdl(TestDatabase database) {
		TestDatabase other = database.createSibling("ddl");
		this.contextRunner.withUserConfiguration(DdlDataSourceConfiguration.class)
			.withPropertyValues("test.ddl.url=" + other.jdbcUrl(), "test.ddl.username=" + other.user(),
					"test.ddl.password=" + other.password())
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(other.queryForLong("SELECT count(*) FROM pg_tables WHERE tablename = 'books'"))
					.isEqualTo(1);
				assertThat(database.queryForLong("SELECT count(*) FROM pg_tables WHERE tablename = 'books' "
						+ "AND schemaname = '" + this.schema + "'")).isZero();
			});
	}

	@Test
	void aSeparateDdlConnectionRunsTheMigrationsAsItsOwnUser(TestDatabase database) {
		database.execute("DO $$ BEGIN CREATE ROLE pgroll_ddl LOGIN PASSWORD 'ddl-secret'; "
				+ "EXCEPTION WHEN duplicate_object THEN NULL; END $$",
				"GRANT CREATE ON DATABASE \"" + database.name() + "\" TO pgroll_ddl");
		this.contextRunner
			.withPropertyValues("pgroll.url=" + database.jdbcUrl(), "pgroll.user=pgroll_ddl",
					"pgroll.password=ddl-secret", "pgroll.state-schema=" + this.schema + "_state")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(owner(database, "books")).isEqualTo("pgroll_ddl");
			});
	}

	@Test
	void theDdlCanRunAsAnotherRole(TestDatabase database) {
		database.execute("DO $$ BEGIN CREATE ROLE pgroll_owner NOLOGIN; "
				+ "EXCEPTION WHEN duplicate_object THEN NULL; END $$",
				"GRANT CREATE ON DATABASE \"" + database.name() + "\" TO pgroll_owner");
		this.contextRunner.withPropertyValues("pgroll.role=pgroll_owner", "pgroll.state-schema=" + this.schema + "_st")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(owner(database, "books")).isEqualTo("pgroll_owner");
			});
	}

	private String owner(TestDatabase database, String table) {
		return database.queryForString("SELECT tableowner FROM pg_tables WHERE schemaname = ? AND tablename = ?",
				this.schema, table);
	}

	@Configuration(proxyBeanMethods = false)
	static class CustomizerConfiguration {

		final List<String> calls = new ArrayList<>();

		@Bean
		@Order(2)
		PgrollConfigurationCustomizer second() {
			return (builder) -> {
				this.calls.add("second");
				builder.backfillBatchSize(7);
			};
		}

		@Bean
		@Order(1)
		PgrollConfigurationCustomizer first() {
			return (builder) -> {
				this.calls.add("first");
				builder.backfillBatchSize(3);
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ValidateOnlyStrategyConfiguration {

		@Bean
		PgrollMigrationStrategy validateOnly() {
			return (pgroll, migrations) -> new MigrateResult(MigrateResult.Outcome.UP_TO_DATE, null, List.of(),
					List.of());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class DdlDataSourceConfiguration {

		@Bean
		@Primary
		DataSource dataSource(Environment environment) {
			return dataSource(environment, "spring.datasource.");
		}

		@Bean
		@PgrollDataSource
		DataSource ddlDataSource(Environment environment) {
			return dataSource(environment, "test.ddl.");
		}

		private static DataSource dataSource(Environment environment, String prefix) {
			return new SimpleDriverDataSource(new Driver(), environment.getProperty(prefix + "url"),
					environment.getProperty(prefix + "username"), environment.getProperty(prefix + "password"));
		}

	}

}
