package dev.pgroll4j.core.operations;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.pgroll4j.core.testing.MigrationLifecycle;
import dev.pgroll4j.test.PostgresTest;
import dev.pgroll4j.test.TestDatabase;

import static dev.pgroll4j.core.testing.Leftovers.assertNoTriggerFunctionColumnOrRelation;
import static dev.pgroll4j.core.testing.Rows.row;
import static org.assertj.core.api.Assertions.assertThat;

@PostgresTest
@Tag("operations")
class DropConstraintTests {

	private static final String TEAMS_AND_USERS = """
			operations:
			  - create_table:
			      name: teams
			      columns:
			        - {name: id, type: integer, pk: true}
			        - {name: name, type: text}
			  - create_table:
			      name: users
			      columns:
			        - {name: id, type: integer, pk: true}
			        - {name: email, type: text, unique: true}
			        - name: age
			          type: integer
			          nullable: true
			          check: {name: users_age_check, constraint: age >= 0}
			        - name: team_id
			          type: integer
			          nullable: true
			          references: {name: users_team_fk, table: teams, column: id}
			""";

	private static final String ROWS = "INSERT INTO teams VALUES (1, 'red')";

	private static final String USER_ROWS = "INSERT INTO users VALUES (1, 'a@x.io', 30, 1), (2, 'b@x.io', NULL, NULL)";

	@Test
	void droppedCheckStillBindsTheOldVersionAndDownKeepsNewVersionWritesWithinIt(TestDatabase database) {
		MigrationLifecycle.in(database).given(TEAMS_AND_USERS).givenRows(ROWS, USER_ROWS)
			.migration("""
					operations:
					  - drop_constraint:
					      table: users
					      name: users_age_check
					      down: greatest(age, 0)
					""")
			.afterStart((v) -> {
				assertThat(v.next().columns("users")).containsExactly("id", "email", "age", "team_id");
				v.next().execute("INSERT INTO users VALUES (3, 'c@x.io', -5, NULL)");
				assertThat(v.next().value("SELECT age FROM users WHERE id = 3")).isEqualTo(-5);
				assertThat(v.previous().value("SELECT age FROM users WHERE id = 3")).isEqualTo(0);
				v.next().execute("UPDATE users SET age = -7 WHERE id = 1");
				assertThat(v.previous().value("SELECT age FROM users WHERE id = 1")).isEqualTo(0);

				v.previous().assertFails("23514", "INSERT INTO users VALUES (4, 'd@x.io', -1, NULL)");
				// up defaults to the column itself.
				v.previous().execute("UPDATE users SET age = 31 WHERE id = 2");
				assertThat(v.next().value("SELECT age FROM users WHERE id = 2")).isEqualTo(31);
				// The column's other constraints are untouched: its copy only loses the check.
				v.next().assertFails("23505", "INSERT INTO users VALUES (5, 'a@x.io', 1, NULL)");
				assertThat(v.physical().constraints("users")).contains("users_age_check c true");
			})
			.afterRollback((v) -> {
				assertThat(v.previous().query("SELECT age FROM users ORDER BY id")).extracting((r) -> r.get("age"))
					.containsExactly(0, 31, 0);
				v.previous().assertFails("23514", "INSERT INTO users VALUES (4, 'd@x.io', -1, NULL)");
			})
			.afterComplete((v) -> {
				assertThat(v.physical().constraints("users")).containsExactly("users_email_key u true",
						"users_pkey p true", "users_team_fk f true");
				v.next().execute("INSERT INTO users VALUES (6, 'f@x.io', -9, NULL)");
				assertThat(v.next().query("SELECT age FROM users ORDER BY id")).extracting((r) -> r.get("age"))
					.containsExactly(0, 31, 0, -9);
				assertThat(v.next().columns("users")).containsExactly("id", "email", "age", "team_id");
				assertNoTriggerFunctionColumnOrRelation(v.physical(), "users");
			})
			.run();
	}

