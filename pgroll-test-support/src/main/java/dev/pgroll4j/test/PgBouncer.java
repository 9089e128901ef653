package dev.pgroll4j.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.postgresql.Driver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PgBouncer in front of a {@link TestDatabase}: Debian's package, unpacked (not installed) by
 * {@code scripts/fetch-pgbouncer} into the checkout's {@code target/pgbouncer} on first use ({@code scripts/test-all}
 * fetches it before the build). Clients connect with trust authentication; PgBouncer logs in to PostgreSQL with the
 * test server's credentials.
 *
 * <p>Set the system property {@value #BINARY_PROPERTY} to the path of another {@code pgbouncer} executable, or to
 * {@code skip} to skip these tests on a machine without Debian's packages. Without either, a PgBouncer that cannot
 * be obtained fails the test that needs it, saying why.
 */
public final class PgBouncer implements AutoCloseable {

	public static final String BINARY_PROPERTY = "pgroll.test.pgbouncer";

	private static final Logger log = LoggerFactory.getLogger(PgBouncer.class);
	private static final Object FETCH_LOCK = new Object();
	private static Path binary;

	/** PgBouncer's {@code pool_mode}. */
	public enum PoolMode {
		SESSION, TRANSACTION
	}

	private final Process process;
	private final Path directory;
	private final String jdbcUrl;
	private final String user;
	private final String version;

	private PgBouncer(Process process, Path directory, String jdbcUrl, String user, String version) {
		this.process = process;
		this.directory = directory;
		this.jdbcUrl = jdbcUrl;
		this.user = user;
		this.version = version;
	}

	/**
	 * Starts a PgBouncer in {@code mode} in front of {@code database}, set up as JDBC clients need it
	 * ({@code ignore_startup_parameters = extra_float_digits, options}); {@code settings} are more
	 * {@code name = value} lines of its {@code [pgbouncer]} section.
	 */
	public static PgBouncer start(TestDatabase database, PoolMode mode, String... settings) {
		Path executable = binary();
		Properties server = Driver.parseURL(database.jdbcUrl(), new Properties());
		if (server == null) {
			throw new IllegalStateException("Cannot read host and port from " + database.jdbcUrl());
		}
		try {
			Path directory = Files.createTempDirectory("pgbouncer");
			int port = freePort();
			String user = (database.user() != null) ? database.user() : System.getProperty("user.name");
			StringBuilder ini = new StringBuilder()
				.append("[databases]\n")
				.append(database.name()).append(" = host=").append(server.getProperty("PGHOST"))
				.append(" port=").append(server.getProperty("PGPORT")).append(" dbname=").append(database.name())
				.append(" user=").append(user)
				.append((database.password() != null) ? " password=" + database.password() : "").append('\n')
				.append("[pgbouncer]\n")
				.append("listen_addr = 127.0.0.1\n")
				.append("listen_port = ").append(port).append('\n')
				.append("unix_socket_dir =\n")
				.append("auth_type = trust\n")
				.append("auth_file = ").append(directory.resolve("userlist.txt")).append('\n')
				.append("pool_mode = ").append(mode.name().toLowerCase(Locale.ROOT)).append('\n')
				.append("ignore_startup_parameters = extra_float_digits, options\n")
				.append("default_pool_size = 10\n");
			for (String setting : settings) {
				ini.append(setting).append('\n');
			}
			Files.writeString(directory.resolve("userlist.txt"), "\"" + user + "\" \"\"\n");
			Files.writeString(directory.resolve("pgbouncer.ini"), ini);
			List<String> command = new ArrayList<>(List.of(executable.toString()));
			if (runningAsRoot()) {
				// PgBouncer refuses to run as root; it reads its files before switching.
				command.addAll(List.of("-u", "nobody"));
			}
			command.add(directory.resolve("pgbouncer.ini").toString());
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(directory.resolve("pgbouncer.log").toFile())
				.start();
			PgBouncer bouncer = new PgBouncer(process, directory,
					"jdbc:postgresql://127.0.0.1:" + port + "/" + database.name(), user, version(executable));
			bouncer.awaitListening(port);
			log.info("Started {} in {} mode on port {} in front of {}", bouncer.version, mode, port, database);
			return bouncer;
		} catch (IOException e) {
			throw new UncheckedIOException("Cannot start PgBouncer", e);
		}
	}

	/** The URL of the test database through this PgBouncer. */
	public String jdbcUrl() {
		return jdbcUrl;
	}

	/** The user clients connect as (with any password). */
	public String user() {
		return user;
	}

	/** For example "PgBouncer 1.18.0". */
	public String version() {
		return version;
	}

	/** What PgBouncer has logged so far. */
	public String log() {
		try {
			return Files.readString(directory.resolve("pgbouncer.log"), StandardCharsets.UTF_8);
		} catch (IOException e) {
			return "(no log: " + e.getMessage() + ")";
		}
	}

	@Override
	public void close() {
		process.destroy();
		try {
			if (!process.waitFor(5, TimeUnit.SECONDS)) {
				process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
			}
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		}
		try (var files = Files.list(directory)) {
			for (Path file : files.toList()) {
				Files.deleteIfExists(file);
			}
			Files.deleteIfExists(directory);
		} catch (IOException e) {
			log.warn("Could not remove {}", directory, e);
		}
	}

	private void awaitListening(int port) {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (System.nanoTime() < deadline) {
			if (!process.isAlive()) {
				throw new IllegalStateException("PgBouncer exited with " + process.exitValue() + ":\n" + log());
			}
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
				return;
			} catch (IOException e) {
				sleep();
			}
		}
		close();
		throw new IllegalStateException("PgBouncer did not listen on port " + port + " within 10 s:\n" + log());
	}

	/** The executable, fetched once per JVM when the build has none yet. */
	static Path binary() {
		String configured = System.getProperty(BINARY_PROPERTY, "").trim();
		Assumptions.assumeFalse(configured.equals("skip"),
				"PgBouncer tests are skipped on request (-D" + BINARY_PROPERTY + "=skip)");
		if (!configured.isEmpty()) {
			return Path.of(configured);
		}
		synchronized (FETCH_LOCK) {
			if (binary == null) {
				Path script = findScript();
				binary = fetch(script, script.getParent().getParent().resolve("target").resolve("pgbouncer"));
			}
			return binary;
		}
	}

	private static Path fetch(Path script, Path directory) {
		Path launcher = directory.resolve("pgbouncer");
		if (Files.isExecutable(launcher)) {
			return launcher;
		}
		String output;
		int exit;
		try {
			Process fetch = new ProcessBuilder("bash", script.toString(), directory.toString())
				.redirectErrorStream(true).start();
			output = new String(fetch.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			exit = fetch.waitFor();
		} catch (IOException e) {
			throw new IllegalStateException(cannotFetch("running " + script + " failed: " + e.getMessage()), e);
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(cannotFetch("interrupted"), e);
		}
		if (exit != 0 || !Files.isExecutable(launcher)) {
			throw new IllegalStateException(cannotFetch(script + " exited with " + exit + ":\n" + output.strip()));
		}
		log.info("Fetched PgBouncer into {}: {}", directory, output.strip().replace('\n', ' '));
		return launcher;
	}

	private static String cannotFetch(String why) {
		return "The PgBouncer tests need Debian's pgbouncer package, which could not be obtained (" + why + "). "
				+ "Run scripts/fetch-pgbouncer on a Debian machine, point -D" + BINARY_PROPERTY
				+ "=/path/to/pgbouncer at one, or skip these tests with -D" + BINARY_PROPERTY + "=skip.";
	}

	/** {@code scripts/fetch-pgbouncer} of this checkout, from a module directory or the root. */
	private static Path findScript() {
		for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
			Path script = dir.resolve("scripts").resolve("fetch-pgbouncer");
			if (Files.isRegularFile(script)) {
				return script;
			}
		}
		throw new IllegalStateException(cannotFetch("scripts/fetch-pgbouncer not found above "
				+ Path.of("").toAbsolutePath()));
	}

	private static String version(Path executable) throws IOException {
		Process process = new ProcessBuilder(executable.toString(), "--version").redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		return output.lines().findFirst().orElse("PgBouncer (unknown version)").strip();
	}

	private static boolean runningAsRoot() {
		try {
			return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
		} catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
			return "root".equals(System.getProperty("user.name"));
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	private static void sleep() {
		try {
			Thread.sleep(50);
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while waiting for PgBouncer", e);
		}
	}
}
