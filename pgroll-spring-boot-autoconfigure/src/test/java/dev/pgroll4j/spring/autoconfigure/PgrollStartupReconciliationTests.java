package dev.pgroll4j.spring.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.pgroll4j.core.MigrateResult;
import dev.pgroll4j.core.MigrationStateException;
import dev.pgroll4j.core.MigrationStatus;
import dev.pgroll4j.core.Pgroll;
import dev.pgroll4j.test.PostgresTest;
import dev.pgroll4j.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;

/** DESIGN decision 8: what an application does at start-up, case by case. */
@PostgresTest
class PgrollStartupReconciliationTests {

	private static int schemas;

	private ApplicationContextRunner contextRunner;

	private String schema;

	@BeforeEach
	void useAFreshSchema(TestDatabase database) {
		this.schema = "rec" + (++schemas);
		this.contextRunner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, PgrollAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=" + database.jdbcUrl(),
					"spring.datasource.username=" + database.user(), "spring.datasource.password=" + database.password(),
					"pgroll.schema=" + this.schema);
	}

	private ApplicationContextRunner release(String folder) {
		return this.contextRunner.withPropertyValues("pgroll.locations=classpath:pgroll/" + folder);
	}

	private MigrateResult startUp(String folder) {
		List<MigrateResult> result = new ArrayList<>();
		release(folder).run((context) -> {
			assertThat(context).hasNotFailed();
			result.add(context.getBean(PgrollMigrationInitializer.class).result());
		});
		return result.get(0);
	}

	@Test
	void aFreshDatabaseGetsEveryMigration() {
		MigrateResult result = startUp("v3");
		assertThat(result.started()).containsExactly("01_create_books", "02_add_isbn", "03_rename_title");
		assertThat(result.completed()).containsExactly("01_create_books", "02_add_isbn");
	}

	@Test
	void onePendingMigrationIsStartedAfterTheActiveOneIsCompleted() {
		startUp("v1");
		MigrateResult result = startUp("v2");
		assertThat(result.completed()).containsExactly("01_create_books");
		assertThat(result.started()).containsExactly("02_add_isbn");
	}

	@Test
	void severalPendingMigrationsRunInOrderLeavingTheLastActive() {
		startUp("v1");
		MigrateResult result = startUp("v3");
		assertThat(result.completed()).containsExactly("01_create_books", "02_add_isbn");
		assertThat(result.started()).containsExactly("02_add_isbn", "03_rename_title");
	}

	@Test
	void anActiveEarlierMigrationFailsStartUpWhenItMayNotBeCompleted() {
		startUp("v1");
		release("v2").withPropertyValues("pgroll.complete-active-migration=false").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(MigrationStateException.class)
				.hasMessageContaining("\"01_create_books\" is still active");
		});
	}

	@Test
	void anOlderInstanceRestartingDuringARolloutMigratesNothingAndKeepsItsVersion() {
		startUp("v1");
		startUp("v2");
		release("v1").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(PgrollMigrationInitializer.class).result().outcome())
				.isEqualTo(MigrateResult.Outcome.DATABASE_AHEAD);
			assertThat(context.getBean(PgrollMigrations.class).versionSchema()).endsWith("_01_create_books");
			assertThat(context.getBean(Pgroll.class).status().activeMigration().name()).isEqualTo("02_add_isbn");
		});
	}

	@Test
	void anOlderInstanceWhoseVersionSchemaIsGoneFailsFast() {
		startUp("v1");
		startUp("v3");
		release("v1").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(MigrationStateException.class)
				.hasMessageContaining("is ahead of this application");
		});
	}

	@Test
	void aChangedAppliedFileFailsStartUpNamingTheMigration() {
		startUp("v1");
		release("edited-v1").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("\"01_create_books\" was changed after it was applied");
		});
	}

	@Test
	void aRenamedFileFailsStartUpNamingBothNames() {
		startUp("v1");
		release("renamed-v1").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("applied \"01_create_books\" where the files have \"01_make_books\"");
		});
	}

	@Test
	void fourInstancesStartingTheSameMigrationTogetherMigrateItOnce() throws Exception {
		startUp("v1");
		ExecutorService executor = Executors.newFixedThreadPool(4);
		CountDownLatch go = new CountDownLatch(1);
		List<Future<MigrateResult>> results = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			results.add(executor.submit(() -> {
				go.await();
				return startUp("v2");
			}));
		}
		go.countDown();
		executor.shutdown();
		List<MigrateResult.Outcome> outcomes = new ArrayList<>();
		for (Future<MigrateResult> result : results) {
			outcomes.add(result.get().outcome());
			assertThat(result.get().versionSchema()).isEqualTo(this.schema + "_02_add_isbn");
		}
		assertThat(outcomes).containsOnlyOnce(MigrateResult.Outcome.MIGRATED);
		assertThat(outcomes.stream().filter((outcome) -> outcome == MigrateResult.Outcome.UP_TO_DATE)).hasSize(3);
		release("v2").run((context) -> {
			MigrationStatus status = context.getBean(Pgroll.class).status();
			assertThat(status.history()).hasSize(2);
			assertThat(status.activeMigration().name()).isEqualTo("02_add_isbn");
		});
	}

}
