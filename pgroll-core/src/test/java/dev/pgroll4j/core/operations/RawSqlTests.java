package dev.pgroll4j.core.operations;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.pgroll4j.core.MigrationExecutionException;
import dev.pgroll4j.core.MigrationValidationException;
import dev.pgroll4j.core.Pgroll;
import dev.pgroll4j.core.testing.MigrationLifecycle;
import dev.pgroll4j.test.CatalogSnapshot;
import dev.pgroll4j.test.PostgresTest;
import dev.pgroll4j.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@PostgresTest
@Tag("operations")
class RawSqlTests {

	private static final String USERS = """
			operations:
			  - create_table:
			      name: users
			      columns:
			        - {name: id, type: integer, pk: true}
			        - {name: name, type: text}
			""";

	@Test
	void upRunsAtStartAndTheNewVersionShowsWhatItCreatedWhileDownUndoesItOnRollback(TestDatabase database) {
		MigrationLifecycle.in(database)
			.given(USERS)
			.givenRows("INSERT INTO users VALUES (1, 'alice')")
			.migration("""
					operations:
					  - sql:
					      up: |
					        CREATE TABLE gadgets (id integer PRIMARY KEY, label text);
					        INSERT INTO gadgets VALUES (1, 'one');
					        ALTER TABLE users ADD COLUMN nickname text
					      down: |
					        DROP TABLE IF EXISTS gadgets;
					        ALTER TABLE users DROP COLUMN IF EXISTS nickname
					""")
			.afterStart((v) -> {
				assertThat(v.next().columns("gadgets")).containsExactly("id", "label");
				assertThat(v.next().value("SELECT label FROM gadgets")).isEqualTo("one");
				assertThat(v.next().columns("users")).containsExactly("id", "name", "nickname");
				v.next().execute("INSERT INTO gadgets VALUES (2, 'two')");
				assertThat(v.previous().columns("users")).containsExactly("id", "name");
				v.previous().assertFails("42P01", "SELECT * FROM gadgets");
			})
			.afterRollback((v) -> {
				assertThat(v.physical().value("SELECT to_regclass('gadgets') IS NULL")).isEqualTo(true);
				assertThat(v.physical().columns("users")).containsExactly("id", "name");
			})
			.afterComplete((v) -> {
				assertThat(v.next().columns("gadgets")).containsExactly("id", "label");
				assertThat(v.next().columns("users")).containsExactly("id", "name", "nickname");
				assertThat(v.next().value("SELECT count(*) FROM gadgets")).isEqualTo(1L);
			})
			.run();
	}

	@Test
	void onCompleteSqlRunsAtCompleteAfterTheOtherOperationsAndTheNewVersionShowsItsColumn(TestDatabase database) {
		MigrationLifecycle.in(database)
			.given(USERS)
			.givenRows("INSERT INTO users VALUES (1, 'alice')")
			.migration("""
					operations:
					  - add_column:
					      table: users
					      column: {name: email, type: text, nullable: true}
					  - sql:
					      up: |
					        ALTER TABLE users ADD COLUMN birth_date date;
					        CREATE INDEX users_email_lower_idx ON users (lower(email))
					      onComplete: true
					""")
			.afterStart((v) -> {
				assertThat(v.physical().columns("users")).doesNotContain("birth_date");
				assertThat(v.next().columns("users")).containsExactly("id", "name", "email");
				assertThat(v.physical().value("SELECT to_regclass('users_email_lower_idx') IS NULL")).isEqualTo(true);
			})
			.afterComplete((v) -> {
				assertThat(v.next().columns("users")).containsExactly("id", "name", "email", "birth_date");
				v.next().execute("UPDATE users SET birth_date = '2000-01-01', email = 'A@X' WHERE id = 1");
				// The SQL saw the column under its final name, so it ran after add_column's rename.
				assertThat(v.physical().indexDefinition("users_email_lower_idx"))
					.endsWith("USING btree (lower(email))");
			})
			.run();
	}

	@Test
	void failingOnCompleteSqlKeepsTheMigrationActiveWithBothVersionsWorking(TestDatabase database) {
		MigrationLifecycle lifecycle = MigrationLifecycle.in(database).given(USERS);
		Pgroll pgroll = lifecycle.prepare();
		String schema = lifecycle.schema();
		CatalogSnapshot beforeStart = database.catalogSnapshot();
		pgroll.start(MigrationLifecycle.yaml("500_bad_on_complete", """
				operations:
				  - add_column:
				      table: users
				      column: {name: email, type: text, nullable: true}
				  - sql:
				      up: ALTER TABLE no_such_table ADD COLUMN x integer
				      onComplete: true
				"""));
		CatalogSnapshot started = database.catalogSnapshot();

		// Complete works from the stored history, which knows the migration's name but not its file.
		assertThatThrownBy(pgroll::complete).isInstanceOf(MigrationExecutionException.class)
			.hasMessageContaining("migration \"500_bad_on_complete\"")
			.hasMessageContaining("operations[1] (sql)")
			.hasMessageContaining("no_such_table");

		// Complete is one transaction: the previous version schema and the new column are both still there.
		assertThat(started.diff(database.catalogSnapshot())).as("catalog changes left by the failed complete")
			.isEmpty();
		assertThat(pgroll.status().activeMigration().name()).isEqualTo("500_bad_on_complete");
		database.execute("INSERT INTO " + schema + "_000_setup.users VALUES (1, 'alice')",
				"UPDATE " + schema + "_500_bad_on_complete.users SET email = 'a@x' WHERE id = 1");
		pgroll.rollback();
		assertThat(beforeStart.diff(database.catalogSnapshot())).isEmpty();
	}

