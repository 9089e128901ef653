package dev.pgroll4j.spring.autoconfigure;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

import dev.pgroll4j.core.PgrollConnectionException;

/**
 * No connection for migrating could be opened. The engine only has a data source, so the URL shown is the property
 * the auto-configuration builds it from (a {@code @PgrollDataSource} bean has none), with any password in it hidden.
 */
class PgrollConnectionFailureAnalyzer extends AbstractFailureAnalyzer<PgrollConnectionException> {

	private final Environment environment;

	PgrollConnectionFailureAnalyzer(Environment environment) {
		this.environment = environment;
	}

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, PgrollConnectionException cause) {
		String pgrollUrl = property("pgroll.url");
		String applicationUrl = property("spring.datasource.url");
		StringBuilder description = new StringBuilder("pgroll could not open a connection to migrate schema \"")
			.append(cause.schema())
			.append("\": ")
			.append(cause.serverMessage());
		if (pgrollUrl != null) {
			description.append("\n\n\tpgroll.url: ").append(pgrollUrl);
		}
		else if (applicationUrl != null) {
			description.append("\n\n\tspring.datasource.url: ").append(applicationUrl);
		}
		description.append("\n\nNothing was migrated.");
		String properties = (pgrollUrl != null) ? "pgroll.url, pgroll.user and pgroll.password"
				: "spring.datasource.url, spring.datasource.username and spring.datasource.password (or pgroll.url, "
						+ "pgroll.user and pgroll.password for a connection of pgroll's own)";
		return new FailureAnalysis(description.toString(), action(cause.sqlState()) + " The connection is configured "
				+ "by " + properties + ".", cause);
	}

	/** What to check first, by the class of the SQLSTATE: credentials, a database name, or the server itself. */
	private static String action(@Nullable String sqlState) {
		if (sqlState != null && sqlState.startsWith("28")) {
			return "Check the user name and password: the server refused them.";
		}
		if ("3D000".equals(sqlState)) {
			return "Check the database name in the URL, or create that database: the server has none of that name.";
		}
		return "Check that PostgreSQL runs and accepts connections at the host and port of the URL (that it is "
				+ "started, listens on that address, and no firewall is in the way), and that the user name and password "
				+ "are right.";
	}

	private @Nullable String property(String name) {
		String value = this.environment.getProperty(name);
		// A JDBC URL may carry the password as a parameter; the analysis is printed to the console.
		return StringUtils.hasText(value) ? value.replaceAll("(?i)(password=)[^&;]*", "$1***") : null;
	}

}
