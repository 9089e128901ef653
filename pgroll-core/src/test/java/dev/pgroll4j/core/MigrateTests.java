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

	/** 02_email as a developer edited it after it started. */
	private static final Migration V2_EDITED = MigrationLifecycle.yaml("02_email", """
			operations:
			  - add_column:
			      table: users
			      up: lower(name) || '@example.org'
			      column: {name: mail, type: text}
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
			.withMessageContaining("01_users.yaml differs from what the database applied at (history → file):\n"
					+ "  operations[0].create_table.columns[0].type: 'integer' → 'bigint'\n")
			.withMessageContaining("It is still active")
			.withMessageContaining("restartChangedActiveMigration");
		assertThat(pgroll.status().history()).hasSize(1);
	}

	private static String storedColumnName(TestDatabase database, MigrationLifecycle app, String migration) {
		return database.queryForString("SELECT migration #>> '{operations,0,add_column,column,name}' "
				+ "FROM pgroll.migrations WHERE schema = ? AND name = ?", app.schema(), migration);
	}

	private static List<String> columns(TestDatabase database, String versionSchema) {
		return database.queryForList("SELECT column_name FROM information_schema.columns "
				+ "WHERE table_schema = ? AND table_name = 'users' ORDER BY ordinal_position", versionSchema)
			.stream()
			.map((row) -> (String) row.get("column_name"))
			.toList();
	}

	@Test
	void inDevelopmentAChangedActiveMigrationIsRolledBackAndStartedAgainFromItsFile(TestDatabase database) {
		MigrationLifecycle app = MigrationLifecycle.in(database);
		app.pgroll().migrate(List.of(V1, V2), this.options);
		// The application restarts with the edited file: a new engine, which knows only the files it is given.
		MigrateResult restarted = app.pgroll()
			.migrate(List.of(V1, V2_EDITED), this.options.withRestartChangedActiveMigration(true));
		assertThat(restarted.outcome()).isEqualTo(MigrateResult.Outcome.MIGRATED);
		assertThat(restarted.started()).containsExactly("02_email");
		assertThat(restarted.completed()).isEmpty();
		assertThat(storedColumnName(database, app, "02_email")).isEqualTo("mail");
		assertThat(columns(database, app.schema() + "_02_email")).containsExactly("id", "name", "mail");
		assertThat(database.queryForLong("SELECT count(*) FROM information_schema.columns WHERE table_schema = ? "
				+ "AND column_name LIKE '%email%'", app.schema())).as("the first start's column is gone").isZero();
		Pgroll pgroll = app.pgroll();
		assertThat(pgroll.migrate(List.of(V1, V2_EDITED), this.options).outcome())
			.isEqualTo(MigrateResult.Outcome.UP_TO_DATE);
		assertThat(pgroll.status().activeMigration().name()).isEqualTo("02_email");
	}

	@Test
	void aChangedActiveMigrationIsRestartedTogetherWithNewPendingOnes(TestDatabase database) {
		MigrationLifecycle app = MigrationLifecycle.in(database);
		app.pgroll().migrate(List.of(V1, V2), this.options);
		MigrateResult restarted = app.pgroll()
			.migrate(List.of(V1, V2_EDITED, V3), this.options.withRestartChangedActiveMigration(true));
		assertThat(restarted.started()).containsExactly("02_email", "03_nickname");
		assertThat(restarted.completed()).as("the rolled back rollout is not completed").isEmpty();
		assertThat(columns(database, app.schema() + "_03_nickname")).containsExactly("id", "name", "mail",
				"nickname");
		assertThat(app.pgroll().status().previousVersionSchema()).endsWith("_01_users");
	}

	@Test
	void aChangedCompletedMigrationIsRefusedEvenInDevelopmentSayingWhatToDo(TestDatabase database) {
		MigrationLifecycle app = MigrationLifecycle.in(database);
		app.pgroll().migrate(List.of(V1, V2, V3), this.options);
		Migration edited = MigrationLifecycle.yaml("02_email", """
				operations:
				  - add_column:
				      table: users
				      up: name || '@example.com'
				      column: {name: email, type: varchar(200)}
				""");
		Pgroll pgroll = app.pgroll();
		assertThatExceptionOfType(MigrationStateException.class)
			.isThrownBy(() -> pgroll.migrate(List.of(V1, edited, V3),
					this.options.withRestartChangedActiveMigration(true)))
			.withMessageContaining("\"02_email\" was changed after it was applied")
			.withMessageContaining("operations[0].add_column.column.type: 'text' → 'varchar(200)'")
			.withMessageContaining("It is completed")
			.withMessageContaining("put the change in a new migration")
			.withMessageContaining("only done while it is active");
		assertThat(pgroll.status().activeMigration().name()).as("nothing was rolled back").isEqualTo("03_nickname");
		assertThat(storedColumnName(database, app, "02_email")).isEqualTo("email");
	}

	@Test
	void inDevelopmentAnUnfinishedStartWhoseFileChangedIsRepairedAndStartedAgainFromItsFile(TestDatabase database) {
		MigrationLifecycle app = MigrationLifecycle.in(database);
		app.pgroll().migrate(List.of(V1, V2), this.options);
		// As if the process had died during the backfill of 02_email.
		database.execute("UPDATE pgroll.migrations SET start_finished = false WHERE schema = '" + app.schema()
				+ "' AND name = '02_email'");
		Pgroll strict = app.pgroll();
		assertThatExceptionOfType(MigrationStateException.class)
			.isThrownBy(() -> strict.migrate(List.of(V1, V2_EDITED), this.options))
			.withMessageContaining("cannot repair migration \"02_email\"")
			.withMessageContaining("operations[0].add_column.column.name: 'email' → 'mail'");
		MigrateResult restarted = app.pgroll()
			.migrate(List.of(V1, V2_EDITED), this.options.withRestartChangedActiveMigration(true));
		assertThat(restarted.started()).containsExactly("02_email");
		assertThat(columns(database, app.schema() + "_02_email")).containsExactly("id", "name", "mail");
	}

	@Test
	void withoutTheDevelopmentOptionAChangedActiveMigrationIsRefusedAndKept(TestDatabase database) {
		MigrationLifecycle app = MigrationLifecycle.in(database);
		app.pgroll().migrate(List.of(V1, V2), this.options);
		Pgroll pgroll = app.pgroll();
		assertThatExceptionOfType(MigrationStateException.class)
			.isThrownBy(() -> pgroll.migrate(List.of(V1, V2_EDITED), this.options))
			.withMessageContaining("\"02_email\" was changed after it was applied")
			.withMessageContaining("operations[0].add_column.up: 'name || '@example.com'' → "
					+ "'lower(name) || '@example.org''")
			.withMessageContaining("operations[0].add_column.column.name: 'email' → 'mail'");
		assertThat(storedColumnName(database, app, "02_email")).isEqualTo("email");
		assertThat(columns(database, app.schema() + "_02_email")).containsExactly("id", "name", "email");
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
