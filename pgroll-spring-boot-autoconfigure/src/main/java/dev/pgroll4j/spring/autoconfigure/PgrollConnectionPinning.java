package dev.pgroll4j.spring.autoconfigure;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import org.postgresql.ds.common.BaseDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.Ordered;
import org.springframework.jdbc.datasource.AbstractDriverBasedDataSource;
import org.springframework.util.ClassUtils;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.util.DriverDataSource;
import com.zaxxer.hikari.util.PropertyElf;
import com.zaxxer.hikari.util.UtilityElf;

import dev.pgroll4j.core.VersionSelection;
import dev.pgroll4j.spring.PgrollDataSource;
import dev.pgroll4j.spring.PgrollMigrations;
import dev.pgroll4j.spring.autoconfigure.PgrollProperties.PoolerMode;

/**
 * Pins every connection of the application's data sources to the version schema of the newest local migration,
 * the version this application was written for, whatever is newest in the database. That is what lets old and
 * new instances run side by side during a rolling deployment. The migrations are those of the
 * {@link PgrollMigrations} bean, the ones start-up runs, looked up when the first data source is post-processed
 * (not when this post-processor is created, which is before most beans can be).
 *
 * <p>A Hikari pool that has not started gets the pin as a startup parameter (no cost per borrow, and it survives
 * rollbacks and {@code DISCARD ALL}), checked with one query on each new physical connection before the pool has it;
 * behind a session-mode pooler ({@code pgroll.pooler-mode=session}) each new physical connection gets it with
 * {@code SET} instead. Any other data source is wrapped in a {@link PinnedDataSource}. Once the context's singletons
 * exist (migrations have run), one connection of each data source is checked as the application gets it, so a pin
 * that does not take fails start-up. Data sources qualified {@link PgrollDataSource}, which run the DDL, are left
 * alone.
 */
