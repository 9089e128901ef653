package dev.pgroll4j.spring.pinning;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;
import org.postgresql.ds.common.BaseDataSource;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.util.DriverDataSource;
import com.zaxxer.hikari.util.PropertyElf;
import com.zaxxer.hikari.util.UtilityElf;

import dev.pgroll4j.core.VersionSelection;

/**
 * Pins the connections of a Hikari pool where they are opened. Kept apart so that Hikari stays optional: only
 * {@link DataSourcePinning} refers to it, once it knows Hikari is there.
 */
final class HikariPinning {

	private HikariPinning() {
	}

	/**
	 * Makes a pool that has not started open its physical connections through a {@link PinCheckingDataSource},
	 * with the pin in their startup parameters unless they get it with SET; returns that data source, or
	 * {@code null} if the pool cannot be pinned this way.
	 */
	static @Nullable DataSource pin(DataSource dataSource, ConnectionPinner pinner) {
		if (!(dataSource instanceof HikariDataSource hikari) || hikari.isRunning()) {
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
	private static @Nullable DataSource opener(HikariDataSource hikari, @Nullable VersionSelection pin) {
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
