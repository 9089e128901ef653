package dev.pgroll4j.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import dev.pgroll4j.core.migration.Migration;
import dev.pgroll4j.core.testing.MigrationLifecycle;
import dev.pgroll4j.test.PostgresTest;
import dev.pgroll4j.test.TestDatabase;

import static dev.pgroll4j.core.testing.Concurrently.runTogether;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** Start-up reconciliation: the database is brought to the local files, or left alone when it is ahead. */
@PostgresTest
class MigrateTests {

	private static final Migration V1 = MigrationLifecycle.yaml("01_users", """
			operations:
			  - create_table:
			      name: users
			      columns:
			        - {name: id, type: integer, pk: true}
			        - {name: name, type: text}
			""");

	private static final Migration V2 = MigrationLifecycle.yaml("02_email", """
			operations:
			  - add_column:
			      table: users
			      up: name || '@example.com'
			      column: {name: email, type: text}
			""");

	private static final Migration V3 = MigrationLifecycle.yaml("03_nickname", """
			operations:
			  - add_column:
			      table: users
			      column: {name: nickname, type: text, nullable: true}
			""");

	private final MigrateOptions options = MigrateOptions.defaults();

	@Test
	void aFreshDatabaseGetsEveryMigrationWithTheLastLeftActive(TestDatabase database) {
		Pgroll pgroll = MigrationLifecycle.in(database).pgroll();
		MigrateResult result = pgroll.migrate(List.of(V1, V2, V3), this.options);
		assertThat(result.outcome()).isEqualTo(MigrateResult.Outcome.MIGRATED);
		assertThat(result.started()).containsExactly("01_users", "02_email", "03_nickname");
		assertThat(result.completed()).containsExactly("01_users", "02_email");
		assertThat(result.versionSchema()).endsWith("_03_nickname");
		assertThat(pgroll.status().activeMigration().name()).isEqualTo("03_nickname");
		assertThat(pgroll.status().previousVersionSchema()).endsWith("_02_email");
	}

	@Test
	void anUpToDateDatabaseIsLeftAlone(TestDatabase database) {
		Pgroll pgroll = MigrationLifecycle.in(database).pgroll();
		pgroll.migrate(List.of(V1, V2), this.options);
		MigrateResult again = pgroll.migrate(List.of(V1, V2), this.options);
		assertThat(again.outcome()).isEqualTo(MigrateResult.Outcome.UP_TO_DATE);
		assertThat(again.started()).isEmpty();
		assertThat(again.completed()).isEmpty();
		assertThat(pgroll.status().activeMigration().name()).as("still active for the previous version")
			.isEqualTo("02_email");
	}

	@Test
	void onePendingMigrationCompletesTheOneTheLastDeploymentLeftActive(TestDatabase database) {
		Pgroll pgroll = MigrationLifecycle.in(database).pgroll();
		pgroll.migrate(List.of(V1, V2), this.options);
		MigrateResult result = pgroll.migrate(List.of(V1, V2, V3), this.options);
		assertThat(result.completed()).containsExactly("02_email");
		assertThat(result.started()).containsExactly("03_nickname");
	}

	@Test
	void anActiveEarlierMigrationIsAnErrorWhenItMayNotBeCompleted(TestDatabase database) {
		Pgroll pgroll = MigrationLifecycle.in(database).pgroll();
		pgroll.migrate(List.of(V1, V2), this.options);
		assertThatExceptionOfType(MigrationStateException.class)
			.isThrownBy(() -> pgroll.migrate(List.of(V1, V2, V3), this.options.withCompleteActiveMigration(false)))
			.withMessageContaining("\"02_email\" is still active")
			.withMessageContaining("before \"03_nickname\" can start");
	}

	@Test
	void completeLastCompletesEverything(TestDatabase database) {
		Pgroll pgroll = MigrationLifecycle.in(database).pgroll();
		MigrateResult result = pgroll.migrate(List.of(V1, V2), this.options.withCompleteLast(true));
		assertThat(result.completed()).containsExactly("01_users", "02_email");
		assertThat(pgroll.status().state()).isEqualTo(MigrationStatus.State.COMPLETE);
	}