public class PgrollConnectionPinning implements BeanPostProcessor, BeanFactoryAware, SmartInitializingSingleton,
		Ordered {

	private static final Logger logger = LoggerFactory.getLogger(PgrollConnectionPinning.class);

	private static final boolean hikariPresent = ClassUtils.isPresent("com.zaxxer.hikari.HikariDataSource",
			PgrollConnectionPinning.class.getClassLoader());

	private final ObjectProvider<PgrollProperties> properties;

	private final ObjectProvider<PgrollMigrations> migrations;

	private ConfigurableListableBeanFactory beanFactory;

	private VersionSelection selection;

	private PoolerMode poolerMode = PoolerMode.NONE;

	private boolean resolved;

	/** Checks of data sources pinned before the context's singletons exist; guarded by this. */
	private final List<StartupCheck> startupChecks = new ArrayList<>();

	private boolean started;

	PgrollConnectionPinning(ObjectProvider<PgrollProperties> properties, ObjectProvider<PgrollMigrations> migrations) {
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
		ConnectionPinner pinner = new ConnectionPinner(selection, beanName, this.poolerMode);
		DataSource opener = hikariPresent ? HikariPinning.pin(bean, pinner) : null;
		if (opener != null) {
			logger.info(pinner.pinsAtStartup() ? "pgroll: connections of data source '{}' start in version schema {}"
					: "pgroll: connections of data source '{}' are set to version schema {} when opened "
							+ "(pgroll.pooler-mode=session)", beanName, selection.versionSchema());
			checkAtStartup(beanName, () -> pinner.checkAtStartup(dataSource, opener));
			return bean;
		}
		logger.info("pgroll: connections of data source '{}' are set to version schema {} when borrowed", beanName,
				selection.versionSchema());
		PinnedDataSource pinned = new PinnedDataSource(dataSource, pinner);
		// Only an unpooled data source may safely give a second connection while the first is held.
		DataSource second = (dataSource instanceof AbstractDriverBasedDataSource) ? pinned : null;
		checkAtStartup(beanName, () -> pinner.checkAtStartup(pinned, second));
		return pinned;
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

	private void checkAtStartup(String beanName, PinCheck check) {
		StartupCheck startupCheck = new StartupCheck(beanName, check);
		synchronized (this) {
			if (!this.started) {
				this.startupChecks.add(startupCheck);
				return;
			}
		}
		// A data source created after start-up (a lazy bean): checked when it is.
		startupCheck.run();
	}

	private boolean isPgrollDataSource(String beanName) {
		return this.beanFactory != null && this.beanFactory.containsBeanDefinition(beanName)
				&& this.beanFactory.findAnnotationOnBean(beanName, PgrollDataSource.class) != null;
	}

	/**
	 * The version of the {@link PgrollMigrations} bean, which connections are pinned to, or {@code null} when
	 * pinning is off or there are no migrations.
	 */
	private synchronized VersionSelection selection() {
		if (!this.resolved) {
			PgrollProperties properties = this.properties.getIfAvailable();
			PgrollMigrations migrations = (properties != null && properties.isEnabled()
					&& properties.isPinConnections()) ? this.migrations.getIfAvailable() : null;
			if (migrations != null && migrations.versionSelection() != null) {
				this.selection = migrations.versionSelection();
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

	/** A check of one data source's pin at start-up. */
	@FunctionalInterface
	private interface PinCheck {

		void run() throws SQLException;

	}

	private record StartupCheck(String beanName, PinCheck check) {

		void run() {
			try {
				this.check.run();
			}
			catch (SQLException ex) {
				throw new IllegalStateException(
						"pgroll: connections of data source '" + this.beanName + "' failed their check at start-up", ex);
			}
		}

	}

	/** Kept apart so that Hikari stays optional. */
	private static final class HikariPinning {

		/**
		 * Makes a pool that has not started open its physical connections through a {@link PinCheckingDataSource},
		 * with the pin in their startup parameters unless they get it with SET; returns that data source, or
		 * {@code null} if the pool cannot be pinned this way.
		 */
		static DataSource pin(Object bean, ConnectionPinner pinner) {
			if (!(bean instanceof HikariDataSource hikari) || hikari.isRunning()) {
				return null;
			}
			DataSource opener = opener(hikari, pinner.pinsAtStartup() ? pinner.selection() : null);
			if (opener == null) {
				return null;
			}
			PinCheckingDataSource checking = new PinCheckingDataSource(opener, pinner);
			hikari.setDataSource(checking);
			return checking;
		}

		/**
		 * The data source the pool would open its connections from, made as Hikari makes it, with {@code pin} in
		 * its startup parameters if not {@code null}; {@code null} for one looked up in JNDI, or a data source of
		 * the application's that takes no pgjdbc options.
		 */
		private static DataSource opener(HikariDataSource hikari, VersionSelection pin) {
			DataSource given = hikari.getDataSource();
			if (given != null) {
				if (pin != null) {
					if (!(given instanceof BaseDataSource pgjdbc)) {
						return null;
					}
					pgjdbc.setOptions(pin.startupOptions(pgjdbc.getOptions()));
				}
				return given;
			}
			if (hikari.getDataSourceClassName() != null) {
				if (pin != null) {
					hikari.addDataSourceProperty("options",
							pin.startupOptions(hikari.getDataSourceProperties().getProperty("options")));
				}
				DataSource created = UtilityElf.createInstance(hikari.getDataSourceClassName(), DataSource.class);
				PropertyElf.setTargetFromProperties(created, hikari.getDataSourceProperties());
				// Hikari warns when it is given both.
				hikari.setDataSourceClassName(null);
				return created;
			}
			String url = hikari.getJdbcUrl();
			if (url == null) {
				return null;
			}
			if (pin != null && hasOptionsInUrl(url)) {
				// Parameters in the URL override driver properties, so the URL's own options must carry the pin.
				url = withStartupOptionsInUrl(url, pin);
				hikari.setJdbcUrl(url);
			}
			else if (pin != null) {
				hikari.addDataSourceProperty("options",
						pin.startupOptions(hikari.getDataSourceProperties().getProperty("options")));
			}
			return new DriverDataSource(url, hikari.getDriverClassName(), hikari.getDataSourceProperties(),
					hikari.getUsername(), hikari.getPassword());
		}

		private static boolean hasOptionsInUrl(String url) {
			int query = url.indexOf('?');
			return query >= 0 && ("&" + url.substring(query + 1)).contains("&options=");
		}

		/**
		 * A JDBC URL whose own {@code options} parameter (which overrides driver properties) also selects the
		 * version, after the options it had.
		 */
		private static String withStartupOptionsInUrl(String url, VersionSelection pin) {
			int query = url.indexOf('?');
			String[] parameters = url.substring(query + 1).split("&");
			StringBuilder rebuilt = new StringBuilder(url.substring(0, query + 1));
			for (int i = 0; i < parameters.length; i++) {
				String parameter = parameters[i];
				if (parameter.startsWith("options=")) {
					String existing = URLDecoder.decode(parameter.substring("options=".length()), StandardCharsets.UTF_8);
					parameter = "options=" + URLEncoder.encode(pin.startupOptions(existing), StandardCharsets.UTF_8)
						.replace("+", "%20");
				}
				rebuilt.append((i > 0) ? "&" : "").append(parameter);
			}
			return rebuilt.toString();
		}

	}

}
