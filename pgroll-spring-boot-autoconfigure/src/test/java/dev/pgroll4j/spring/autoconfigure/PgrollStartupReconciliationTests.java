package dev.pgroll4j.spring.autoconfigure;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import javax.sql.DataSource;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.pgroll4j.core.InstancesStillLiveException;
import dev.pgroll4j.core.MigrateResult;
import dev.pgroll4j.core.MigrationRecord;
import dev.pgroll4j.core.MigrationStateException;
import dev.pgroll4j.core.MigrationStatus;
import dev.pgroll4j.core.Pgroll;
import dev.pgroll4j.spring.PgrollInstance;
import dev.pgroll4j.spring.PgrollMigrationInitializer;
import dev.pgroll4j.spring.PgrollMigrations;
import dev.pgroll4j.spring.testing.Await;
import dev.pgroll4j.test.PostgresTest;
import dev.pgroll4j.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;

/** DESIGN decision 8: what an application does at start-up, case by case. */
@PostgresTest
@ExtendWith(OutputCaptureExtension.class)
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

	private ApplicationContextRunner release(String... folders) {
		return this.contextRunner.withPropertyValues("pgroll.locations="
				+ String.join(",", Stream.of(folders).map((folder) -> "classpath:pgroll/" + folder).toList()));
	}

	private List<String> versionSchemas(TestDatabase database) {
		return database.queryForList("SELECT nspname FROM pg_namespace WHERE nspname LIKE ? ORDER BY 1",
				this.schema + "\\_%").stream().map((row) -> (String) row.get("nspname")).toList();
	}

	private MigrateResult startUp(String... folders) {
		List<MigrateResult> result = new ArrayList<>();
		release(folders).run((context) -> {
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
	void severalPendingMigrationsStartAsOneRolloutThatKeepsTheRunningReleasesVersion(TestDatabase database,
			CapturedOutput output) {
		startUp("v1");
		MigrateResult result = startUp("v3");
		assertThat(result.completed()).containsExactly("01_create_books");
		assertThat(result.started()).containsExactly("02_add_isbn", "03_rename_title");
		assertThat(output).contains("pgroll: started 2 migrations as one rollout [02_add_isbn, 03_rename_title]: "
				+ "version schema " + this.schema + "_03_rename_title serves this release, " + this.schema
				+ "_01_create_books stays for the running release until the rollout is completed or rolled back");
		// Release 1 keeps its version schema; nobody ships 02's, so it has none.
		assertThat(versionSchemas(database)).containsExactly(this.schema + "_01_create_books",
				this.schema + "_03_rename_title");
		release("v1").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(PgrollMigrationInitializer.class).result().outcome())
				.isEqualTo(MigrateResult.Outcome.DATABASE_AHEAD);
			MigrationStatus status = context.getBean(Pgroll.class).status();
			assertThat(status.rollout()).extracting(MigrationRecord::name)
				.containsExactly("02_add_isbn", "03_rename_title");
			assertThat(status.previousVersionSchema()).isEqualTo(this.schema + "_01_create_books");
		});
	}

	@Test
	void aRolloutStillActiveWhenTheNextReleaseStartsIsCompletedWhole(TestDatabase database) {
		startUp("v1");
		startUp("v3");
		MigrateResult result = startUp("v3", "after-v3");
		assertThat(result.completed()).containsExactly("02_add_isbn", "03_rename_title");
		assertThat(result.started()).containsExactly("04_index_names");
		assertThat(versionSchemas(database)).containsExactly(this.schema + "_03_rename_title",
				this.schema + "_04_index_names");
	}

	@Test
	void aNewerReleaseFailsStartUpNamingTheInstancesWhileTheReleaseBeforeTheActiveRolloutStillRuns(
			TestDatabase database) {
		startUp("v1");
		startUp("v2");
		// An instance of release 1 still serves: completing release 2's rollout would strand it.
		release("v1").run((releaseOne) -> {
			assertThat(releaseOne).hasNotFailed();
			String id = releaseOne.getBean(PgrollInstance.class).registration().id();
			Await.until("release 1's instance registered", Duration.ofSeconds(10),
					() -> !releaseOne.getBean(Pgroll.class).status().instancesOf(this.schema + "_01_create_books")
						.isEmpty());
			release("v3").run((releaseThree) -> {
				assertThat(releaseThree).hasFailed();
				Throwable failure = releaseThree.getStartupFailure();
				assertThat(failure).rootCause()
					.isInstanceOf(InstancesStillLiveException.class)
					.hasMessageContaining(id)
					.hasMessageContaining(this.schema + "_01_create_books");
				FailureAnalysis analysis = new InstancesStillLiveFailureAnalyzer().analyze(failure);
				assertThat(analysis.getDescription()).contains(id, "Live instances of version schema "
						+ this.schema + "_01_create_books");
				assertThat(analysis.getAction()).contains("stop the instances listed", "complete");
			});
		});
		assertThat(versionSchemas(database)).as("nothing changed")
			.containsExactly(this.schema + "_01_create_books", this.schema + "_02_add_isbn");
		// Once release 1 is gone, release 3 completes release 2's rollout and starts its own.
		assertThat(startUp("v3").completed()).containsExactly("02_add_isbn");
	}

	@Test
	void aFirstDeploymentSaysNothingOfARunningRelease(CapturedOutput output) {
		startUp("v3");
		assertThat(output).contains("pgroll: MIGRATED").doesNotContain("stays for the running release");
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
		startUp("v2");
		// Completing 02 drops release 1's version schema.
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
				.hasMessageContaining("\"01_create_books\" was changed after it was applied")
				.hasMessageContaining("  operations[0].create_table.columns[0].type: 'integer' → 'bigint'")
				.hasMessageContaining("pgroll.development.restart-changed-active-migration");
		});
	}

	@Test
	void inDevelopmentAnEditedActiveMigrationIsRolledBackAndStartedAgainAtStartUp(TestDatabase database,
			CapturedOutput output) {
		startUp("v1");
		release("edited-v1").withPropertyValues("pgroll.development.restart-changed-active-migration=true")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				MigrateResult result = context.getBean(PgrollMigrationInitializer.class).result();
				assertThat(result.started()).containsExactly("01_create_books");
				assertThat(database.queryForString("SELECT data_type FROM information_schema.columns WHERE "
						+ "table_schema = ? AND table_name = 'books' AND column_name = 'id'", this.schema))
					.isEqualTo("bigint");
				assertThat(context.getBean(Pgroll.class).status().activeMigration().name())
					.isEqualTo("01_create_books");
			});
		assertThat(output).contains("pgroll.development.restart-changed-active-migration is on")
			.contains("01_create_books.yaml changed while migration \"01_create_books\" of schema \"" + this.schema
					+ "\" was active");
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
	void eightInstancesStartingTheSameMigrationTogetherMigrateItOnceAndAllServeTheNewVersion() throws Exception {
		startUp("v1");
		int instances = 8;
		ExecutorService executor = Executors.newFixedThreadPool(instances);
		CountDownLatch go = new CountDownLatch(1);
		List<Future<String>> results = new ArrayList<>();
		for (int i = 0; i < instances; i++) {
			results.add(executor.submit(() -> {
				go.await();
				List<String> seen = new ArrayList<>();
				release("v2").run((context) -> {
					assertThat(context).hasNotFailed();
					MigrateResult result = context.getBean(PgrollMigrationInitializer.class).result();
					try (Connection connection = context.getBean(DataSource.class).getConnection();
							Statement statement = connection.createStatement();
							ResultSet rs = statement.executeQuery("SHOW search_path")) {
						rs.next();
						seen.add(result.outcome() + " " + result.versionSchema() + " " + rs.getString(1));
					}
				});
				return seen.get(0);
			}));
		}
		go.countDown();
		executor.shutdown();
		List<String> outcomes = new ArrayList<>();
		for (Future<String> result : results) {
			outcomes.add(result.get(5, TimeUnit.MINUTES));
		}
		// The pin quotes the schema name in search_path.
		String pinned = " " + this.schema + "_02_add_isbn \"" + this.schema + "_02_add_isbn\"";
		assertThat(outcomes).containsOnlyOnce(MigrateResult.Outcome.MIGRATED + pinned)
			.filteredOn((outcome) -> outcome.equals(MigrateResult.Outcome.UP_TO_DATE + pinned))
			.hasSize(instances - 1);
		release("v2").run((context) -> {
			MigrationStatus status = context.getBean(Pgroll.class).status();
			assertThat(status.history()).hasSize(2);
			assertThat(status.activeMigration().name()).isEqualTo("02_add_isbn");
		});
	}

	@Test
	void instancesWaitingAtStartUpDoNotStallTheIndexBuildOfTheOneMigrating(TestDatabase database) throws Exception {
		startUp("v1");
		database.execute("INSERT INTO " + this.schema + ".books SELECT g, md5(g::text) FROM generate_series(1, 100000) g");
		// With the default pgroll.startup-lock-wait of a minute: a waiter that held a snapshot would stall the build
		// until one side gave up.
		int instances = 4;
		ExecutorService executor = Executors.newFixedThreadPool(instances);
		CountDownLatch go = new CountDownLatch(1);
		List<Future<String>> results = new ArrayList<>();
		for (int i = 0; i < instances; i++) {
			results.add(executor.submit(() -> {
				go.await();
				long began = System.nanoTime();
				List<String> seen = new ArrayList<>();
				release("indexed").run((context) -> {
					assertThat(context).hasNotFailed();
					seen.add(context.getBean(PgrollMigrationInitializer.class).result().outcome().name());
				});
				return seen.get(0) + " in " + Duration.ofNanos(System.nanoTime() - began).toMillis() + " ms";
			}));
		}
		go.countDown();
		executor.shutdown();
		List<String> outcomes = new ArrayList<>();
		for (Future<String> result : results) {
			outcomes.add(result.get(5, TimeUnit.MINUTES));
		}
		System.out.println("instances starting together with an index build: " + outcomes);
		assertThat(outcomes).filteredOn((outcome) -> outcome.startsWith(MigrateResult.Outcome.MIGRATED + " "))
			.hasSize(1);
		assertThat(outcomes).filteredOn((outcome) -> outcome.startsWith(MigrateResult.Outcome.UP_TO_DATE + " "))
			.hasSize(instances - 1);
		assertThat(database.queryForString("SELECT indisvalid::text FROM pg_index WHERE indexrelid = '" + this.schema
				+ ".books_by_title'::regclass")).isEqualTo("true");
	}

	@Test
	void anInstanceThatWaitsLongerThanItsStartupLockWaitFailsSayingWhy(TestDatabase database) throws Exception {
		startUp("v1");
		database.execute("INSERT INTO " + this.schema + ".books SELECT g, 'b' || g FROM generate_series(1, 400) g");
		// About eight seconds of backfill, during which the first instance is still starting and holds the lock.
		ExecutorService executor = Executors.newSingleThreadExecutor();
		Future<MigrateResult> first = executor.submit(() -> {
			List<MigrateResult> result = new ArrayList<>();
			release("v2").withPropertyValues("pgroll.backfill.batch-size=10", "pgroll.backfill.batch-delay=200ms")
				.run((context) -> {
					assertThat(context).hasNotFailed();
					result.add(context.getBean(PgrollMigrationInitializer.class).result());
				});
			return result.get(0);
		});
		executor.shutdown();
		long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
		while (database.queryForLong("SELECT count(*) FROM pgroll.migrations WHERE schema = ? AND NOT start_finished",
				this.schema) == 0 && !first.isDone() && System.nanoTime() < deadline) {
			Thread.sleep(20);
		}
		assertThat(first.isDone()).as("the first instance is still backfilling").isFalse();
		release("v2").withPropertyValues("pgroll.startup-lock-wait=500ms").run((second) -> {
			assertThat(second).hasFailed();
			assertThat(second.getStartupFailure()).rootCause()
				.isInstanceOf(MigrationStateException.class)
				.hasMessage("another application instance is migrating schema \"" + this.schema
						+ "\" (waited 500 ms for its lock)");
		});
		assertThat(first.get(1, TimeUnit.MINUTES).started()).containsExactly("02_add_isbn");
	}

}