	@Test
	void anOlderInstanceStartsAgainstANewerDatabaseWhileItsVersionSchemaExists(TestDatabase database) {
		Pgroll pgroll = MigrationLifecycle.in(database).pgroll();
		pgroll.migrate(List.of(V1, V2), this.options.withCompleteLast(true));
		pgroll.migrate(List.of(V1, V2, V3), this.options);
		MigrateResult old = pgroll.migrate(List.of(V1, V2), this.options);
		assertThat(old.outcome()).isEqualTo(MigrateResult.Outcome.DATABASE_AHEAD);
		assertThat(old.versionSchema()).endsWith("_02_email");
		assertThat(pgroll.status().activeMigration().name()).isEqualTo("03_nickname");
	}

	@Test
	void anOlderInstanceWhoseVersionSchemaIsGoneFailsFastSayingWhy(TestDatabase database) {
		Pgroll pgroll = MigrationLifecycle.in(database).pgroll();
		pgroll.migrate(List.of(V1, V2, V3), this.options.withCompleteLast(true));
		assertThatExceptionOfType(MigrationStateException.class)
			.isThrownBy(() -> pgroll.migrate(List.of(V1, V2), this.options))
			.withMessageContaining("is ahead of this application")
			.withMessageContaining("\"03_nickname\" has been applied since")
			.withMessageContaining("_02_email\" no longer exists");
	}

	@Test
	void aMigrationFileChangedAfterItWasAppliedIsRefused(TestDatabase database) {
		Pgroll pgroll = MigrationLifecycle.in(database).pgroll();
		pgroll.migrate(List.of(V1), this.options);
		Migration edited = MigrationLifecycle.yaml("01_users", """
				operations:
				  - create_table:
				      name: users
				      columns:
				        - {name: id, type: bigint, pk: true}
				        - {name: name, type: text}
				""");
		assertThatExceptionOfType(MigrationStateException.class)
			.isThrownBy(() -> pgroll.migrate(List.of(edited, V2), this.options))
			.withMessageContaining("\"01_users\" was changed after it was applied")
			.withMessageContaining("bigint");
		assertThat(pgroll.status().history()).hasSize(1);
	}

	@Test
	void aRenamedMigrationFileIsRefused(TestDatabase database) {
		Pgroll pgroll = MigrationLifecycle.in(database).pgroll();
		pgroll.migrate(List.of(V1), this.options);
		Migration renamed = MigrationLifecycle.yaml("01_people", """
				operations:
				  - create_table:
				      name: users
				      columns:
				        - {name: id, type: integer, pk: true}
				        - {name: name, type: text}
				""");
		assertThatExceptionOfType(MigrationStateException.class)
			.isThrownBy(() -> pgroll.migrate(List.of(renamed, V2), this.options))
			.withMessageContaining("disagree at position 1")
			.withMessageContaining("applied \"01_users\" where the files have \"01_people\"");
	}

	@Test
	void instancesStartingTogetherMigrateOnceAndAllSucceed(TestDatabase database) throws Exception {
		Pgroll pgroll = MigrationLifecycle.in(database).pgroll();
		pgroll.init();
		List<Future<MigrateResult>> results = runTogether(4,
				() -> pgroll.migrate(List.of(V1, V2), this.options.withLockWait(Duration.ofSeconds(60))));
		List<MigrateResult.Outcome> outcomes = new ArrayList<>();
		for (Future<MigrateResult> result : results) {
			outcomes.add(result.get().outcome());
			assertThat(result.get().versionSchema()).endsWith("_02_email");
		}
		assertThat(outcomes).containsOnlyOnce(MigrateResult.Outcome.MIGRATED)
			.filteredOn((outcome) -> outcome != MigrateResult.Outcome.MIGRATED)
			.containsOnly(MigrateResult.Outcome.UP_TO_DATE);
		assertThat(pgroll.status().history()).hasSize(2);
	}

	@Test
	void noLocalMigrationsChangeNothing(TestDatabase database) {
		Pgroll pgroll = MigrationLifecycle.in(database).pgroll();
		MigrateResult result = pgroll.migrate(List.of(), this.options);
		assertThat(result.outcome()).isEqualTo(MigrateResult.Outcome.NO_MIGRATIONS);
		assertThat(result.versionSchema()).isNull();
	}

}
