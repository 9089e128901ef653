package dev.pgroll4j.spring.autoconfigure;

import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.postgresql.util.PSQLException;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.support.SpringFactoriesLoader;

import dev.pgroll4j.core.DatabaseAheadException;
import dev.pgroll4j.core.HistoryMismatchException;
import dev.pgroll4j.core.MigrationParseException;
import dev.pgroll4j.core.MigrationValidationException;
import dev.pgroll4j.test.PostgresTest;
import dev.pgroll4j.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Every start-up failure pgroll raises is printed as Boot's Description and Action block, naming the file, the
 * operation and the object, instead of a chain of bean creation exceptions.
 */
@PostgresTest
@ExtendWith(OutputCaptureExtension.class)
class PgrollFailureAnalyzersTests {

	private static int schemas;

	private ApplicationContextRunner contextRunner;

	private String schema;

	@BeforeEach
	void useAFreshSchema(TestDatabase database) {
		this.schema = "fail" + (++schemas);
		this.contextRunner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, PgrollAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=" + database.jdbcUrl(),
					"spring.datasource.username=" + database.user(), "spring.datasource.password=" + database.password(),
					"pgroll.schema=" + this.schema);
	}

	private ApplicationContextRunner release(String... folders) {
		return this.contextRunner.withPropertyValues("pgroll.locations="
				+ String.join(",", Stream.of(folders).map((folder) -> "classpath:pgroll/" + folder).toList()));
	}

	private void startUp(String folder) {
		release(folder).run((context) -> assertThat(context).hasNotFailed());
	}

	/** The analysis of a failed start-up as Boot makes it: the first of the registered analyzers that has one. */
	private static FailureAnalysis analysis(Throwable failure, Environment environment) {
		List<FailureAnalyzer> analyzers = SpringFactoriesLoader.forDefaultResourceLocation()
			.load(FailureAnalyzer.class, SpringFactoriesLoader.ArgumentResolver.of(Environment.class, environment)
				.and(BeanFactory.class, new DefaultListableBeanFactory()),
					// As Boot does, analyzers for what is not on the class path are left out.
					(factoryType, factoryImplementationName, notLoadable) -> {
					});
		FailureAnalysis analysis = analyzers.stream()
			.map((analyzer) -> analyzer.analyze(failure))
			.filter(Objects::nonNull)
			.findFirst()
			.orElse(null);
		assertThat(analysis).as("an analysis of " + failure).isNotNull();
		return analysis;
	}

	private FailureAnalysis failedStartUp(ApplicationContextRunner runner, Class<? extends Throwable> cause) {
		FailureAnalysis[] analysis = new FailureAnalysis[1];
		runner.run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().isInstanceOf(cause);
			analysis[0] = analysis(context.getStartupFailure(), new StandardEnvironment());
		});
		return analysis[0];
	}

	@Test
	void aFileThatCannotBeParsedIsReportedWithItsOperationFieldAndTheShapeExpected() {
		FailureAnalysis analysis = failedStartUp(release("unreadable"), MigrationParseException.class);
		assertThat(analysis.getDescription()).contains("could not read the migration file",
				"02_index_titles.yaml", "operation: operations[0] (create_index)", "field: columns[0]",
				"problem: must be an object", "columns: [{column: name}");
		assertThat(analysis.getAction()).contains("Correct operations[0].create_index.columns[0] in ",
				"02_index_titles.yaml");
	}

	@Test
	void aMigrationThatDoesNotFitTheSchemaIsReportedWithItsOperationAndField(TestDatabase database) {
		FailureAnalysis analysis = failedStartUp(release("misfit"), MigrationValidationException.class);
		assertThat(analysis.getDescription()).contains("cannot run the migration file", "02_add_isbn.yaml",
				"operation: operations[1] (add_column)", "field: table", "authors", "the database is unchanged");
		assertThat(analysis.getAction()).contains("Correct field table of operations[1] (add_column) in ",
				"02_add_isbn.yaml");
		assertThat(database.queryForLong("SELECT count(*) FROM information_schema.columns WHERE table_schema = ? "
				+ "AND column_name = 'isbn'", this.schema)).as("nothing of 02 ran").isZero();
	}

	@Test
	void aFileChangedAfterItWasAppliedIsReportedWithTheMigrationAndTheFile() {
		startUp("v1");
		FailureAnalysis analysis = failedStartUp(release("edited-v1"), HistoryMismatchException.class);
		assertThat(analysis.getDescription()).contains("Migration \"01_create_books\" was changed after it was "
				+ "applied to schema \"" + this.schema + "\"", "edited-v1/01_create_books.yaml",
				"no longer holds what the database applied");
		assertThat(analysis.getAction()).contains("Restore ", "edited-v1/01_create_books.yaml",
				"put the change in a new migration");
	}

	@Test
	void aRenamedFileIsReportedWithBothNamesAndThePosition() {
		startUp("v1");
		FailureAnalysis analysis = failedStartUp(release("renamed-v1"), HistoryMismatchException.class);
		assertThat(analysis.getDescription()).contains("disagree at position 1", "applied \"01_create_books\" "
				+ "where the files have \"01_make_books\"", "renamed-v1/01_make_books");
		assertThat(analysis.getAction()).contains("restore the file of \"01_create_books\" under that name");
	}

	@Test
	void aDatabaseAheadOfTheReleaseIsReportedWithTheMigrationToDeployAndTheMissingVersionSchema() {
		startUp("v1");
		startUp("v2");
		// Completing 02 drops release 1's version schema.
		startUp("v3");
		FailureAnalysis analysis = failedStartUp(release("v1"), DatabaseAheadException.class);
		assertThat(analysis.getDescription()).contains("schema \"" + this.schema + "\" is ahead of this application",
				"newest migration is \"01_create_books\"", "\"03_rename_title\" has been applied since",
				"version schema \"" + this.schema + "_01_create_books\" no longer exists");
		assertThat(analysis.getAction()).contains("Deploy a release that contains migration \"03_rename_title\"");
	}

	@Test
	void aDatabaseThatDoesNotExistIsReportedAsTheNameToCheck(TestDatabase database) {
		String missing = database.jdbcUrl().replaceFirst("/[^/?]+(\\?|$)", "/no_such_database$1");
		FailureAnalysis analysis = failedStartUp(release("v1").withPropertyValues("spring.datasource.url=" + missing),
				PSQLException.class);
		assertThat(analysis.getDescription()).contains("could not open a connection to migrate schema \""
				+ this.schema + "\"", "no_such_database");
		assertThat(analysis.getAction()).contains("Check the database name in the URL", "spring.datasource.url");
	}

	@Test
	void aServerThatIsNotRunningFailsStartUpWithTheUrlAndWhatToCheck(CapturedOutput output) throws IOException {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0)) {
			closedPort = socket.getLocalPort();
		}
		String url = "jdbc:postgresql://localhost:" + closedPort + "/app?password=secret";
		SpringApplication application = new SpringApplication(MigratingApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setDefaultProperties(Map.of("spring.datasource.url", url,
				"spring.datasource.username", "app", "pgroll.locations", "classpath:pgroll/v1"));
		assertThat(catchThrowable(application::run)).hasRootCauseInstanceOf(ConnectException.class);
		assertThat(output).contains("APPLICATION FAILED TO START", "pgroll could not open a connection to migrate "
				+ "schema \"public\": Connection to localhost:" + closedPort + " refused",
				"spring.datasource.url: jdbc:postgresql://localhost:" + closedPort + "/app?password=***",
				"Check that PostgreSQL runs and accepts connections at the host and port of the URL")
			.doesNotContain("password=secret");
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ DataSourceAutoConfiguration.class, PgrollAutoConfiguration.class })
	static class MigratingApplication {

	}

}
