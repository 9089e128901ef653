package dev.pgroll4j.spring.autoconfigure;

import java.lang.annotation.Annotation;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.Ordered;
import org.springframework.util.ClassUtils;

import dev.pgroll4j.core.VersionSelection;
import dev.pgroll4j.spring.PgrollDataSource;
import dev.pgroll4j.spring.PgrollMigrations;
import dev.pgroll4j.spring.pinning.DataSourcePinning;
import dev.pgroll4j.spring.pinning.PinnedDataSource;
import dev.pgroll4j.spring.pinning.PoolerMode;

/**
 * Pins every connection of the application's data sources to the version schema of the newest local migration,
 * the version this application was written for, whatever is newest in the database. That is what lets old and
 * new instances run side by side during a rolling deployment. The migrations are those of the
 * {@link PgrollMigrations} bean, the ones start-up runs, looked up when the first data source is post-processed
 * (not when this post-processor is created, which is before most beans can be).
 *
 * <p>How each data source is pinned is {@link DataSourcePinning}'s business. Once the context's singletons exist
 * (migrations have run), one connection of each data source is checked as the application gets it, so a pin that
 * does not take fails start-up. Data sources qualified {@link PgrollDataSource} or {@code @FlywayDataSource}, which
 * run DDL, are left alone.
 */
class DataSourcePinningPostProcessor implements BeanPostProcessor, BeanFactoryAware, SmartInitializingSingleton,
		Ordered {

	/** Boot's {@code @FlywayDataSource}, when Flyway's auto-configuration is on the classpath. */
	@SuppressWarnings("unchecked")
	private static final @Nullable Class<? extends Annotation> flywayDataSource = ClassUtils.isPresent(
			"org.springframework.boot.flyway.autoconfigure.FlywayDataSource",
			DataSourcePinningPostProcessor.class.getClassLoader())
					? (Class<? extends Annotation>) ClassUtils.resolveClassName(
							"org.springframework.boot.flyway.autoconfigure.FlywayDataSource",
							DataSourcePinningPostProcessor.class.getClassLoader())
					: null;

	private final ObjectProvider<PgrollProperties> properties;

	private final ObjectProvider<PgrollMigrations> migrations;

	private @Nullable ConfigurableListableBeanFactory beanFactory;

	private @Nullable VersionSelection selection;

	private PoolerMode poolerMode = PoolerMode.NONE;

	private boolean resolved;

	/** Checks of data sources pinned before the context's singletons exist; guarded by this. */
	private final List<StartupCheck> startupChecks = new ArrayList<>();

	private boolean started;

	DataSourcePinningPostProcessor(ObjectProvider<PgrollProperties> properties,
			ObjectProvider<PgrollMigrations> migrations) {
		this.properties = properties;
		this.migrations = migrations;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = (beanFactory instanceof ConfigurableListableBeanFactory listable) ? listable : null;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
		if (!(bean instanceof DataSource dataSource) || bean instanceof PinnedDataSource || isPgrollDataSource(beanName)) {
			return bean;
		}
		VersionSelection selection = selection();
		if (selection == null) {
			return bean;
		}
		DataSourcePinning pinning = DataSourcePinning.pin(dataSource, beanName, selection, this.poolerMode);
		checkAtStartup(new StartupCheck(beanName, pinning));
		return pinning.dataSource();
	}

	/** Checks one connection of each pinned data source now that migrations have run. */
	@Override
	public void afterSingletonsInstantiated() {
		List<StartupCheck> checks;
		synchronized (this) {
			this.started = true;
			checks = List.copyOf(this.startupChecks);
			this.startupChecks.clear();
		}
		for (StartupCheck check : checks) {
			check.run();
		}
	}

	private void checkAtStartup(StartupCheck startupCheck) {
		synchronized (this) {
			if (!this.started) {
				this.startupChecks.add(startupCheck);
				return;
			}
		}
		// A data source created after start-up (a lazy bean): checked when it is.
		startupCheck.run();
	}

	/** A data source qualified for pgroll's or Flyway's DDL, which must see the schemas as they are. */
	private boolean isPgrollDataSource(String beanName) {
		return this.beanFactory != null && this.beanFactory.containsBeanDefinition(beanName)
				&& (this.beanFactory.findAnnotationOnBean(beanName, PgrollDataSource.class) != null
						|| (flywayDataSource != null
								&& this.beanFactory.findAnnotationOnBean(beanName, flywayDataSource) != null));
	}

	/**
	 * The version of the {@link PgrollMigrations} bean, which connections are pinned to, or {@code null} when
	 * pinning is off or there are no migrations.
	 */
	private synchronized @Nullable VersionSelection selection() {
		if (!this.resolved) {
			PgrollProperties properties = this.properties.getIfAvailable();
			PgrollMigrations migrations = (properties != null && properties.isEnabled()
					&& properties.isPinConnections()) ? this.migrations.getIfAvailable() : null;
			VersionSelection selection = (migrations != null) ? migrations.versionSelection() : null;
			if (selection != null) {
				this.selection = selection;
				this.poolerMode = properties.getPoolerMode();
			}
			this.resolved = true;
		}
		return this.selection;
	}

	@Override
	public int getOrder() {
		// After other data source post-processors (such as Boot's connection details one), before proxies.
		return Ordered.LOWEST_PRECEDENCE - 20;
	}

	/** The check at start-up of one data source's pin. */
	private record StartupCheck(String beanName, DataSourcePinning pinning) {

		void run() {
			try {
				this.pinning.check();
			}
			catch (SQLException ex) {
				throw new IllegalStateException(
						"pgroll: connections of data source '" + this.beanName + "' failed their check at start-up", ex);
			}
		}

	}

}