	@Test
	void droppedForeignKeyStillBindsTheOldVersionAndDownKeepsNewVersionWritesWithinIt(TestDatabase database) {
		MigrationLifecycle.in(database).given(TEAMS_AND_USERS).givenRows(ROWS, USER_ROWS)
			.migration("""
					operations:
					  - drop_constraint:
					      table: users
					      name: users_team_fk
					      up: team_id
					      down: "CASE WHEN team_id IN (SELECT id FROM teams) THEN team_id END"
					""")
			.afterStart((v) -> {
				v.next().execute("INSERT INTO users VALUES (3, 'c@x.io', NULL, 99)");
				assertThat(v.next().value("SELECT team_id FROM users WHERE id = 3")).isEqualTo(99);
				assertThat(v.previous().value("SELECT team_id FROM users WHERE id = 3")).isNull();
				v.next().execute("INSERT INTO users VALUES (4, 'd@x.io', NULL, 1)");
				assertThat(v.previous().value("SELECT team_id FROM users WHERE id = 4")).isEqualTo(1);

				v.previous().assertFails("23503", "INSERT INTO users VALUES (5, 'e@x.io', NULL, 99)");
				// The old column still references teams, whoever deletes the team.
				v.next().assertFails("23503", "DELETE FROM teams WHERE id = 1");
				assertThat(v.physical().constraints("users")).contains("users_team_fk f true");
			})
			.afterRollback((v) -> assertThat(v.previous().query("SELECT team_id FROM users ORDER BY id"))
				.extracting((r) -> r.get("team_id"))
				.containsExactly(1, null, null, 1))
			.afterComplete((v) -> {
				assertThat(v.physical().constraints("users")).containsExactly("users_age_check c true",
						"users_email_key u true", "users_pkey p true");
				v.next().execute("INSERT INTO users VALUES (6, 'f@x.io', NULL, 42)");
				v.next().execute("DELETE FROM teams WHERE id = 1");
				assertThat(v.next().query("SELECT team_id FROM users ORDER BY id")).extracting((r) -> r.get("team_id"))
					.containsExactly(1, null, null, 1, 42);
				// The table's other constraints are untouched.
				v.next().assertFails("23514", "INSERT INTO users VALUES (7, 'g@x.io', -1, NULL)");
				assertNoTriggerFunctionColumnOrRelation(v.physical(), "users");
			})
			.run();
	}

	@Test
	void droppedUniqueConstraintStillBindsTheOldVersionAndDownKeepsNewVersionWritesWithinIt(TestDatabase database) {
		MigrationLifecycle.in(database).given(TEAMS_AND_USERS).givenRows(ROWS, USER_ROWS)
			.migration("""
					operations:
					  - drop_constraint:
					      table: users
					      name: users_email_key
					      up: email
					      down: "split_part(email, '@', 1) || '+' || id || '@' || split_part(email, '@', 2)"
					""")
			.afterStart((v) -> {
				v.next().execute("INSERT INTO users VALUES (3, 'a@x.io', NULL, NULL)");
				assertThat(v.next().value("SELECT count(*) FROM users WHERE email = 'a@x.io'")).isEqualTo(2L);
				assertThat(v.previous().value("SELECT email FROM users WHERE id = 3")).isEqualTo("a+3@x.io");

				v.previous().assertFails("23505", "INSERT INTO users VALUES (4, 'b@x.io', NULL, NULL)");
				v.previous().execute("INSERT INTO users VALUES (5, 'e@x.io', NULL, NULL)");
				assertThat(v.next().value("SELECT email FROM users WHERE id = 5")).isEqualTo("e@x.io");
				assertThat(v.physical().constraints("users")).contains("users_email_key u true");
			})
			.afterRollback((v) -> assertThat(v.previous().query("SELECT email FROM users ORDER BY id"))
				.extracting((r) -> r.get("email"))
				.containsExactly("a@x.io", "b@x.io", "a+3@x.io", "e@x.io"))
			.afterComplete((v) -> {
				assertThat(v.physical().constraints("users")).containsExactly("users_age_check c true",
						"users_pkey p true", "users_team_fk f true");
				assertThat(v.physical().value("SELECT to_regclass('users_email_key')")).isNull();
				v.next().execute("INSERT INTO users VALUES (6, 'b@x.io', NULL, NULL)");
				assertThat(v.next().query("SELECT id, email FROM users WHERE email = 'b@x.io' ORDER BY id"))
					.containsExactly(row("id", 2, "email", "b@x.io"), row("id", 6, "email", "b@x.io"));
				// Still NOT NULL: the copy keeps everything but the dropped constraint.
				assertThat(v.physical().value("SELECT attnotnull FROM pg_attribute WHERE attrelid = "
						+ "'users'::regclass AND attname = 'email'")).isEqualTo(true);
				assertNoTriggerFunctionColumnOrRelation(v.physical(), "users");
			})
			.run();
	}

	@Test
	void constraintOfATableCreatedInTheSameMigrationIsDroppedDirectly(TestDatabase database) {
		MigrationLifecycle.in(database).given(TEAMS_AND_USERS).migration("""
				operations:
				  - create_table:
				      name: labels
				      columns:
				        - {name: id, type: integer, pk: true}
				        - name: name
				          type: text
				          check: {name: labels_name_check, constraint: "length(name) > 2"}
				  - drop_constraint:
				      table: labels
				      name: labels_name_check
				      down: name
				""").afterStart((v) -> {
			assertThat(v.physical().columns("labels")).containsExactly("id", "name");
			v.next().execute("INSERT INTO labels VALUES (1, 'x')");
		}).afterComplete((v) -> {
			assertThat(v.physical().constraints("labels")).containsExactly("labels_pkey p true");
			v.next().execute("INSERT INTO labels VALUES (1, 'x')");
		}).run();
	}

}
