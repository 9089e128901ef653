package dev.pgroll4j.spring.autoconfigure;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postgresql.Driver;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import dev.pgroll4j.spring.pinning.ConnectionPinningException;
import dev.pgroll4j.test.PgBouncer;
import dev.pgroll4j.test.PgBouncer.PoolMode;
import dev.pgroll4j.test.PostgresTest;
import dev.pgroll4j.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * An application behind a real PgBouncer (Debian's) that drops the {@code options} startup parameter, as JDBC
 * clients need it configured. Each test migrates a schema of its own, whose tables only its version schema shows
 * on an unqualified name, so a request that is not pinned fails rather than passing by chance.
 */
@PostgresTest
class PinningBehindPgBouncerTests {

	private static int schemas;

	private final HttpClient http = HttpClient.newHttpClient();

	private final List<AutoCloseable> running = new ArrayList<>();

	@AfterEach
	void stop() throws Exception {
		for (int i = this.running.size() - 1; i >= 0; i--) {
			this.running.get(i).close();
		}
	}

	@Test
	void behindATransactionModePoolerThatDropsThePinStartUpFails(TestDatabase database) {
		PgBouncer bouncer = bouncer(database, PoolMode.TRANSACTION);
		String schema = schema();
		// Migrations need a session of their own, so they go straight to PostgreSQL.
		Throwable failure = catchThrowable(() -> start(database, bouncer, schema, "pgroll.url=" + database.jdbcUrl()));
		assertThat(failure).rootCause()
			.isInstanceOf(ConnectionPinningException.class)
			.hasMessageContaining("not pinned to version schema " + schema + "_01_create_books")
			.hasMessageContaining("the options startup parameter did not take effect")
			.hasMessageContaining("search_path is \"$user\", public")
			.hasMessageContaining("ignore_startup_parameters");
		FailureAnalysis analysis = new ConnectionPinningFailureAnalyzer().analyze(failure);
		assertThat(analysis.getDescription()).contains("connection pooler").doesNotContain("pgroll.pooler-mode");
		assertThat(analysis.getAction()).contains("straight to PostgreSQL").contains("pgroll.pooler-mode=session");
	}

	@Test
	void behindASessionModePoolerStartUpFailsUnlessSessionModeIsDeclared(TestDatabase database) {
		PgBouncer bouncer = bouncer(database, PoolMode.SESSION);
		hikari(database, bouncer, schema()).run((context) -> assertThat(context).getFailure()
			.rootCause()
			.isInstanceOf(ConnectionPinningException.class)
			.hasMessageContaining("the options startup parameter did not take effect")
			.hasMessageContaining("pgroll.pooler-mode=session"));
	}

	@Test
	void behindADeclaredSessionModePoolerRequestsSeeTheVersionSchema(TestDatabase database) throws Exception {
		PgBouncer bouncer = bouncer(database, PoolMode.SESSION);
		String schema = schema();
		// Migrations go through PgBouncer too: in session mode they keep their session.
		ConfigurableApplicationContext application = startWeb(database, bouncer, schema, "pgroll.pooler-mode=session",
				"spring.datasource.hikari.maximum-pool-size=3");
		for (int id = 1; id <= 10; id++) {
			assertThat(send(application, "POST", "/books/" + id, "Book " + id).statusCode()).isEqualTo(200);
		}
		for (int id = 1; id <= 10; id++) {
			HttpResponse<String> book = send(application, "GET", "/books/" + id, null);
			assertThat(book.statusCode()).isEqualTo(200);
			assertThat(book.body()).isEqualTo("Book " + id);
		}
		assertThat(database.queryForLong("SELECT count(*) FROM " + schema + ".books WHERE title LIKE 'Book %'"))
			.isEqualTo(10);
	}

	@Test
	void declaringSessionModeInFrontOfATransactionModePoolerFailsStartUp(TestDatabase database) {
		PgBouncer bouncer = bouncer(database, PoolMode.TRANSACTION);
		hikari(database, bouncer, schema()).withPropertyValues(direct(database))
			.withPropertyValues("pgroll.pooler-mode=session")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(ConnectionPinningException.class)
				.hasMessageContaining("pgroll.pooler-mode=session")
				.hasMessageContaining("not in session mode")
				.hasMessageContaining("the same server process"));
	}

	@Test
	void declaringSessionModeInFrontOfARoundRobinTransactionModePoolerFailsStartUp(TestDatabase database)
			throws Exception {
		PgBouncer bouncer = roundRobin(database);
		hikari(database, bouncer, schema()).withPropertyValues(direct(database))
			.withPropertyValues("pgroll.pooler-mode=session")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(ConnectionPinningException.class)
				.hasMessageContaining("not in session mode")
				.hasMessageContaining("consecutive transactions ran on server processes"));
	}

	@Test
	void aRunningPoolBehindARoundRobinTransactionModePoolerIsRefusedThoughSessionModeIsDeclared(TestDatabase database)
			throws Exception {
		PgBouncer bouncer = roundRobin(database);
		hikari(database, bouncer, schema()).withUserConfiguration(RunningPoolConfiguration.class)
			.withPropertyValues(direct(database))
			.withPropertyValues("pgroll.pooler-mode=session")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(ConnectionPinningException.class)
				.hasMessageContaining("consecutive transactions ran on server processes"));
	}

	@Test
	void aPlainDataSourceBehindASessionModePoolerIsPinnedWhenBorrowedOnceSessionModeIsDeclared(TestDatabase database) {
		PgBouncer bouncer = bouncer(database, PoolMode.SESSION);
		String schema = schema();
		ApplicationContextRunner runner = plainDataSource(database, bouncer, schema);
		runner.run((context) -> assertThat(context).getFailure()
			.rootCause()
			.isInstanceOf(ConnectionPinningException.class)
			.hasMessageContaining("go through a connection pooler")
			.hasMessageContaining("pgroll.pooler-mode=session"));
		runner.withPropertyValues("pgroll.pooler-mode=session").run((context) -> {
			assertThat(context).hasNotFailed();
			try (Connection connection = context.getBean(DataSource.class).getConnection();
					Statement statement = connection.createStatement();
					ResultSet rs = statement.executeQuery("SELECT current_setting('search_path'), count(*) FROM books")) {
				rs.next();
				assertThat(rs.getString(1)).isEqualTo("\"" + schema + "_01_create_books\"");
			}
		});
	}

	@Test
	void aPlainDataSourceBehindATransactionModePoolerIsRefusedThoughSessionModeIsDeclared(TestDatabase database) {
		PgBouncer bouncer = bouncer(database, PoolMode.TRANSACTION);
		plainDataSource(database, bouncer, schema()).withPropertyValues(direct(database))
			.withPropertyValues("pgroll.pooler-mode=session")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(ConnectionPinningException.class)
				.hasMessageContaining("not in session mode"));
	}

	/** An application with Boot's Hikari pool, without a web server. */
	private static ApplicationContextRunner hikari(TestDatabase database, PgBouncer bouncer, String schema) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, PgrollAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=" + bouncer.jdbcUrl(),
					"spring.datasource.username=" + bouncer.user(), "pgroll.schema=" + schema,
					"pgroll.locations=classpath:pgroll/v1");
	}

	/** With the application's own data source, which pgroll wraps to pin connections when they are borrowed. */
	private static ApplicationContextRunner plainDataSource(TestDatabase database, PgBouncer bouncer, String schema) {
		return hikari(database, bouncer, schema).withUserConfiguration(PlainDataSourceConfiguration.class);
	}

	/** Migrations straight to PostgreSQL: they need a session of their own. */
	private static String[] direct(TestDatabase database) {
		return new String[] { "pgroll.url=" + database.jdbcUrl(), "pgroll.user=" + database.user(),
				"pgroll.password=" + database.password() };
	}

	/**
	 * A transaction-mode PgBouncer that gives each transaction the server connection idle longest, with two of them
	 * open, so that consecutive transactions of one client change server process.
	 */
	private PgBouncer roundRobin(TestDatabase database) throws Exception {
		PgBouncer bouncer = PgBouncer.start(database, PoolMode.TRANSACTION, "server_round_robin = 1");
		this.running.add(bouncer);
		try (Connection first = DriverManager.getConnection(bouncer.jdbcUrl(), bouncer.user(), "");
				Connection second = DriverManager.getConnection(bouncer.jdbcUrl(), bouncer.user(), "");
				Statement one = first.createStatement();
				Statement two = second.createStatement()) {
			first.setAutoCommit(false);
			second.setAutoCommit(false);
			one.execute("SELECT 1");
			two.execute("SELECT 1");
			first.commit();
			second.commit();
		}
		return bouncer;
	}

	private PgBouncer bouncer(TestDatabase database, PoolMode mode) {
		PgBouncer bouncer = PgBouncer.start(database, mode);
		this.running.add(bouncer);
		return bouncer;
	}

	private static String schema() {
		return "pb" + (++schemas);
	}

	/** Starts an application that should fail, without a web server. */
	private void start(TestDatabase database, PgBouncer bouncer, String schema, String... properties) {
		this.running.add(application(database, bouncer, schema, WebApplicationType.NONE, properties));
	}

	private ConfigurableApplicationContext startWeb(TestDatabase database, PgBouncer bouncer, String schema,
			String... properties) {
		ConfigurableApplicationContext context = application(database, bouncer, schema, WebApplicationType.SERVLET,
				properties);
		this.running.add(context);
		return context;
	}

	private static ConfigurableApplicationContext application(TestDatabase database, PgBouncer bouncer, String schema,
			WebApplicationType type, String... properties) {
		List<String> all = new ArrayList<>(List.of("server.port=0", "spring.datasource.url=" + bouncer.jdbcUrl(),
				"spring.datasource.username=" + bouncer.user(), "pgroll.schema=" + schema,
				"pgroll.locations=classpath:pgroll/v1"));
		if (List.of(properties).stream().anyMatch((property) -> property.startsWith("pgroll.url="))) {
			all.addAll(List.of(direct(database)));
		}
		all.addAll(List.of(properties));
		return new SpringApplicationBuilder(BookApplication.class).web(type).properties(all.toArray(String[]::new)).run();
	}

	private HttpResponse<String> send(ConfigurableApplicationContext context, String method, String path, String body)
			throws Exception {
		URI uri = URI.create("http://localhost:" + context.getEnvironment().getProperty("local.server.port") + path);
		HttpRequest.BodyPublisher publisher = (body != null) ? HttpRequest.BodyPublishers.ofString(body)
				: HttpRequest.BodyPublishers.noBody();
		return this.http.send(HttpRequest.newBuilder(uri).header("Content-Type", "text/plain").method(method, publisher)
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(BookController.class)
	static class BookApplication {

	}

	@Configuration(proxyBeanMethods = false)
	static class PlainDataSourceConfiguration {

		@Bean
		DataSource dataSource(Environment environment) {
			return new SimpleDriverDataSource(new Driver(), environment.getProperty("spring.datasource.url"),
					environment.getProperty("spring.datasource.username"), null);
		}

	}

	/** A Hikari pool the application started itself: too late for startup parameters, so pinned when borrowed. */
	@Configuration(proxyBeanMethods = false)
	static class RunningPoolConfiguration {

		@Bean
		DataSource dataSource(Environment environment) throws Exception {
			HikariDataSource pool = new HikariDataSource();
			pool.setJdbcUrl(environment.getProperty("spring.datasource.url"));
			pool.setUsername(environment.getProperty("spring.datasource.username"));
			pool.setMaximumPoolSize(2);
			pool.getConnection().close();
			return pool;
		}

	}

	/** Reads and writes books by unqualified names, as an application does. */
	@RestController
	static class BookController {

		private final JdbcClient jdbc;

		BookController(JdbcClient jdbc) {
			this.jdbc = jdbc;
		}

		@PostMapping("/books/{id}")
		void add(@PathVariable int id, @RequestBody String name) {
			this.jdbc.sql("INSERT INTO books (id, title) VALUES (?, ?)").params(id, name).update();
		}

		@GetMapping("/books/{id}")
		String name(@PathVariable int id) {
			return this.jdbc.sql("SELECT title FROM books WHERE id = ?").param(id).query(String.class).single();
		}

	}

}
