package dev.pgroll4j.spring.autoconfigure;

import javax.sql.DataSource;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.DataSourceBuilder;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.sql.init.dependency.DatabaseInitializationDependencyConfigurer;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.ConfigurationCondition;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.ImportRuntimeHints;
import org.springframework.core.io.ResourceLoader;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.util.StringUtils;

import dev.pgroll4j.core.BackfillListener;
import dev.pgroll4j.core.InstanceRegistration;
import dev.pgroll4j.core.MigrateOptions;
import dev.pgroll4j.core.MigrationListener;
import dev.pgroll4j.core.Pgroll;
import dev.pgroll4j.core.PgrollConfiguration;
import dev.pgroll4j.spring.PgrollDataSource;
import dev.pgroll4j.spring.PgrollInstance;
import dev.pgroll4j.spring.PgrollMigrationEvents;
import dev.pgroll4j.spring.PgrollMigrationInitializer;
import dev.pgroll4j.spring.PgrollMigrationStrategy;
import dev.pgroll4j.spring.PgrollMigrations;

/**
 * Auto-configuration of pgroll: loads the migration files, migrates at start-up (before anything else uses the
 * database) and pins the application's connections to its version schema.
 */
@AutoConfiguration(after = DataSourceAutoConfiguration.class)
@ConditionalOnClass(Pgroll.class)
@Conditional(PgrollAutoConfiguration.PgrollDataSourceCondition.class)
@ConditionalOnBooleanProperty(name = "pgroll.enabled", matchIfMissing = true)
@EnableConfigurationProperties(PgrollProperties.class)
@Import(DatabaseInitializationDependencyConfigurer.class)
@ImportRuntimeHints(PgrollRuntimeHints.class)
public final class PgrollAutoConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(PgrollAutoConfiguration.class);

	@Bean
	@ConditionalOnMissingBean
	PgrollMigrations pgrollMigrations(PgrollProperties properties, ResourceLoader resourceLoader) {
		return PgrollMigrations.load(properties.getLocations(), properties.getSchema(), resourceLoader);
	}

	@Bean
	@ConditionalOnMissingBean
	PgrollMigrationEvents pgrollMigrationEvents() {
		return new PgrollMigrationEvents();
	}

	@Bean
	@ConditionalOnMissingBean
	Pgroll pgroll(PgrollProperties properties, PgrollMigrations migrations, PgrollMigrationEvents events,
			ObjectProvider<DataSource> dataSource,
			@PgrollDataSource ObjectProvider<DataSource> pgrollDataSource,
			ObjectProvider<JdbcConnectionDetails> connectionDetails,
			ObjectProvider<PgrollConfigurationCustomizer> customizers, ObjectProvider<MigrationListener> listeners,
			ObjectProvider<BackfillListener> backfillListeners) {
		if (properties.getAutoComplete().isEnabled() && !properties.getInstances().isEnabled()) {
			// Without the registry auto-complete could not tell whether the previous release still runs.
			throw new IllegalStateException("pgroll.auto-complete.enabled=true needs the instance registry, but "
					+ "pgroll.instances.enabled=false; enable the registry, or complete through the actuator");
		}
		// Listener beans (such as the metrics) hear everything from the first migration at start-up on.
		listeners.orderedStream().filter((listener) -> listener != events).forEach(events::register);
		backfillListeners.orderedStream().filter((listener) -> listener != events).forEach(events::register);
		PgrollConfiguration.Builder builder = Pgroll.configure()
			.dataSource(migrationDataSource(properties, dataSource, pgrollDataSource, connectionDetails))
			.schema(properties.getSchema())
			.stateSchema(properties.getStateSchema())
			.lockTimeout(properties.getLockTimeout())
			.lockRetryTimeout(properties.getLockRetryTimeout())
			.migrationLockWait(properties.getStartupLockWait())
			.role(StringUtils.hasText(properties.getRole()) ? properties.getRole() : null)
			.backfillBatchSize(properties.getBackfill().getBatchSize())
			.backfillBatchDelay(properties.getBackfill().getBatchDelay())
			.backfillMaxRowsPerSecond(properties.getBackfill().getMaxRowsPerSecond())
			.strictDownExpressions(properties.isStrictDownExpressions())
			// The actuator's complete, rollback and repair run a migration from the history only if it matches these.
			.migrations(migrations.migrations())
			.listener(events)
			.backfillListener(events);
		customizers.orderedStream().forEach((customizer) -> customizer.customize(builder));
		return builder.load();
	}

	/**
	 * DDL runs on a connection of its own, never a pooled one pinned to a version schema: the
	 * {@link PgrollDataSource} bean, else {@code pgroll.url}, else the application's connection settings with an
	 * unpooled data source, else (for a data source without connection details) the application's data source.
	 */
	private static DataSource migrationDataSource(PgrollProperties properties, ObjectProvider<DataSource> dataSource,
			ObjectProvider<DataSource> pgrollDataSource, ObjectProvider<JdbcConnectionDetails> connectionDetails) {
		DataSource qualified = pgrollDataSource.getIfAvailable();
		if (qualified != null) {
			return qualified;
		}
		JdbcConnectionDetails details = connectionDetails.getIfAvailable();
		String url = StringUtils.hasText(properties.getUrl()) ? properties.getUrl()
				: (details != null) ? details.getJdbcUrl() : null;
		if (url == null) {
			return dataSource.getObject();
		}
		boolean ownCredentials = StringUtils.hasText(properties.getUrl()) || StringUtils.hasText(properties.getUser());
		String user = ownCredentials ? properties.getUser() : details.getUsername();
		String password = ownCredentials ? properties.getPassword() : details.getPassword();
		return DataSourceBuilder.create().type(SimpleDriverDataSource.class).url(url).username(user).password(password)
			.build();
	}

	@Bean
	@ConditionalOnMissingBean
	PgrollMigrationInitializer pgrollMigrationInitializer(Pgroll pgroll, PgrollMigrations migrations,
			PgrollProperties properties, ObjectProvider<PgrollMigrationStrategy> strategy) {
		boolean restartChanged = properties.getDevelopment().isRestartChangedActiveMigration();
		if (restartChanged) {
			logger.warn("pgroll.development.restart-changed-active-migration is on: a migration of the active rollout "
					+ "whose file changed is rolled back at start-up by running the SQL the history holds for it, "
					+ "which no file matches any more, and started again. For a developer's own database only; "
					+ "never turn it on for a shared or production database");
		}
		MigrateOptions options = new MigrateOptions(properties.isCompleteActiveMigration(),
				properties.isCompleteOnStart(), properties.getStartupLockWait(), restartChanged);
		PgrollMigrationStrategy defaultStrategy = (engine, local) -> engine.migrate(local, options);
		return new PgrollMigrationInitializer(pgroll, migrations, strategy.getIfAvailable(() -> defaultStrategy));
	}

	/**
	 * This instance in the registry of the state schema, beating from the time the context starts until it stops;
	 * registered under the version schema its connections are pinned to.
	 */
	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty(name = "pgroll.instances.enabled", matchIfMissing = true)
	PgrollInstance pgrollInstance(Pgroll pgroll, PgrollMigrations migrations, PgrollProperties properties,
			ApplicationEventPublisher publisher) {
		PgrollProperties.Instances instances = properties.getInstances();
		if (instances.getExpiry().compareTo(instances.getHeartbeatInterval()) <= 0) {
			throw new IllegalStateException("pgroll.instances.expiry (" + instances.getExpiry() + ") must be longer "
					+ "than pgroll.instances.heartbeat-interval (" + instances.getHeartbeatInterval() + "), or "
					+ "instances would expire between their heartbeats");
		}
		String versionSchema = migrations.versionSchema();
		InstanceRegistration registration = null;
		if (versionSchema != null) {
			registration = InstanceRegistration.forThisProcess(versionSchema, instances.getExpiry());
			if (StringUtils.hasText(instances.getHost())) {
				registration = new InstanceRegistration(registration.id(), instances.getHost(), versionSchema,
						instances.getExpiry());
			}
		}
		Duration grace = properties.getAutoComplete().isEnabled() ? properties.getAutoComplete().getGracePeriod()
				: null;
		return new PgrollInstance(pgroll, registration, instances.getHeartbeatInterval(), grace, publisher);
	}

	/**
	 * A post-processor, created before most beans: it looks the properties and the migrations up when it first
	 * pins a data source, so that it pins to the migrations start-up runs, whoever defines them.
	 */
	@Bean
	@ConditionalOnBooleanProperty(name = "pgroll.pin-connections", matchIfMissing = true)
	static DataSourcePinningPostProcessor pgrollConnectionPinning(ObjectProvider<PgrollProperties> properties,
			ObjectProvider<PgrollMigrations> migrations) {
		return new DataSourcePinningPostProcessor(properties, migrations);
	}

	/**
	 * Flyway side by side: it runs first (see {@link PgrollDatabaseInitializerDetector}), off the pinned path and in
	 * the migrated schema, and never while a pgroll migration is active.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = { "org.flywaydb.core.Flyway",
			"org.springframework.boot.flyway.autoconfigure.FlywayConfigurationCustomizer" })
	static final class PgrollFlywayConfiguration {

		@Bean
		PgrollFlywayConfigurationCustomizer pgrollFlywayConfigurationCustomizer(ObjectProvider<Pgroll> pgroll,
				ObjectProvider<DataSource> dataSource) {
			return new PgrollFlywayConfigurationCustomizer(pgroll, dataSource);
		}

	}

	/** pgroll needs a database: an application data source, JDBC connection details, or {@code pgroll.url}. */
	static final class PgrollDataSourceCondition extends AnyNestedCondition {

		PgrollDataSourceCondition() {
			super(ConfigurationCondition.ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnBean(DataSource.class)
		private static final class DataSourceBeanCondition {

		}

		@ConditionalOnBean(JdbcConnectionDetails.class)
		private static final class JdbcConnectionDetailsCondition {

		}

		@ConditionalOnProperty("pgroll.url")
		private static final class PgrollUrlCondition {

		}

	}

}
