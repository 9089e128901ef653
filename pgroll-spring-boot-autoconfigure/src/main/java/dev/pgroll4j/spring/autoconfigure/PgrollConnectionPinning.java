package dev.pgroll4j.spring.autoconfigure;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.ResourceLoaderAware;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.util.ClassUtils;

import com.zaxxer.hikari.HikariDataSource;

/**
 * Pins every connection of the application's data sources to the version schema of the newest local migration,
 * the version this application was written for, whatever is newest in the database. That is what lets old and
 * new instances run side by side during a rolling deployment.
 *
 * <p>A Hikari pool that has not started gets the pin as a startup parameter (no cost per borrow, and it survives
 * rollbacks and {@code DISCARD ALL}); any other data source is wrapped in a {@link PinnedDataSource}. Data sources
 * qualified {@link PgrollDataSource}, which run the DDL, are left alone.
 */
public class PgrollConnectionPinning implements BeanPostProcessor, BeanFactoryAware, EnvironmentAware,
		ResourceLoaderAware, Ordered {

	private static final Logger logger = LoggerFactory.getLogger(PgrollConnectionPinning.class);

	private static final boolean hikariPresent = ClassUtils.isPresent("com.zaxxer.hikari.HikariDataSource",
			PgrollConnectionPinning.class.getClassLoader());

	private ConfigurableListableBeanFactory beanFactory;

	private Environment environment;

	private ResourceLoader resourceLoader;

	private VersionPin pin;

	private boolean resolved;

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = (beanFactory instanceof ConfigurableListableBeanFactory listable) ? listable : null;
	}

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void setResourceLoader(ResourceLoader resourceLoader) {
		this.resourceLoader = resourceLoader;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
		if (!(bean instanceof DataSource dataSource) || bean instanceof PinnedDataSource || isPgrollDataSource(beanName)) {
			return bean;
		}
		VersionPin versionPin = pin();
		if (versionPin == null) {
			return bean;
		}
		if (hikariPresent && HikariPinning.pin(bean, versionPin)) {
			logger.info("pgroll: connections of data source '{}' start in version schema {}", beanName,
					versionPin.versionSchema());
			return bean;
		}
		logger.info("pgroll: connections of data source '{}' are set to version schema {} when borrowed", beanName,
				versionPin.versionSchema());
		return new PinnedDataSource(dataSource, versionPin);
	}

	private boolean isPgrollDataSource(String beanName) {
		return this.beanFactory != null && this.beanFactory.containsBeanDefinition(beanName)
				&& this.beanFactory.findAnnotationOnBean(beanName, PgrollDataSource.class) != null;
	}

	/** The pin from the configured migrations, or {@code null} when pinning is off or there are none. */
	private synchronized VersionPin pin() {
		if (!this.resolved) {
			this.resolved = true;
			PgrollProperties properties = Binder.get(this.environment)
				.bind("pgroll", PgrollProperties.class)
				.orElseGet(PgrollProperties::new);
			if (properties.isEnabled() && properties.isPinConnections()) {
				String versionSchema = PgrollMigrations.load(properties, this.resourceLoader).versionSchema();
				this.pin = (versionSchema != null) ? new VersionPin(versionSchema) : null;
			}
		}
		return this.pin;
	}

	@Override
	public int getOrder() {
		// After other data source post-processors (such as Boot's connection details one), before proxies.
		return Ordered.LOWEST_PRECEDENCE - 20;
	}

	/** Kept apart so that Hikari stays optional. */
	private static final class HikariPinning {

		static boolean pin(Object bean, VersionPin pin) {
			if (!(bean instanceof HikariDataSource hikari) || hikari.isRunning()) {
				return false;
			}
			String url = hikari.getJdbcUrl();
			if (VersionPin.hasOptionsInUrl(url)) {
				// Parameters in the URL override driver properties, so the URL's own options must carry the pin.
				hikari.setJdbcUrl(pin.withStartupOptionsInUrl(url));
			}
			else {
				hikari.addDataSourceProperty("options",
						pin.startupOptions(hikari.getDataSourceProperties().getProperty("options")));
			}
			return true;
		}

	}

}