	@Test
	void sqlWithoutOnCompleteMustBeTheOnlyOperation(TestDatabase database) {
		Pgroll pgroll = MigrationLifecycle.in(database).given(USERS).prepare();
		CatalogSnapshot before = database.catalogSnapshot();

		assertThatThrownBy(() -> pgroll.start(MigrationLifecycle.yaml("500_mixed", """
				operations:
				  - add_column:
				      table: users
				      column: {name: email, type: text, nullable: true}
				  - sql:
				      up: CREATE TABLE gadgets (id integer)
				      down: DROP TABLE gadgets
				""")))
			.isInstanceOf(MigrationValidationException.class)
			.hasMessageStartingWith("500_mixed.yaml: operations[1] (sql): ")
			.hasMessageContaining("must be the only operation");
		assertThat(before.diff(database.catalogSnapshot())).isEmpty();
	}

	@Test
	void downIsNotAllowedWithOnComplete(TestDatabase database) {
		Pgroll pgroll = MigrationLifecycle.in(database).given(USERS).prepare();
		CatalogSnapshot before = database.catalogSnapshot();

		assertThatThrownBy(() -> pgroll.start(MigrationLifecycle.yaml("500_down_on_complete", """
				operations:
				  - sql:
				      up: ALTER TABLE users ADD COLUMN email text
				      down: ALTER TABLE users DROP COLUMN email
				      onComplete: true
				""")))
			.isInstanceOf(MigrationValidationException.class)
			.hasMessageStartingWith("500_down_on_complete.yaml: operations[0] (sql), field down: ")
			.hasMessageContaining("onComplete");
		assertThat(before.diff(database.catalogSnapshot())).isEmpty();
	}

	@Test
	void emptyUpIsRejected(TestDatabase database) {
		Pgroll pgroll = MigrationLifecycle.in(database).given(USERS).prepare();

		assertThatThrownBy(() -> pgroll.start(MigrationLifecycle.yaml("500_empty", """
				operations:
				  - sql: {up: "  "}
				""")))
			.isInstanceOf(MigrationValidationException.class)
			.hasMessageStartingWith("500_empty.yaml: operations[0] (sql), field up: ");
	}

	@Test
	void failingUpLeavesTheCatalogAsItWasAndTheErrorNamesTheOperation(TestDatabase database) {
		MigrationLifecycle lifecycle = MigrationLifecycle.in(database).given(USERS);
		Pgroll pgroll = lifecycle.prepare();
		CatalogSnapshot before = database.catalogSnapshot();

		assertThatThrownBy(() -> pgroll.start(MigrationLifecycle.yaml("500_failing_up", """
				operations:
				  - sql:
				      up: |
				        CREATE TABLE gadgets (id integer);
				        ALTER TABLE users ADD COLUMN email text;
				        INSERT INTO no_such_table VALUES (1)
				      down: DROP TABLE gadgets
				""")))
			.isInstanceOf(MigrationExecutionException.class)
			.hasMessageContaining("500_failing_up.yaml operations[0] (sql)")
			.hasMessageContaining("no_such_table")
			.satisfies((ex) -> assertThat(((MigrationExecutionException) ex).sqlState()).isEqualTo("42P01"));
		assertThat(before.diff(database.catalogSnapshot())).as("catalog changes left by the failed start").isEmpty();
		assertThat(pgroll.status().activeMigration()).isNull();
		assertThat(database.queryForLong("SELECT count(*) FROM pg_namespace WHERE nspname = ?",
				lifecycle.schema() + "_500_failing_up")).isZero();
	}

	@Test
	void statementThatCannotRunInATransactionIsReportedClearlyAndChangesNothing(TestDatabase database) {
		Pgroll pgroll = MigrationLifecycle.in(database).given(USERS).prepare();
		CatalogSnapshot before = database.catalogSnapshot();

		// up runs inside the start transaction, so that a failure leaves nothing behind.
		assertThatThrownBy(() -> pgroll.start(MigrationLifecycle.yaml("500_concurrently", """
				operations:
				  - sql:
				      up: CREATE INDEX CONCURRENTLY users_name_idx ON users (name)
				      down: DROP INDEX IF EXISTS users_name_idx
				""")))
			.isInstanceOf(MigrationExecutionException.class)
			.hasMessageContaining("500_concurrently.yaml operations[0] (sql)")
			.hasMessageContaining("CREATE INDEX CONCURRENTLY cannot run inside a transaction block");
		assertThat(before.diff(database.catalogSnapshot())).isEmpty();
		assertThat(pgroll.status().activeMigration()).isNull();
	}

}
