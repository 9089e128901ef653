package dev.pgroll4j.spring.autoconfigure;

import java.lang.annotation.Annotation;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.AbstractBeanDefinition;
import org.springframework.core.Ordered;
import org.springframework.util.ClassUtils;

import dev.pgroll4j.core.VersionSelection;
import dev.pgroll4j.spring.PgrollDataSource;
import dev.pgroll4j.spring.PgrollMigrationInitializer;
import dev.pgroll4j.spring.PgrollMigrations;
import dev.pgroll4j.spring.PgrollPinned;
import dev.pgroll4j.spring.pinning.DataSourcePinning;
import dev.pgroll4j.spring.pinning.PinnedDataSource;
import dev.pgroll4j.spring.pinning.PoolerMode;

/**
 * Pins every connection of the application's data source to the version schema of the newest local migration,
 * the version this application was written for, whatever is newest in the database. That is what lets old and
 * new instances run side by side during a rolling deployment. The migrations are those of the
 * {@link PgrollMigrations} bean, the ones start-up runs, looked up when the first data source is post-processed
 * (not when this post-processor is created, which is before most beans can be).
 *
 * <p>The application's data source is the one a plain {@code DataSource} injection point gets, decided from the
 * bean definitions as Boot's {@code @ConditionalOnSingleCandidate} does: the single default candidate, else the
 * one {@code @Primary} (or the one not {@code @Fallback}). Data sources that are not default candidates
 * ({@code @Bean(defaultCandidate = false)}) or lose to a primary one may well be connected to another database,
 * and are pinned only if marked {@link PgrollPinned}. Data sources qualified {@link PgrollDataSource} or
 * {@code @FlywayDataSource}, which run DDL and must see the schemas as they are, are never pinned. If no data source is marked and several are candidates, none primary, start-up
 * fails rather than guess.
 *
 * <p>How each data source is pinned is {@link DataSourcePinning}'s business. Once migrations have run (the
 * {@link PgrollMigrationInitializer} is initialised, else once the context's singletons exist), one connection of
 * each pinned data source is checked as the application gets it, so a pin that does not take fails start-up.
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

	/** Which data source beans to pin, decided from the bean definitions when the first one is post-processed. */
	private @Nullable Candidates candidates;

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
		if (bean instanceof PgrollMigrationInitializer) {
			// Before JPA and the other beans that wait for the migrations connect: Hibernate would report a failed
			// pin as "Unable to determine Dialect", keeping the reason only in a warning.
			runStartupChecks();
			return bean;
		}
		if (!(bean instanceof DataSource dataSource) || bean instanceof PinnedDataSource) {
			return bean;
		}
		if (isDdlDataSource(beanName)) {
			if (hasAnnotation(beanName, PgrollPinned.class)) {
				throw new IllegalStateException("pgroll: data source '" + beanName + "' is marked both @PgrollDataSource "
						+ "or @FlywayDataSource (a connection that runs DDL, never pinned) and @PgrollPinned; remove one of them");
			}
			return bean;
		}
		VersionSelection selection = selection();
		if (selection == null || !candidates().isPinned(beanName)) {
			return bean;
		}
		DataSourcePinning pinning = DataSourcePinning.pin(dataSource, beanName, selection, this.poolerMode);
		checkAtStartup(new StartupCheck(beanName, pinning));
		return pinning.dataSource();
	}

	/** Checks the pins not checked yet, for a context without a {@link PgrollMigrationInitializer}. */
	@Override
	public void afterSingletonsInstantiated() {
		runStartupChecks();
	}

	/** Checks one connection of each pinned data source now that migrations have run, and later ones as created. */
	private void runStartupChecks() {
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
	private boolean isDdlDataSource(String beanName) {
		return hasAnnotation(beanName, PgrollDataSource.class)
				|| (flywayDataSource != null && hasAnnotation(beanName, flywayDataSource));
	}

	/** Whether the bean definition (its class or {@code @Bean} method) carries it; creates no factory bean. */
	private boolean hasAnnotation(String beanName, Class<? extends Annotation> annotation) {
		return this.beanFactory != null && this.beanFactory.containsBeanDefinition(beanName)
				&& this.beanFactory.findAnnotationOnBean(beanName, annotation, false) != null;
	}

	private synchronized Candidates candidates() {
		if (this.candidates == null) {
			this.candidates = findCandidates();
		}
		return this.candidates;
	}

	/**
	 * The data source beans marked {@link PgrollPinned} and the application's data source. Only names and
	 * definitions are read (no bean is created), as {@code DataSource} injection would resolve by type.
	 */
	private Candidates findCandidates() {
		ConfigurableListableBeanFactory beanFactory = this.beanFactory;
		if (beanFactory == null) {
			// Without a bean factory to read definitions from, the data sources there are are pinned, as before.
			return new Candidates(Set.of(), null, List.of(), true);
		}
		Set<String> marked = new LinkedHashSet<>();
		List<String> defaultCandidates = new ArrayList<>();
		for (String name : beanFactory.getBeanNamesForType(DataSource.class, true, false)) {
			if (isDdlDataSource(name)) {
				continue;
			}
			if (hasAnnotation(name, PgrollPinned.class)) {
				marked.add(name);
			}
			if (isDefaultCandidate(beanFactory, name)) {
				defaultCandidates.add(name);
			}
		}
		String application = single(defaultCandidates);
		if (application == null) {
			application = single(defaultCandidates.stream().filter((name) -> isPrimary(beanFactory, name)).toList());
		}
		if (application == null && defaultCandidates.stream().noneMatch((name) -> isPrimary(beanFactory, name))) {
			application = single(defaultCandidates.stream().filter((name) -> !isFallback(beanFactory, name)).toList());
		}
		List<String> ambiguous = (application == null && defaultCandidates.size() > 1) ? defaultCandidates : List.of();
		return new Candidates(marked, application, ambiguous, false);
	}

	private static boolean isDefaultCandidate(ConfigurableListableBeanFactory beanFactory, String name) {
		if (!beanFactory.containsBeanDefinition(name)) {
			return true; // a singleton registered as an object: a candidate like any other
		}
		BeanDefinition definition = beanFactory.getMergedBeanDefinition(name);
		return definition.isAutowireCandidate()
				&& (!(definition instanceof AbstractBeanDefinition abstractDefinition)
						|| abstractDefinition.isDefaultCandidate());
	}

	private static boolean isPrimary(ConfigurableListableBeanFactory beanFactory, String name) {
		return beanFactory.containsBeanDefinition(name) && beanFactory.getMergedBeanDefinition(name).isPrimary();
	}

	private static boolean isFallback(ConfigurableListableBeanFactory beanFactory, String name) {
		return beanFactory.containsBeanDefinition(name) && beanFactory.getMergedBeanDefinition(name).isFallback();
	}

	private static @Nullable String single(List<String> names) {
		return (names.size() == 1) ? names.get(0) : null;
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

	/**
	 * Which data sources to pin: those marked, and the application's one. {@code ambiguous} lists the default
	 * candidates when none of them is the application's; {@code all} pins every data source.
	 */
	private record Candidates(Set<String> marked, @Nullable String application, List<String> ambiguous,
			boolean all) {

		boolean isPinned(String beanName) {
			if (this.all || this.marked.contains(beanName) || beanName.equals(this.application)) {
				return true;
			}
			if (this.marked.isEmpty() && this.ambiguous.contains(beanName)) {
				throw new IllegalStateException("pgroll: cannot tell which data source is the application's, to pin "
						+ "its connections to the version schema: " + String.join(", ", this.ambiguous.stream()
							.map((name) -> "'" + name + "'").toList())
						+ " are all candidates for a DataSource injection point and none is @Primary. Mark the one "
						+ "on the database pgroll migrates @Primary (or the others @Bean(defaultCandidate = false)), "
						+ "mark each data source to pin @PgrollPinned, or turn pinning off with "
						+ "pgroll.pin-connections=false");
			}
			return false;
		}

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
