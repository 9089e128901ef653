package dev.pgroll4j.spring.pinning;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.Driver;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.DataSourceBuilder;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

import dev.pgroll4j.core.Pgroll;
import dev.pgroll4j.core.VersionSelection;
import dev.pgroll4j.spring.PgrollDataSource;
import dev.pgroll4j.spring.PgrollMigrations;
import dev.pgroll4j.spring.PgrollPinned;
import dev.pgroll4j.spring.autoconfigure.PgrollAutoConfiguration;
import dev.pgroll4j.test.PostgresTest;
import dev.pgroll4j.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every connection the application gets from its data source is on its own version schema, however the pool
 * reuses it; other data sources only if marked.
 */
@PostgresTest
class PgrollConnectionPinningTests {

	private static int schemas;

	private ApplicationContextRunner contextRunner;

	private String schema;

	private String versionSchema;

	@BeforeEach
	void useAFreshSchema(TestDatabase database) {
		String schema = "pin" + (++schemas);
		this.schema = schema;
		this.versionSchema = schema + "_01_create_books";
		this.contextRunner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, PgrollAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=" + database.jdbcUrl(),
					"spring.datasource.username=" + database.user(), "spring.datasource.password=" + database.password(),
					"spring.datasource.hikari.maximum-pool-size=1", "pgroll.schema=" + schema,
					"pgroll.locations=classpath:pgroll/v1");
	}

	@Test
	void pooledConnectionsStayPinnedThroughReuseRollbackAndDiscardAll() {
		this.contextRunner.run((context) -> {
			DataSource dataSource = context.getBean(DataSource.class);
			assertThat(dataSource).isInstanceOf(HikariDataSource.class);
			try (Connection connection = dataSource.getConnection()) {
				assertPinned(connection);
				connection.setAutoCommit(false);
				execute(connection, "SET search_path TO public");
				execute(connection, "SET pgroll.version_schema TO 'elsewhere'");
				connection.rollback();
				assertPinned(connection);
				connection.setAutoCommit(true);
				execute(connection, "SET search_path TO public");
				execute(connection, "DISCARD ALL");
				assertPinned(connection);
				execute(connection, "SET search_path TO public");
				execute(connection, "RESET ALL");
				assertPinned(connection);
			}
			// With a pool of one, this is the same physical connection again.
			try (Connection reused = dataSource.getConnection()) {
				assertPinned(reused);
				execute(reused, "INSERT INTO books VALUES (1, 'through the version view')");
			}
		});
	}

	@Test
	void optionsTheApplicationSetsItselfAreKept() {
		this.contextRunner
			.withPropertyValues("spring.datasource.hikari.data-source-properties.options=-c statement_timeout=4321")
			.run((context) -> {
				try (Connection connection = context.getBean(DataSource.class).getConnection()) {
					assertPinned(connection);
					assertThat(setting(connection, "statement_timeout")).isEqualTo("4321ms");
				}
			});
	}

	@Test
	void optionsInTheJdbcUrlAreKeptToo(TestDatabase database) {
		this.contextRunner
			.withPropertyValues("spring.datasource.url=" + database.jdbcUrl()
					+ (database.jdbcUrl().contains("?") ? "&" : "?") + "options=-c%20statement_timeout%3D1234")
			.run((context) -> {
				try (Connection connection = context.getBean(DataSource.class).getConnection()) {
					assertPinned(connection);
					assertThat(setting(connection, "statement_timeout")).isEqualTo("1234ms");
				}
			});
	}

	@Test
	void eachNewPhysicalConnectionIsCheckedWithOneQueryAndBorrowingCostsNothing(TestDatabase database)
			throws Exception {
		try (CountingProxy proxy = CountingProxy.inFrontOf(database)) {
			this.contextRunner
				.withPropertyValues("spring.datasource.url=" + proxy.jdbcUrl(), "spring.datasource.hikari.maximum-pool-size=2")
				.run((context) -> {
					assertThat(context).hasNotFailed();
					DataSource dataSource = context.getBean(DataSource.class);
					for (int i = 0; i < 20; i++) {
						try (Connection connection = dataSource.getConnection()) {
							assertPinned(connection);
						}
					}
					try (Connection first = dataSource.getConnection(); Connection second = dataSource.getConnection()) {
						assertPinned(first);
						assertPinned(second);
					}
				});
			// The application's connections are those opened with the pin; the migrations' one is not.
			List<CountingProxy.Session> pinned = proxy.sessions()
				.stream()
				.filter((session) -> String.valueOf(session.parameter("options")).contains(VersionSelection.SETTING))
				.toList();
			assertThat(pinned).as("the pool's physical connections").hasSize(2);
			// One check where each is opened; the first is also the one start-up borrows to check what the pool made of it.
			assertThat(pinned).extracting((session) -> session.count(ConnectionPinner.CHECK)).containsExactly(2L, 1L);
		}
	}

	@Test
	void aCurrentSchemaInTheUrlThatOverridesThePinFailsStartUp(TestDatabase database) {
		this.contextRunner.withPropertyValues("spring.datasource.url=" + database.jdbcUrl()
				+ (database.jdbcUrl().contains("?") ? "&" : "?") + "currentSchema=public")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(ConnectionPinningException.class)
					.hasMessageContaining("not pinned to version schema " + this.versionSchema)
					.hasMessageContaining("search_path is public")
					.hasMessageContaining("currentSchema");
			});
	}

	@Test
	void aPoolThatResetsTheSearchPathOfItsConnectionsFailsStartUp() {
		this.contextRunner.withPropertyValues("spring.datasource.hikari.connection-init-sql=SET search_path TO public")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(ConnectionPinningException.class)
					.hasMessageContaining("not pinned to version schema " + this.versionSchema)
					.hasMessageContaining("search_path is public");
			});
	}

	@Test
	void otherDataSourcesArePinnedWhenConnectionsAreBorrowedEvenWithAutoCommitOff() {
		this.contextRunner.withUserConfiguration(PlainDataSourceConfiguration.class).run((context) -> {
			DataSource dataSource = context.getBean(DataSource.class);
			assertThat(dataSource).isInstanceOf(PinnedDataSource.class);
			try (Connection connection = dataSource.getConnection()) {
				connection.setAutoCommit(false);
				// A fresh connection with auto-commit off: the pin was committed, so a rollback keeps it.
				try (Connection second = dataSource.getConnection()) {
					second.setAutoCommit(false);
					assertPinned(second);
					second.rollback();
					assertPinned(second);
				}
			}
		});
	}

	@Test
	void aSecondDataSourceThatIsNoDefaultCandidateIsLeftAloneOnItsOwnDatabase(TestDatabase database) {
		TestDatabase other = database.createSibling("reports");
		other.execute("CREATE TABLE reports (id integer)", "INSERT INTO reports VALUES (7)");
		this.contextRunner.withUserConfiguration(NotDefaultCandidateConfiguration.class)
			.withPropertyValues(secondDataSource(other))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(DataSource.class)).isSameAs(context.getBean("dataSource"));
				try (Connection connection = context.getBean(DataSource.class).getConnection()) {
					assertPinned(connection);
					execute(connection, "INSERT INTO books VALUES (1, 'through the version view')");
				}
				assertLeftAlone(context.getBean("reportsDataSource", DataSource.class));
			});
	}

	@Test
	void aSecondDataSourceThatIsNotPrimaryIsLeftAloneOnItsOwnDatabase(TestDatabase database) {
		TestDatabase other = database.createSibling("reports");
		other.execute("CREATE TABLE reports (id integer)", "INSERT INTO reports VALUES (7)");
		this.contextRunner.withUserConfiguration(PrimaryAndSecondConfiguration.class)
			.withPropertyValues(secondDataSource(other))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				try (Connection connection = context.getBean(DataSource.class).getConnection()) {
					assertPinned(connection);
				}
				assertLeftAlone(context.getBean("reportsDataSource", DataSource.class));
			});
	}

	@Test
	void aSecondDataSourceMarkedPgrollPinnedIsPinnedToo(TestDatabase database) {
		this.contextRunner.withUserConfiguration(MarkedSecondConfiguration.class)
			.withPropertyValues(secondDataSource(database))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				try (Connection connection = context.getBean("reportsDataSource", DataSource.class).getConnection()) {
					assertPinned(connection);
					execute(connection, "INSERT INTO books VALUES (2, 'through the second data source')");
				}
			});
	}

	@Test
	void aPgrollDataSourceIsNeverPinned(TestDatabase database) {
		this.contextRunner.withUserConfiguration(DdlDataSourceConfiguration.class)
			.withPropertyValues(secondDataSource(database))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				DataSource ddl = context.getBean("ddlDataSource", DataSource.class);
				assertThat(context.getBean(Pgroll.class).configuration().dataSource()).isSameAs(ddl);
				try (Connection connection = ddl.getConnection()) {
					assertThat(setting(connection, "search_path")).isEqualTo("\"$user\", public");
					assertThat(setting(connection, "pgroll.version_schema")).isNullOrEmpty();
				}
				try (Connection connection = context.getBean(DataSource.class).getConnection()) {
					assertPinned(connection);
				}
			});
	}

	@Test
	void aPgrollDataSourceMarkedPgrollPinnedFailsStartUp(TestDatabase database) {
		this.contextRunner.withUserConfiguration(PinnedDdlDataSourceConfiguration.class)
			.withPropertyValues(secondDataSource(database))
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("data source 'ddlDataSource' is marked both @PgrollDataSource")
					.hasMessageContaining("@PgrollPinned");
			});
	}

	@Test
	void twoCandidateDataSourcesNeitherPrimaryFailStartUpRatherThanPinTheWrongOne(TestDatabase database) {
		this.contextRunner.withUserConfiguration(TwoCandidatesConfiguration.class)
			.withPropertyValues(secondDataSource(database))
			.withPropertyValues("pgroll.url=" + database.jdbcUrl(),
					"pgroll.user=" + database.user(), "pgroll.password=" + database.password())
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("cannot tell which data source is the application's")
					.hasMessageContaining("'dataSource', 'reportsDataSource'")
					.hasMessageContaining("@Primary")
					.hasMessageContaining("@PgrollPinned");
			});
	}

	@Test
	void theMigrationConnectionIsNeverPinned() {
		this.contextRunner.run((context) -> {
			DataSource migrationDataSource = context.getBean(Pgroll.class).configuration().dataSource();
			assertThat(migrationDataSource).isNotSameAs(context.getBean(DataSource.class));
			try (Connection connection = migrationDataSource.getConnection()) {
				assertThat(setting(connection, "search_path")).doesNotContain(this.versionSchema);
			}
		});
	}

	@Test
	void connectionsArePinnedToTheMigrationsBeanStartUpRanNotToTheFilesOfTheConfiguredLocation() {
		this.contextRunner.withUserConfiguration(OtherReleaseMigrationsConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(Pgroll.class).status().activeMigration().name()).isEqualTo("02_add_isbn");
			this.versionSchema = this.schema + "_02_add_isbn";
			try (Connection connection = context.getBean(DataSource.class).getConnection()) {
				assertPinned(connection);
				execute(connection, "INSERT INTO books (id, title, isbn) VALUES (1, 'through the new version', 'x')");
			}
		});
	}

	@Test
	void pinningCanBeTurnedOff() {
		this.contextRunner.withPropertyValues("pgroll.pin-connections=false").run((context) -> {
			try (Connection connection = context.getBean(DataSource.class).getConnection()) {
				assertThat(setting(connection, "search_path")).doesNotContain(this.versionSchema);
			}
		});
	}

	/** Not pinned: on its own database, with the search path and settings of any new session. */
	private static void assertLeftAlone(DataSource dataSource) throws SQLException {
		assertThat(dataSource).isNotInstanceOf(PinnedDataSource.class);
		try (Connection connection = dataSource.getConnection()) {
			assertThat(setting(connection, "search_path")).isEqualTo("\"$user\", public");
			assertThat(setting(connection, "pgroll.version_schema")).isNullOrEmpty();
			try (Statement statement = connection.createStatement();
					ResultSet rs = statement.executeQuery("SELECT id FROM reports")) {
				assertThat(rs.next()).isTrue();
				assertThat(rs.getInt(1)).isEqualTo(7);
			}
		}
	}

	private static String[] secondDataSource(TestDatabase database) {
		return new String[] { "test.second.url=" + database.jdbcUrl(), "test.second.username=" + database.user(),
				"test.second.password=" + database.password() };
	}

	private static DataSource secondDataSource(Environment environment) {
		return DataSourceBuilder.create()
			.url(environment.getProperty("test.second.url"))
			.username(environment.getProperty("test.second.username"))
			.password(environment.getProperty("test.second.password"))
			.build();
	}

	private static DataSource applicationDataSource(Environment environment) {
		return new SimpleDriverDataSource(new Driver(), environment.getProperty("spring.datasource.url"),
				environment.getProperty("spring.datasource.username"),
				environment.getProperty("spring.datasource.password"));
	}

	private void assertPinned(Connection connection) throws SQLException {
		assertThat(setting(connection, "search_path")).isEqualTo("\"" + this.versionSchema + "\"");
		assertThat(setting(connection, "pgroll.version_schema")).isEqualTo(this.versionSchema);
	}

	private static String setting(Connection connection, String name) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("SELECT current_setting('" + name + "', true)")) {
			rs.next();
			return rs.getString(1);
		}
	}

	private static void execute(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

	/** The application's own migrations bean: the files of release v2, whatever pgroll.locations says. */
	@Configuration(proxyBeanMethods = false)
	static class OtherReleaseMigrationsConfiguration {

		@Bean
		PgrollMigrations releaseTwoMigrations(Environment environment, ResourceLoader resourceLoader) {
			return PgrollMigrations.load(List.of("classpath:pgroll/v2"), environment.getProperty("pgroll.schema"),
					resourceLoader);
		}

	}

	/** Boot's pattern for a second data source: Boot's own stays the application's. */
	@Configuration(proxyBeanMethods = false)
	static class NotDefaultCandidateConfiguration {

		@Bean(defaultCandidate = false)
		DataSource reportsDataSource(Environment environment) {
			return secondDataSource(environment);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PrimaryAndSecondConfiguration {

		@Bean
		@Primary
		DataSource dataSource(Environment environment) {
			return applicationDataSource(environment);
		}

		@Bean
		DataSource reportsDataSource(Environment environment) {
			return secondDataSource(environment);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class MarkedSecondConfiguration {

		@Bean(defaultCandidate = false)
		@PgrollPinned
		DataSource reportsDataSource(Environment environment) {
			return secondDataSource(environment);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class DdlDataSourceConfiguration {

		@Bean
		@Primary
		DataSource dataSource(Environment environment) {
			return applicationDataSource(environment);
		}

		@Bean
		@PgrollDataSource
		DataSource ddlDataSource(Environment environment) {
			return secondDataSource(environment);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PinnedDdlDataSourceConfiguration {

		@Bean
		@Primary
		DataSource dataSource(Environment environment) {
			return applicationDataSource(environment);
		}

		@Bean
		@PgrollDataSource
		@PgrollPinned
		DataSource ddlDataSource(Environment environment) {
			return secondDataSource(environment);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TwoCandidatesConfiguration {

		@Bean
		DataSource dataSource(Environment environment) {
			return applicationDataSource(environment);
		}

		@Bean
		DataSource reportsDataSource(Environment environment) {
			return secondDataSource(environment);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PlainDataSourceConfiguration {

		@Bean
		DataSource dataSource(Environment environment) {
			return applicationDataSource(environment);
		}

	}

}
