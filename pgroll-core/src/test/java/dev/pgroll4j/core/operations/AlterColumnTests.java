package dev.pgroll4j.core.operations;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.pgroll4j.core.BackfillListener;
import dev.pgroll4j.core.MigrationExecutionException;
import dev.pgroll4j.core.MigrationValidationException;
import dev.pgroll4j.core.Pgroll;
import dev.pgroll4j.core.testing.MigrationLifecycle;
import dev.pgroll4j.core.testing.SchemaVersion;
import dev.pgroll4j.test.CatalogSnapshot;
import dev.pgroll4j.test.PostgresTest;
import dev.pgroll4j.test.TestDatabase;

import static dev.pgroll4j.core.testing.Leftovers.assertNoLeftovers;
import static dev.pgroll4j.core.testing.Rows.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@PostgresTest
@Tag("operations")
class AlterColumnTests {

	// ---- type changes -------------------------------------------------------------------------------------------

	@Test
	void textToIntegerIsCastByUpForOldWritesAndBackByDownForNewWrites(TestDatabase database) {
		MigrationLifecycle.in(database).given("""
				operations:
				  - create_table:
				      name: items
				      columns:
				        - {name: id, type: integer, pk: true}
				        - {name: qty, type: text}
				        - {name: note, type: text, nullable: true}
				""").givenRows("INSERT INTO items VALUES (1, '12', 'a'), (2, '7', 'b')").migration("""
				operations:
				  - alter_column:
				      table: items
				      column: qty
				      type: integer
				      up: CAST(qty AS integer)
				      down: CAST(qty AS text)
				""").afterStart((v) -> {
			// The copy keeps the column's place in the new version's view.
			assertThat(v.next().columns("items")).containsExactly("id", "qty", "note");
			assertThat(v.previous().columns("items")).containsExactly("id", "qty", "note");
			assertThat(v.next().query("SELECT id, qty FROM items ORDER BY id")).as("backfilled")
				.containsExactly(row("id", 1, "qty", 12), row("id", 2, "qty", 7));
			assertThat(v.previous().value("SELECT qty FROM items WHERE id = 1")).isEqualTo("12");

			v.previous().execute("INSERT INTO items VALUES (3, '30', 'c')");
			assertThat(v.next().value("SELECT qty FROM items WHERE id = 3")).isEqualTo(30);
			v.previous().execute("UPDATE items SET qty = '31' WHERE id = 3");
			assertThat(v.next().value("SELECT qty FROM items WHERE id = 3")).isEqualTo(31);
			// An update of another column recomputes the copy from the unchanged value.
			v.previous().execute("UPDATE items SET note = 'cc' WHERE id = 3");
			assertThat(v.next().value("SELECT qty FROM items WHERE id = 3")).isEqualTo(31);

			v.next().execute("INSERT INTO items VALUES (4, 40, 'd')");
			assertThat(v.previous().value("SELECT qty FROM items WHERE id = 4")).isEqualTo("40");
			v.next().execute("UPDATE items SET qty = qty + 1 WHERE id = 1");
			assertThat(v.previous().value("SELECT qty FROM items WHERE id = 1")).isEqualTo("13");
			v.next().assertFails("22P02", "INSERT INTO items VALUES (5, 'not a number', 'e')");
			// up runs for old writes, so a value that does not cast is refused for them too.
			v.previous().assertFails("22P02", "INSERT INTO items VALUES (5, 'five', 'e')");
		}).afterRollback((v) -> {
			assertThat(v.previous().query("SELECT id, qty FROM items ORDER BY id")).containsExactly(
					row("id", 1, "qty", "13"), row("id", 2, "qty", "7"), row("id", 3, "qty", "31"),
					row("id", 4, "qty", "40"));
			// No trigger is left: the old version may again write anything the text column takes.
			v.previous().execute("INSERT INTO items VALUES (5, 'five', 'e')");
			v.previous().execute("DELETE FROM items WHERE id = 5");
		}).afterComplete((v) -> {
			assertThat(shape(v.physical(), "items", "qty")).isEqualTo("integer not null");
			assertThat(v.next().columns("items")).containsExactly("id", "qty", "note");
			assertThat(v.next().query("SELECT id, qty FROM items ORDER BY id")).containsExactly(
					row("id", 1, "qty", 13), row("id", 2, "qty", 7), row("id", 3, "qty", 31), row("id", 4, "qty", 40));
			v.next().execute("INSERT INTO items VALUES (6, 60, 'f')");
			v.next().assertFails("23502", "INSERT INTO items (id, note) VALUES (7, 'g')");
			assertNoLeftovers(v.physical(), "items");
		}).run();
	}

	@Test
	void integerToBigintGetsANewDefaultWhileTheOldVersionKeepsItsOwn(TestDatabase database) {
		MigrationLifecycle.in(database).given("""
				operations:
				  - create_table:
				      name: counters
				      columns:
				        - {name: id, type: integer, pk: true}
				        - {name: hits, type: integer, default: "0"}
				""").givenRows("INSERT INTO counters VALUES (1, 5)").migration("""
				operations:
				  - alter_column:
				      table: counters
				      column: hits
				      type: bigint
				      default: "100"
				      up: hits * 10
				      down: hits / 10
				""").afterStart((v) -> {
			assertThat(v.next().value("SELECT hits FROM counters WHERE id = 1")).isEqualTo(50L);
			v.previous().execute("INSERT INTO counters (id) VALUES (2)");
			assertThat(v.previous().value("SELECT hits FROM counters WHERE id = 2")).isEqualTo(0);
			assertThat(v.next().value("SELECT hits FROM counters WHERE id = 2")).isEqualTo(0L);
			v.next().execute("INSERT INTO counters (id) VALUES (3)");
			assertThat(v.next().value("SELECT hits FROM counters WHERE id = 3")).isEqualTo(100L);
			assertThat(v.previous().value("SELECT hits FROM counters WHERE id = 3")).isEqualTo(10);
			v.previous().execute("UPDATE counters SET hits = 7 WHERE id = 1");
			assertThat(v.next().value("SELECT hits FROM counters WHERE id = 1")).isEqualTo(70L);
			v.next().execute("UPDATE counters SET hits = 200 WHERE id = 2");
			assertThat(v.previous().value("SELECT hits FROM counters WHERE id = 2")).isEqualTo(20);
		}).afterRollback((v) -> assertThat(shape(v.physical(), "counters", "hits"))
			.isEqualTo("integer not null default 0")).afterComplete((v) -> {
				assertThat(shape(v.physical(), "counters", "hits")).isEqualTo("bigint not null default 100");
				v.next().execute("INSERT INTO counters (id) VALUES (4)");
				v.next().execute("INSERT INTO counters VALUES (5, 5000000000)");
				assertThat(v.next().query("SELECT id, hits FROM counters ORDER BY id")).containsExactly(
						row("id", 1, "hits", 70L), row("id", 2, "hits", 200L), row("id", 3, "hits", 100L),
						row("id", 4, "hits", 100L), row("id", 5, "hits", 5000000000L));
				assertNoLeftovers(v.physical(), "counters");
			}).run();
	}

	@Test
	void varcharToTextLiftsTheLimitForTheNewVersionOnly(TestDatabase database) {
		MigrationLifecycle.in(database).given("""
				operations:
				  - create_table:
				      name: notes
				      columns:
				        - {name: id, type: integer, pk: true}
				        - {name: body, type: varchar(5)}
				""").givenRows("INSERT INTO notes VALUES (1, 'hello')").migration("""
				operations:
				  - alter_column:
				      table: notes
				      column: body
				      type: text
				      down: left(body, 5)
				""").afterStart((v) -> {
			assertThat(v.next().value("SELECT body FROM notes WHERE id = 1")).isEqualTo("hello");
			v.next().execute("INSERT INTO notes VALUES (2, 'a longer text')");
			assertThat(v.previous().value("SELECT body FROM notes WHERE id = 2")).isEqualTo("a lon");
			assertThat(v.next().value("SELECT body FROM notes WHERE id = 2")).isEqualTo("a longer text");
			v.previous().execute("INSERT INTO notes VALUES (3, 'abc')");
			assertThat(v.next().value("SELECT body FROM notes WHERE id = 3")).isEqualTo("abc");
			v.previous().assertFails("22001", "INSERT INTO notes VALUES (4, 'too long')");
		}).afterComplete((v) -> {
			assertThat(shape(v.physical(), "notes", "body")).isEqualTo("text not null");
			v.next().execute("INSERT INTO notes VALUES (4, 'too long for varchar(5)')");
			assertThat(v.next().value("SELECT body FROM notes WHERE id = 4")).isEqualTo("too long for varchar(5)");
			assertNoLeftovers(v.physical(), "notes");
		}).run();
	}

	// ---- nullability --------------------------------------------------------------------------------------------

	@Test
	void settingNotNullLetsUpMapNullsTheOldVersionStillWrites(TestDatabase database) {
		MigrationLifecycle.in(database).given("""
				operations:
				  - create_table:
				      name: users
				      columns:
				        - {name: id, type: integer, pk: true}
				        - {name: email, type: text, nullable: true}
				""").givenRows("INSERT INTO users VALUES (1, 'a@x'), (2, NULL)").migration("""
				operations:
				  - alter_column:
				      table: users
				      column: email
				      nullable: false
				      up: coalesce(email, 'unknown')
				      down: email
				""").afterStart((v) -> {
			assertThat(v.next().value("SELECT email FROM users WHERE id = 2")).isEqualTo("unknown");
			assertThat(v.previous().value("SELECT email FROM users WHERE id = 2")).isNull();
			v.previous().execute("INSERT INTO users VALUES (3, NULL)");
			assertThat(v.next().value("SELECT email FROM users WHERE id = 3")).isEqualTo("unknown");
			v.previous().execute("UPDATE users SET email = NULL WHERE id = 1");
			assertThat(v.next().value("SELECT email FROM users WHERE id = 1")).isEqualTo("unknown");
			v.next().assertFails("23514", "INSERT INTO users VALUES (4, NULL)");
			v.next().execute("UPDATE users SET email = 'c@x' WHERE id = 3");
			assertThat(v.previous().value("SELECT email FROM users WHERE id = 3")).isEqualTo("c@x");
		}).afterComplete((v) -> {
			assertThat(shape(v.physical(), "users", "email")).isEqualTo("text not null");
			v.next().assertFails("23502", "INSERT INTO users VALUES (5, NULL)");
			assertThat(v.physical().constraintValidity("users")).containsExactly("users_pkey p valid");
			assertNoLeftovers(v.physical(), "users");
		}).run();
	}

	@Test
	void droppingNotNullLetsDownMapNullsTheNewVersionWrites(TestDatabase database) {
		MigrationLifecycle.in(database).given("""
				operations:
				  - create_table:
				      name: users
				      columns:
				        - {name: id, type: integer, pk: true}
				        - {name: email, type: text}
				""").givenRows("INSERT INTO users VALUES (1, 'a@x')").migration("""
				operations:
				  - alter_column:
				      table: users
				      column: email
				      nullable: true
				      up: email
				      down: coalesce(email, 'none')
				""").afterStart((v) -> {
			v.next().execute("INSERT INTO users VALUES (2, NULL)");
			assertThat(v.next().value("SELECT email FROM users WHERE id = 2")).isNull();
			assertThat(v.previous().value("SELECT email FROM users WHERE id = 2")).isEqualTo("none");
			v.next().execute("UPDATE users SET email = NULL WHERE id = 1");
			assertThat(v.previous().value("SELECT email FROM users WHERE id = 1")).isEqualTo("none");
			// The old version's column is still NOT NULL for the old version's own writes.
			v.previous().assertFails("23502", "INSERT INTO users VALUES (3, NULL)");
			v.previous().execute("INSERT INTO users VALUES (3, 'c@x')");
			assertThat(v.next().value("SELECT email FROM users WHERE id = 3")).isEqualTo("c@x");
		}).afterComplete((v) -> {
			assertThat(shape(v.physical(), "users", "email")).isEqualTo("text");
			v.next().execute("INSERT INTO users VALUES (4, NULL)");
			// The rollback kept only the old column, where down had written 'none' for the NULLs.
			assertThat(v.next().query("SELECT id, email FROM users ORDER BY id")).containsExactly(
					row("id", 1, "email", "none"), row("id", 2, "email", "none"), row("id", 3, "email", "c@x"),
					row("id", 4, "email", null));
			assertNoLeftovers(v.physical(), "users");
		}).run();
	}

	@Test
	void theCopysNotNullConstraintTakesTheOriginalName(TestDatabase database) {
		// PostgreSQL 18 names NOT NULL constraints after the column they were created on: the temporary one.
		MigrationLifecycle.in(database).given("""
				operations:
				  - create_table:
				      name: items
				      columns:
				        - {name: id, type: integer, pk: true}
				        - {name: qty, type: integer}
				        - {name: note, type: text, nullable: true}
				""").migration("""
				operations:
				  - alter_column: {table: items, column: qty, type: bigint}
				  - alter_column: {table: items, column: note, nullable: false, up: "coalesce(note, '')"}
				""").afterComplete((v) -> {
			assertThat(v.physical().query("SELECT conname FROM pg_constraint WHERE conrelid = 'items'::regclass "
					+ "AND conname LIKE '%pgroll%'")).isEmpty();
			if (database.serverMajorVersion() >= 18) {
				assertThat(v.physical().query("SELECT conname FROM pg_constraint WHERE conrelid = 'items'::regclass "
						+ "AND contype = 'n' ORDER BY conname").stream().map((r) -> r.get("conname")).toList())
					.containsExactly("items_id_not_null", "items_note_not_null", "items_qty_not_null");
			}
		}).run();
	}

	// ---- default and comment: no copy of the column -------------------------------------------------------------

	@Test
	void defaultSetOrChangedAppliesToNewVersionInsertsWithoutCopyingTheColumn(TestDatabase database) {
		MigrationLifecycle.in(database).given("""
				operations:
				  - create_table:
				      name: tasks
				      columns:
				        - {name: id, type: integer, pk: true}
				        - {name: status, type: text, nullable: true}
				        - {name: priority, type: integer, default: "1"}
				""").migration("""
				operations:
				  - alter_column: {table: tasks, column: status, default: "'open'"}
				  - alter_column: {table: tasks, column: priority, default: "5"}
				""").afterStart((v) -> {
			assertThat(v.physical().columns("tasks")).as("no copy, no backfill marker")
				.containsExactly("id", "status", "priority");
			assertThat(triggers(v.physical(), "tasks")).isEmpty();
			v.previous().execute("INSERT INTO tasks (id) VALUES (1)");
			v.next().execute("INSERT INTO tasks (id) VALUES (2)");
			assertThat(v.next().query("SELECT * FROM tasks ORDER BY id")).containsExactly(
					row("id", 1, "status", null, "priority", 1), row("id", 2, "status", "open", "priority", 5));
			v.next().execute("UPDATE tasks SET priority = DEFAULT, status = DEFAULT WHERE id = 1");
			assertThat(v.previous().query("SELECT status, priority FROM tasks WHERE id = 1"))
				.containsExactly(row("status", "open", "priority", 5));
		}).afterRollback((v) -> {
			v.previous().execute("INSERT INTO tasks (id) VALUES (3)");
			assertThat(v.previous().query("SELECT status, priority FROM tasks WHERE id = 3"))
				.containsExactly(row("status", null, "priority", 1));
		}).afterComplete((v) -> {
			assertThat(shape(v.physical(), "tasks", "status")).isEqualTo("text default 'open'::text");
			assertThat(shape(v.physical(), "tasks", "priority")).isEqualTo("integer not null default 5");
			v.next().execute("INSERT INTO tasks (id) VALUES (4)");
			v.physical().execute("INSERT INTO tasks (id) VALUES (5)");
			assertThat(v.next().query("SELECT status, priority FROM tasks WHERE id >= 4 ORDER BY id"))
				.containsExactly(row("status", "open", "priority", 5), row("status", "open", "priority", 5));
			assertNoLeftovers(v.physical(), "tasks");
		}).run();
	}

	@Test
	void droppedDefaultLeavesNewVersionInsertsWithoutValueWithoutCopyingTheColumn(TestDatabase database) {
		MigrationLifecycle.in(database).given("""
				operations:
				  - create_table:
				      name: tasks
				      columns:
				        - {name: id, type: integer, pk: true}
				        - {name: label, type: text, nullable: true, default: "'x'"}
				""").migration("""
				operations:
				  - alter_column: {table: tasks, column: label, default: null}
				""").afterStart((v) -> {
			assertThat(v.physical().columns("tasks")).as("no copy, no backfill marker").containsExactly("id", "label");
			v.previous().execute("INSERT INTO tasks (id) VALUES (1)");
			v.next().execute("INSERT INTO tasks (id) VALUES (2)");
			assertThat(v.next().query("SELECT * FROM tasks ORDER BY id"))
				.containsExactly(row("id", 1, "label", "x"), row("id", 2, "label", null));
		}).afterComplete((v) -> {
			assertThat(shape(v.physical(), "tasks", "label")).isEqualTo("text");
			v.next().execute("INSERT INTO tasks (id) VALUES (3)");
			assertThat(v.next().value("SELECT label FROM tasks WHERE id = 3")).isNull();
			assertNoLeftovers(v.physical(), "tasks");
		}).run();
	}

	@Test
	void commentSetOrRemovedShowsInTheNewVersionAndReachesTheTableAtCompleteWithoutCopy(TestDatabase database) {
		MigrationLifecycle.in(database).given("""
				operations:
				  - create_table:
				      name: people
				      columns:
				        - {name: id, type: integer, pk: true}
				        - {name: name, type: text, comment: legacy name}
				        - {name: bio, type: text, nullable: true}
				""").givenRows("INSERT INTO people VALUES (1, 'ada', 'math')").migration("""
				operations:
				  - alter_column: {table: people, column: name, comment: null}
				  - alter_column: {table: people, column: bio, comment: about me}
				""").afterStart((v) -> {
			assertThat(v.physical().columns("people")).containsExactly("id", "name", "bio");
			assertThat(triggers(v.physical(), "people")).isEmpty();
			assertThat(comment(v.next(), "people", "bio")).isEqualTo("about me");
			assertThat(comment(v.next(), "people", "name")).isNull();
			assertThat(comment(v.physical(), "people", "name")).isEqualTo("legacy name");
			assertThat(comment(v.physical(), "people", "bio")).isNull();
			v.next().execute("INSERT INTO people VALUES (2, 'bob', 'art')");
			v.previous().execute("UPDATE people SET bio = 'logic' WHERE id = 1");
			assertThat(v.next().value("SELECT bio FROM people WHERE id = 1")).isEqualTo("logic");
		}).afterRollback((v) -> {
			assertThat(comment(v.physical(), "people", "name")).isEqualTo("legacy name");
			assertThat(comment(v.physical(), "people", "bio")).isNull();
		}).afterComplete((v) -> {
			assertThat(comment(v.physical(), "people", "name")).isNull();
			assertThat(comment(v.physical(), "people", "bio")).isEqualTo("about me");
			assertThat(v.physical().columns("people")).containsExactly("id", "name", "bio");
			assertNoLeftovers(v.physical(), "people");
		}).run();
	}

	// ---- constraints --------------------------------------------------------------------------------------------

	@Test
	void uniqueHoldsForWritesOfBothVersionsAndBecomesAConstraintAtComplete(TestDatabase database) {
		MigrationLifecycle.in(database).given("""
				operations:
				  - create_table:
				      name: users
				      columns:
				        - {name: id, type: integer, pk: true}
				        - {name: email, type: text}
				""").givenRows("INSERT INTO users VALUES (1, 'a@x'), (2, 'b@x')").migration("""
				operations:
				  - alter_column:
				      table: users
				      column: email
				      unique: {name: users_email_unique}
				      up: email
				      down: email
				""").afterStart((v) -> {
			assertThat(v.next().query("SELECT email FROM users ORDER BY id")).extracting((r) -> r.get("email"))
				.containsExactly("a@x", "b@x");
			v.next().assertFails("23505", "INSERT INTO users VALUES (3, 'a@x')");
			// up copies old writes into the unique copy, so the old version cannot break the rule either.
			v.previous().assertFails("23505", "INSERT INTO users VALUES (3, 'b@x')");
			v.previous().execute("INSERT INTO users VALUES (3, 'c@x')");
			v.next().execute("UPDATE users SET email = 'd@x' WHERE id = 3");
			assertThat(v.previous().value("SELECT email FROM users WHERE id = 3")).isEqualTo("d@x");
		}).afterComplete((v) -> {
			assertThat(v.physical().constraintValidity("users")).containsExactly("users_email_unique u valid",
					"users_pkey p valid");
			v.next().assertFails("23505", "INSERT INTO users VALUES (4, 'd@x')");
			assertThat(shape(v.physical(), "users", "email")).isEqualTo("text not null");
			assertNoLeftovers(v.physical(), "users");
		}).run();
	}

	@Test
	void checkIsEnforcedForNewWritesAndValidatedOnceUpFixedExistingRows(TestDatabase database) {
		MigrationLifecycle.in(database).given("""
				operations:
				  - create_table:
				      name: items
				      columns:
				        - {name: id, type: integer, pk: true}
				        - {name: price, type: integer}
				""").givenRows("INSERT INTO items VALUES (1, 10), (2, -5)").migration("""
				operations:
				  - alter_column:
				      table: items
				      column: price
				      check: {name: items_price_positive, constraint: price > 0}
				      up: CASE WHEN price <= 0 THEN 1 ELSE price END
				      down: price
				""").afterStart((v) -> {
			assertThat(v.next().value("SELECT price FROM items WHERE id = 2")).isEqualTo(1);
			assertThat(v.previous().value("SELECT price FROM items WHERE id = 2")).isEqualTo(-5);
			assertThat(v.physical().constraintValidity("items")).contains("items_price_positive c valid");
			v.next().assertFails("23514", "INSERT INTO items VALUES (3, 0)");
			v.previous().execute("INSERT INTO items VALUES (3, -1)");
			assertThat(v.next().value("SELECT price FROM items WHERE id = 3")).isEqualTo(1);
			v.next().execute("UPDATE items SET price = 42 WHERE id = 3");
			assertThat(v.previous().value("SELECT price FROM items WHERE id = 3")).isEqualTo(42);
		}).afterComplete((v) -> {
			assertThat(v.physical().constraintValidity("items")).containsExactly("items_pkey p valid",
					"items_price_positive c valid");
			assertThat(v.physical().constraintDefinition("items_price_positive")).isEqualTo("CHECK ((price > 0))");
			v.next().assertFails("23514", "INSERT INTO items VALUES (4, 0)");
			assertNoLeftovers(v.physical(), "items");
		}).run();
	}

	@Test
	void checkThatExistingRowsStillViolateAfterUpFailsStartNamingItAndLeavesNothingBehind(TestDatabase database) {
		Pgroll pgroll = MigrationLifecycle.in(database).given("""
				operations:
				  - create_table:
				      name: items
				      columns:
				        - {name: id, type: integer, pk: true}
				        - {name: price, type: integer}
				""").givenRows("INSERT INTO items VALUES (1, 10), (2, -5)").prepare();
		CatalogSnapshot before = database.catalogSnapshot();
		assertThatThrownBy(() -> pgroll.start(MigrationLifecycle.yaml("500_under_test", """
				operations:
				  - alter_column:
				      table: items
				      column: price
				      check: {name: items_price_positive, constraint: price > 0}
				      up: price
				      down: price
				"""))).isInstanceOf(MigrationExecutionException.class)
			.hasMessageContaining("items_price_positive")
			.hasMessageContaining("\"items\"")
			.hasMessageContaining("violate");
		assertThat(before.diff(database.catalogSnapshot())).isEmpty();
		assertThat(pgroll.status().activeMigration()).isNull();
	}

	@Test
	void foreignKeyIsEnforcedForNewWritesAndValidatedAfterUpClearedOrphans(TestDatabase database) {
		MigrationLifecycle.in(database).given("""
				operations:
				  - create_table:
				      name: teams
				      columns:
				        - {name: id, type: integer, pk: true}
				  - create_table:
				      name: players
				      columns:
				        - {name: id, type: integer, pk: true}
				        - {name: team_id, type: integer, nullable: true}
				""").givenRows("INSERT INTO teams VALUES (1), (2)", "INSERT INTO players VALUES (1, 1), (2, 99)")
			.migration("""
					operations:
					  - alter_column:
					      table: players
					      column: team_id
					      references: {name: players_team_fk, table: teams, column: id}
					      up: (SELECT CASE WHEN EXISTS (SELECT 1 FROM teams t WHERE t.id = team_id) THEN team_id END)
					      down: team_id
					""")
			.afterStart((v) -> {
				assertThat(v.next().query("SELECT id, team_id FROM players ORDER BY id"))
					.containsExactly(row("id", 1, "team_id", 1), row("id", 2, "team_id", null));
				assertThat(v.previous().value("SELECT team_id FROM players WHERE id = 2")).isEqualTo(99);
				v.next().assertFails("23503", "INSERT INTO players VALUES (3, 42)");
				v.previous().execute("INSERT INTO players VALUES (3, 42)");
				assertThat(v.next().value("SELECT team_id FROM players WHERE id = 3")).isNull();
				v.previous().execute("UPDATE players SET team_id = 2 WHERE id = 3");
				assertThat(v.next().value("SELECT team_id FROM players WHERE id = 3")).isEqualTo(2);
				v.next().execute("UPDATE players SET team_id = 1 WHERE id = 2");
				assertThat(v.previous().value("SELECT team_id FROM players WHERE id = 2")).isEqualTo(1);
				v.previous().assertFails("23503", "DELETE FROM teams WHERE id = 2");
			})
			.afterComplete((v) -> {
				assertThat(v.physical().constraintValidity("players")).containsExactly("players_pkey p valid",
						"players_team_fk f valid");
				assertThat(v.physical().constraintDefinition("players_team_fk"))
					.isEqualTo("FOREIGN KEY (team_id) REFERENCES teams(id)");
				v.next().assertFails("23503", "INSERT INTO players VALUES (4, 42)");
				assertNoLeftovers(v.physical(), "players");
			})
			.run();
	}

	@Test
	void typeDefaultNullabilityCommentUniqueAndCheckChangeTogether(TestDatabase database) {
		MigrationLifecycle.in(database).given("""
				operations:
				  - create_table:
				      name: events
				      columns:
				        - {name: id, type: integer, pk: true}
				        - {name: name, type: varchar(255), nullable: true}
				""").givenRows("INSERT INTO events VALUES (1, NULL), (2, 'ab'), (3, 'concert')").migration("""
				operations:
				  - alter_column:
				      table: events
				      column: name
				      type: text
				      default: "'untitled'"
				      nullable: false
				      comment: what the event is called
				      unique: {name: events_name_unique}
				      check: {name: events_name_length, constraint: length(name) > 3}
				      up: CASE WHEN name IS NULL OR length(name) <= 3 THEN 'event ' || id ELSE name END
				      down: name
				""").afterStart((v) -> {
			assertThat(v.next().query("SELECT id, name FROM events ORDER BY id")).containsExactly(
					row("id", 1, "name", "event 1"), row("id", 2, "name", "event 2"), row("id", 3, "name", "concert"));
			assertThat(v.previous().query("SELECT id, name FROM events ORDER BY id")).containsExactly(
					row("id", 1, "name", null), row("id", 2, "name", "ab"), row("id", 3, "name", "concert"));
			v.previous().execute("INSERT INTO events VALUES (4, NULL)");
			assertThat(v.next().value("SELECT name FROM events WHERE id = 4")).isEqualTo("event 4");
			v.next().execute("INSERT INTO events (id) VALUES (5)");
			assertThat(v.previous().value("SELECT name FROM events WHERE id = 5")).isEqualTo("untitled");
			v.next().assertFails("23514", "INSERT INTO events VALUES (6, 'abc')");
			v.next().assertFails("23514", "INSERT INTO events VALUES (6, NULL)");
			v.next().assertFails("23505", "INSERT INTO events VALUES (6, 'concert')");
			v.previous().assertFails("23505", "INSERT INTO events VALUES (6, 'concert')");
			v.next().execute("UPDATE events SET name = 'festival' WHERE id = 2");
			assertThat(v.previous().value("SELECT name FROM events WHERE id = 2")).isEqualTo("festival");
		}).afterComplete((v) -> {
			assertThat(shape(v.physical(), "events", "name")).isEqualTo("text not null default 'untitled'::text");
			assertThat(comment(v.physical(), "events", "name")).isEqualTo("what the event is called");
			assertThat(v.physical().constraintValidity("events")).containsExactly("events_name_length c valid",
					"events_name_unique u valid", "events_pkey p valid");
			v.next().assertFails("23505", "INSERT INTO events VALUES (7, 'concert')");
			v.next().assertFails("23514", "INSERT INTO events VALUES (7, 'ab')");
			v.next().assertFails("23502", "INSERT INTO events VALUES (7, NULL)");
			assertThat(v.next().query("SELECT name FROM events ORDER BY id")).extracting((r) -> r.get("name"))
				.containsExactly("event 1", "festival", "concert", "event 4", "untitled");
			assertNoLeftovers(v.physical(), "events");
		}).run();
	}

	@Test
	void theCopyKeepsTheColumnsDefaultCommentIndexesAndConstraintsUnderTheirNames(TestDatabase database) {
		MigrationLifecycle.in(database).given("""
				operations:
				  - create_table:
				      name: shops
				      columns:
				        - {name: id, type: integer, pk: true}
				  - create_table:
				      name: products
				      columns:
				        - {name: id, type: integer, pk: true}
				        - {name: shop, type: integer, references: {name: products_shop_fk, table: shops, column: id}}
				        - {name: sku, type: text, default: "'none'", comment: stock keeping unit}
				        - {name: price, type: integer}
				      constraints:
				        - {name: products_shop_sku_key, type: unique, columns: [shop, sku]}
				        - {name: products_sku_length, type: check, check: length(sku) > 1}
				""").givenRows("CREATE INDEX products_sku_priced ON products (sku) WHERE price > 0",
				"INSERT INTO shops VALUES (1), (2)", "INSERT INTO products VALUES (1, 1, 'ab', 5)")
			.migration("""
					operations:
					  - alter_column: {table: products, column: sku, type: varchar(20), up: sku, down: sku}
					""")
			.afterStart((v) -> {
				v.next().assertFails("23505", "INSERT INTO products VALUES (2, 1, 'ab', 5)");
				v.next().assertFails("23514", "INSERT INTO products VALUES (2, 1, 'a', 5)");
				v.next().execute("INSERT INTO products (id, shop, price) VALUES (2, 1, 5)");
				assertThat(v.previous().value("SELECT sku FROM products WHERE id = 2")).isEqualTo("none");
			})
			.afterComplete((v) -> {
				// The default is kept as written ('none'::text), which PostgreSQL assigns to the varchar fine.
				assertThat(shape(v.physical(), "products", "sku"))
					.startsWith("character varying(20) not null default 'none'::");
				v.next().execute("INSERT INTO products (id, shop, price) VALUES (3, 2, 5)");
				assertThat(v.next().value("SELECT sku FROM products WHERE id = 3")).isEqualTo("none");
				assertThat(comment(v.physical(), "products", "sku")).isEqualTo("stock keeping unit");
				assertThat(v.physical().constraintValidity("products")).containsExactly("products_pkey p valid",
						"products_shop_fk f valid", "products_shop_sku_key u valid", "products_sku_length c valid");
				assertThat(indexes(v.physical(), "products")).containsExactly(
						"CREATE UNIQUE INDEX products_pkey ON products USING btree (id)",
						"CREATE UNIQUE INDEX products_shop_sku_key ON products USING btree (shop, sku)",
						"CREATE INDEX products_sku_priced ON products USING btree (sku) WHERE (price > 0)");
				v.next().assertFails("23505", "INSERT INTO products VALUES (4, 1, 'ab', 5)");
				v.next().assertFails("23503", "INSERT INTO products VALUES (4, 9, 'cd', 5)");
				assertNoLeftovers(v.physical(), "products");
			})
			.run();
	}

	@Test
	void anExpressionIndexOnAnotherColumnDoesNotStopTheChange(TestDatabase database) {
		MigrationLifecycle.in(database).given("""
				operations:
				  - create_table:
				      name: users
				      columns:
				        - {name: id, type: integer, pk: true}
				        - {name: name, type: text}
				        - {name: age, type: text}
				""").givenRows("CREATE INDEX users_name_lower ON users (lower(name))",
				"INSERT INTO users VALUES (1, 'A', '30')")
			.migration("""
					operations:
					  - alter_column:
					      {table: users, column: age, type: integer, up: CAST(age AS integer), down: CAST(age AS text)}
					""")
			.afterStart((v) -> assertThat(v.next().value("SELECT age FROM users WHERE id = 1")).isEqualTo(30))
			.afterComplete((v) -> {
				assertThat(shape(v.physical(), "users", "age")).isEqualTo("integer not null");
				assertThat(indexes(v.physical(), "users")).containsExactly(
						"CREATE INDEX users_name_lower ON users USING btree (lower(name))",
						"CREATE UNIQUE INDEX users_pkey ON users USING btree (id)");
			})
			.run();
	}

	@Test
	void anExpressionIndexOnTheColumnIsRebuiltOnTheCopy(TestDatabase database) {
		MigrationLifecycle.in(database).given("""
				operations:
				  - create_table:
				      name: products
				      columns:
				        - {name: id, type: integer, pk: true}
				        - {name: sku, type: text}
				""").givenRows("CREATE INDEX products_sku_lower ON products (lower(sku))",
				"INSERT INTO products VALUES (1, 'AB')")
			.migration("""
					operations:
					  - alter_column: {table: products, column: sku, type: varchar(20), up: sku, down: sku}
					""")
			.afterStart((v) -> assertThat(v.next().value("SELECT sku FROM products WHERE id = 1")).isEqualTo("AB"))
			.afterComplete((v) -> {
				assertThat(indexes(v.physical(), "products")).containsExactly(
						"CREATE UNIQUE INDEX products_pkey ON products USING btree (id)",
						"CREATE INDEX products_sku_lower ON products USING btree (lower((sku)::text))");
				assertNoLeftovers(v.physical(), "products");
			})
			.run();
	}

	@Test
	void indexesThatUseTheColumnOnlyInTheirPredicateOrIncludeListAreRebuiltOnTheCopy(TestDatabase database) {
		MigrationLifecycle.in(database).given("""
				operations:
				  - create_table:
				      name: products
				      columns:
				        - {name: id, type: integer, pk: true}
				        - {name: sku, type: text}
				        - {name: price, type: integer}
				""").givenRows("CREATE INDEX products_id_with_sku ON products (id) WHERE sku <> ''",
				"CREATE INDEX products_price_inc ON products (price) INCLUDE (sku)",
				"INSERT INTO products VALUES (1, 'AB', 5)")
			.migration("""
					operations:
					  - alter_column: {table: products, column: sku, type: varchar(20), up: sku, down: sku}
					""")
			.afterStart((v) -> assertThat(v.next().value("SELECT sku FROM products WHERE id = 1")).isEqualTo("AB"))
			.afterComplete((v) -> {
				assertThat(shape(v.physical(), "products", "sku")).isEqualTo("character varying(20) not null");
				assertThat(indexes(v.physical(), "products")).containsExactly(
						"CREATE INDEX products_id_with_sku ON products USING btree (id) "
								+ "WHERE ((sku)::text <> ''::text)",
						"CREATE UNIQUE INDEX products_pkey ON products USING btree (id)",
						"CREATE INDEX products_price_inc ON products USING btree (price) INCLUDE (sku)");
				assertNoLeftovers(v.physical(), "products");
			})
			.run();
	}

	// ---- tables pgroll's backfill gets wrong --------------------------------------------------------------------

	@Test
	void tableWithoutAnyKeyIsBackfilledPageByPage(TestDatabase database) {
		AtomicInteger batches = new AtomicInteger();
		MigrationLifecycle.in(database)
			.configure((builder) -> builder.backfillBatchSize(100).backfillListener(countBatches(batches)))
			.givenRows("CREATE TABLE logs (at bigint, level text)",
					"INSERT INTO logs SELECT g, CASE WHEN g % 3 = 0 THEN NULL ELSE 'warn' END "
							+ "FROM generate_series(1, 2500) g")
			.migration("""
					operations:
					  - alter_column:
					      table: logs
					      column: level
					      nullable: false
					      up: coalesce(level, 'info')
					      down: level
					""")
			.afterStart((v) -> {
				assertThat(batches.get()).isGreaterThan(2);
				assertThat(v.next().value("SELECT count(*) FROM logs WHERE level = 'info'")).isEqualTo(833L);
				assertThat(v.next().value("SELECT count(*) FROM logs WHERE level = 'warn'")).isEqualTo(1667L);
				assertThat(v.previous().value("SELECT count(*) FROM logs WHERE level IS NULL")).isEqualTo(833L);
				v.previous().execute("INSERT INTO logs VALUES (9999, NULL)");
				assertThat(v.next().value("SELECT level FROM logs WHERE at = 9999")).isEqualTo("info");
				v.next().execute("UPDATE logs SET level = 'error' WHERE at = 1");
				assertThat(v.previous().value("SELECT level FROM logs WHERE at = 1")).isEqualTo("error");
			})
			.afterComplete((v) -> {
				assertThat(shape(v.physical(), "logs", "level")).isEqualTo("text not null");
				assertThat(v.next().value("SELECT count(*) FROM logs")).isEqualTo(2501L);
				assertNoLeftovers(v.physical(), "logs");
			})
			.run();
	}

	@Test
	void tableWhoseOnlyKeyIsAUniqueNotNullColumnIsBackfilledInBatches(TestDatabase database) {
		AtomicInteger batches = new AtomicInteger();
		MigrationLifecycle.in(database)
			.configure((builder) -> builder.backfillBatchSize(100).backfillListener(countBatches(batches)))
			.givenRows("CREATE TABLE codes (code text NOT NULL UNIQUE, n integer)",
					"INSERT INTO codes SELECT 'c' || g, g FROM generate_series(1, 2500) g")
			.migration("""
					operations:
					  - alter_column:
					      table: codes
					      column: n
					      type: bigint
					      up: n * 1000
					      down: n / 1000
					""")
			.afterStart((v) -> {
				assertThat(batches.get()).isGreaterThan(2);
				assertThat(v.next().value("SELECT count(*) FROM codes WHERE n = 1000 * substr(code, 2)::bigint"))
					.isEqualTo(2500L);
				v.next().execute("INSERT INTO codes VALUES ('new', 7000)");
				assertThat(v.previous().value("SELECT n FROM codes WHERE code = 'new'")).isEqualTo(7);
			})
			.afterComplete((v) -> {
				assertThat(shape(v.physical(), "codes", "n")).isEqualTo("bigint");
				assertThat(v.next().value("SELECT sum(n) FROM codes")).isEqualTo(
						BigDecimal.valueOf(1000L * 2500 * 2501 / 2 + 7000));
				assertThat(v.physical().constraintValidity("codes")).containsExactly("codes_code_key u valid");
				assertNoLeftovers(v.physical(), "codes");
			})
			.run();
	}

	@Test
	void emptyTableIsAlteredAndBothVersionsWriteThroughTheMigration(TestDatabase database) {
		MigrationLifecycle.in(database).given("""
				operations:
				  - create_table:
				      name: items
				      columns:
				        - {name: id, type: integer, pk: true}
				        - {name: qty, type: text, nullable: true}
				""").migration("""
				operations:
				  - alter_column:
				      table: items
				      column: qty
				      type: integer
				      nullable: false
				      up: coalesce(CAST(qty AS integer), 0)
				      down: CAST(qty AS text)
				""").afterStart((v) -> {
			assertThat(v.next().value("SELECT count(*) FROM items")).isEqualTo(0L);
			v.previous().execute("INSERT INTO items VALUES (1, NULL)");
			v.next().execute("INSERT INTO items VALUES (2, 2)");
			assertThat(v.next().query("SELECT id, qty FROM items ORDER BY id"))
				.containsExactly(row("id", 1, "qty", 0), row("id", 2, "qty", 2));
			assertThat(v.previous().value("SELECT qty FROM items WHERE id = 2")).isEqualTo("2");
		}).afterComplete((v) -> {
			assertThat(shape(v.physical(), "items", "qty")).isEqualTo("integer not null");
			assertNoLeftovers(v.physical(), "items");
		}).run();
	}

	@Test
	void tableCreatedEarlierInTheSameMigrationIsChangedInPlace(TestDatabase database) {
		MigrationLifecycle.in(database).migration("""
				operations:
				  - create_table:
				      name: orders
				      columns:
				        - {name: id, type: integer, pk: true}
				        - {name: total, type: text, nullable: true}
				  - alter_column:
				      table: orders
				      column: total
				      type: numeric(10, 2)
				      nullable: false
				      default: "0"
				      comment: in euros
				      unique: {name: orders_total_unique}
				      check: {name: orders_total_positive, constraint: total >= 0}
				      up: CAST(total AS numeric)
				      down: CAST(total AS text)
				""").afterStart((v) -> {
			assertThat(v.physical().columns("orders")).containsExactly("id", "total");
			assertThat(shape(v.physical(), "orders", "total")).isEqualTo("numeric(10,2) not null default 0");
			assertThat(triggers(v.physical(), "orders")).isEmpty();
			v.next().execute("INSERT INTO orders (id) VALUES (1)");
			v.next().execute("INSERT INTO orders VALUES (2, 9.5)");
			v.next().assertFails("23514", "INSERT INTO orders VALUES (3, -1)");
			v.next().assertFails("23505", "INSERT INTO orders VALUES (3, 9.5)");
			v.next().assertFails("23502", "INSERT INTO orders VALUES (3, NULL)");
		}).afterRollback((v) -> assertThat(v.physical().value("SELECT to_regclass('orders')")).isNull())
			.afterComplete((v) -> {
				assertThat(shape(v.physical(), "orders", "total")).isEqualTo("numeric(10,2) not null default 0");
				assertThat(comment(v.physical(), "orders", "total")).isEqualTo("in euros");
				assertThat(v.physical().constraintValidity("orders")).containsExactly("orders_pkey p valid",
						"orders_total_positive c valid", "orders_total_unique u valid");
				v.next().execute("INSERT INTO orders (id) VALUES (1)");
				assertNoLeftovers(v.physical(), "orders");
			})
			.run();
	}

	@Test
	void identityKeyedTableIsBackfilledWhenAnotherColumnChanges(TestDatabase database) {
		// pgroll's backfill rewrites the key (SET id = id), which an identity ALWAYS column refuses (#1035).
		MigrationLifecycle.in(database).configure((builder) -> builder.backfillBatchSize(10))
			.givenRows("CREATE TABLE things (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY, label text)",
					"INSERT INTO things (label) SELECT CASE WHEN g % 2 = 0 THEN 't' || g END "
							+ "FROM generate_series(1, 50) g")
			.migration("""
					operations:
					  - alter_column:
					      table: things
					      column: label
					      nullable: false
					      up: coalesce(label, 'unnamed ' || id)
					      down: label
					""")
			.afterStart((v) -> {
				assertThat(v.next().value("SELECT label FROM things WHERE id = 1")).isEqualTo("unnamed 1");
				assertThat(v.next().value("SELECT count(*) FROM things WHERE label LIKE 'unnamed %'")).isEqualTo(25L);
				v.previous().execute("INSERT INTO things (label) VALUES (NULL)");
				v.next().execute("INSERT INTO things (label) VALUES ('fresh')");
				assertThat(v.next().query("SELECT id, label FROM things WHERE id > 50 ORDER BY id"))
					.containsExactly(row("id", 51, "label", "unnamed 51"), row("id", 52, "label", "fresh"));
			})
			.afterComplete((v) -> {
				assertThat(shape(v.physical(), "things", "id")).isEqualTo("integer not null identity a");
				assertThat(shape(v.physical(), "things", "label")).isEqualTo("text not null");
				v.next().execute("INSERT INTO things (label) VALUES ('after')");
				assertThat(v.next().value("SELECT count(DISTINCT id) FROM things")).isEqualTo(53L);
				assertNoLeftovers(v.physical(), "things");
			})
			.run();
	}

	@Test
	void identityKeyChangedFromIntegerToBigintStaysAnIdentityThatKeepsCounting(TestDatabase database) {
		MigrationLifecycle.in(database).configure((builder) -> builder.backfillBatchSize(10))
			.givenRows("CREATE TABLE things (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY, label text)",
					"INSERT INTO things (label) SELECT 't' || g FROM generate_series(1, 30) g")
			.migration("""
					operations:
					  - alter_column:
					      table: things
					      column: id
					      type: bigint
					      up: id
					      down: id
					""")
			.afterStart((v) -> {
				assertThat(v.next().value("SELECT sum(id) FROM things")).isEqualTo(BigDecimal.valueOf(465));
				v.previous().execute("INSERT INTO things (label) VALUES ('old')");
				v.next().execute("INSERT INTO things (label) VALUES ('new')");
				List<Map<String, Object>> seenByOld = v.previous().query("SELECT id, label FROM things WHERE id > 30 "
						+ "ORDER BY id");
				assertThat(seenByOld).extracting((r) -> r.get("label")).containsExactly("old", "new");
				assertThat(v.next().query("SELECT id, label FROM things WHERE id > 30 ORDER BY id"))
					.extracting((r) -> ((Number) r.get("id")).intValue())
					.containsExactlyElementsOf(seenByOld.stream().map((r) -> (Integer) r.get("id")).toList());
				v.previous().assertFails("428C9", "INSERT INTO things VALUES (1000, 'explicit')");
			})
			.afterRollback((v) -> {
				v.previous().execute("INSERT INTO things (label) VALUES ('after rollback')");
				assertThat(shape(v.physical(), "things", "id")).isEqualTo("integer not null identity a");
			})
			.afterComplete((v) -> {
				assertThat(shape(v.physical(), "things", "id")).isEqualTo("bigint not null identity a");
				assertThat(v.physical().constraintValidity("things")).containsExactly("things_pkey p valid");
				assertThat(v.physical().value("SELECT pg_get_serial_sequence('things', 'id')"))
					.isEqualTo(v.physical().schema() + ".things_id_seq");
				assertThat(v.physical().value("SELECT seqtypid::regtype::text FROM pg_sequence "
						+ "WHERE seqrelid = pg_get_serial_sequence('things', 'id')::regclass")).isEqualTo("bigint");
				long maxBefore = (Long) v.next().value("SELECT max(id) FROM things");
				v.next().execute("INSERT INTO things (label) VALUES ('after complete')");
				assertThat((Long) v.next().value("SELECT id FROM things WHERE label = 'after complete'"))
					.isGreaterThan(maxBefore);
				v.next().assertFails("428C9", "INSERT INTO things VALUES (5000, 'explicit')");
				assertNoLeftovers(v.physical(), "things");
			})
			.run();
	}

	// ---- special column types -----------------------------------------------------------------------------------

	@Test
	void enumColumnGetsNotNullAndACheck(TestDatabase database) {
		MigrationLifecycle.in(database)
			.givenRows("CREATE TYPE mood AS ENUM ('happy', 'sad', 'angry')",
					"CREATE TABLE people (id integer PRIMARY KEY, mood mood)",
					"INSERT INTO people VALUES (1, 'happy'), (2, NULL), (3, 'angry')")
			.migration("""
					operations:
					  - alter_column:
					      table: people
					      column: mood
					      nullable: false
					      check: {name: people_not_angry, constraint: "mood <> 'angry'"}
					      up: "CASE WHEN mood IS NULL OR mood = 'angry' THEN 'sad' ELSE mood END"
					      down: mood
					""")
			.afterStart((v) -> {
				assertThat(v.next().query("SELECT mood::text AS m FROM people ORDER BY id"))
					.extracting((r) -> r.get("m"))
					.containsExactly("happy", "sad", "sad");
				assertThat(v.previous().query("SELECT mood::text AS m FROM people ORDER BY id"))
					.extracting((r) -> r.get("m"))
					.containsExactly("happy", null, "angry");
				v.previous().execute("INSERT INTO people VALUES (4, NULL)");
				assertThat(v.next().value("SELECT mood::text FROM people WHERE id = 4")).isEqualTo("sad");
				v.next().assertFails("23514", "INSERT INTO people VALUES (5, 'angry')");
				v.next().assertFails("23514", "INSERT INTO people VALUES (5, NULL)");
				v.next().execute("INSERT INTO people VALUES (5, 'happy')");
				assertThat(v.previous().value("SELECT mood::text FROM people WHERE id = 5")).isEqualTo("happy");
			})
			.afterComplete((v) -> {
				assertThat(shape(v.physical(), "people", "mood")).isEqualTo("mood not null");
				assertThat(v.physical().constraintValidity("people")).containsExactly("people_not_angry c valid",
						"people_pkey p valid");
				v.next().assertFails("23502", "INSERT INTO people VALUES (6, NULL)");
				v.next().assertFails("23514", "INSERT INTO people VALUES (6, 'angry')");
				assertNoLeftovers(v.physical(), "people");
			})
			.run();
	}

	@Test
	void domainColumnKeepsItsDomainRulesWhenMadeNotNullWithACheck(TestDatabase database) {
		MigrationLifecycle.in(database)
			.givenRows("CREATE DOMAIN quantity AS integer CHECK (VALUE > 0)",
					"CREATE TABLE stock (id integer PRIMARY KEY, qty quantity)",
					"INSERT INTO stock VALUES (1, 5), (2, NULL)")
			.migration("""
					operations:
					  - alter_column:
					      table: stock
					      column: qty
					      nullable: false
					      check: {name: stock_qty_small, constraint: qty < 1000}
					      up: coalesce(qty, 1)
					      down: qty
					""")
			.afterStart((v) -> {
				assertThat(v.next().query("SELECT id, qty FROM stock ORDER BY id"))
					.containsExactly(row("id", 1, "qty", 5), row("id", 2, "qty", 1));
				v.previous().execute("INSERT INTO stock VALUES (3, NULL)");
				assertThat(v.next().value("SELECT qty FROM stock WHERE id = 3")).isEqualTo(1);
				v.previous().assertFails("23514", "INSERT INTO stock VALUES (4, 0)");
				v.next().assertFails("23514", "INSERT INTO stock VALUES (4, 0)");
				v.next().assertFails("23514", "INSERT INTO stock VALUES (4, 2000)");
				v.next().execute("INSERT INTO stock VALUES (4, 20)");
				assertThat(v.previous().value("SELECT qty FROM stock WHERE id = 4")).isEqualTo(20);
			})
			.afterComplete((v) -> {
				assertThat(shape(v.physical(), "stock", "qty")).isEqualTo("quantity not null");
				assertThat(v.physical().constraintValidity("stock")).containsExactly("stock_pkey p valid",
						"stock_qty_small c valid");
				v.next().assertFails("23514", "INSERT INTO stock VALUES (5, 0)");
				v.next().assertFails("23502", "INSERT INTO stock VALUES (5, NULL)");
				assertNoLeftovers(v.physical(), "stock");
			})
			.run();
	}

	// ---- dependencies -------------------------------------------------------------------------------------------

	@Test
	void columnUsedByAUserViewIsRefusedNamingTheViewAndNothingChanges(TestDatabase database) {
		MigrationLifecycle lifecycle = MigrationLifecycle.in(database);
		Pgroll pgroll = lifecycle.given("""
				operations:
				  - create_table:
				      name: users
				      columns:
				        - {name: id, type: integer, pk: true}
				        - {name: email, type: text}
				""").givenRows("CREATE VIEW user_emails AS SELECT id, email FROM users").prepare();
		CatalogSnapshot before = database.catalogSnapshot();
		assertThatThrownBy(() -> pgroll.start(MigrationLifecycle.yaml("500_under_test", """
				operations:
				  - alter_column: {table: users, column: email, type: varchar(320)}
				"""))).isInstanceOf(MigrationValidationException.class)
			.hasMessageStartingWith("500_under_test.yaml: operations[0] (alter_column)")
			.hasMessageContaining("user_emails");
		assertThat(before.diff(database.catalogSnapshot())).isEmpty();
		assertThat(pgroll.status().activeMigration()).isNull();
	}

	@ParameterizedTest
	@ValueSource(strings = { "CREATE POLICY small_items ON items USING (qty < 100)",
			"CREATE TRIGGER on_qty BEFORE UPDATE OF qty ON items FOR EACH ROW EXECUTE FUNCTION keep_row()" })
	void columnAPolicyOrTriggerDependsOnIsRefusedAtStartOrKeptThroughComplete(String dependent,
			TestDatabase database) {
		// Complete drops the old column, which PostgreSQL refuses while a policy or a column trigger uses it:
		// either start says so up front, or the object must follow the column to its copy.
		MigrationLifecycle lifecycle = MigrationLifecycle.in(database);
		Pgroll pgroll = lifecycle.givenRows("CREATE TABLE items (id integer PRIMARY KEY, qty integer)",
					"CREATE FUNCTION keep_row() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN RETURN NEW; END $f$",
					dependent, "INSERT INTO items VALUES (1, 5)")
			.prepare();
		String name = dependent.split(" ")[2];
		CatalogSnapshot before = database.catalogSnapshot();
		try {
			pgroll.start(MigrationLifecycle.yaml("500_under_test", """
					operations:
					  - alter_column: {table: items, column: qty, type: bigint}
					"""));
		}
		catch (MigrationValidationException refused) {
			assertThat(refused).hasMessageContaining(name);
			assertThat(before.diff(database.catalogSnapshot())).isEmpty();
			return;
		}
		pgroll.complete();
		assertThat(database.queryForLong("SELECT count(*) FROM pg_depend d JOIN pg_attribute a "
				+ "ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid WHERE d.refobjid = '" + lifecycle.schema()
				+ ".items'::regclass AND a.attname = 'qty' AND format_type(a.atttypid, a.atttypmod) = 'bigint' "
				+ "AND d.classid IN ('pg_policy'::regclass, 'pg_trigger'::regclass)")).isEqualTo(1);
	}

	@Test
	void tableWithAnInheritingChildIsRefusedAtStartOrMigratedWithTheChildsRows(TestDatabase database) {
		// The copy and the backfill marker are inherited by the child, but a trigger is not.
		MigrationLifecycle lifecycle = MigrationLifecycle.in(database);
		Pgroll pgroll = lifecycle.givenRows("CREATE TABLE items (id integer PRIMARY KEY, qty text)",
				"CREATE TABLE special_items (note text) INHERITS (items)", "INSERT INTO items VALUES (1, '1')",
				"INSERT INTO special_items VALUES (2, '2', 'n')")
			.prepare();
		CatalogSnapshot before = database.catalogSnapshot();
		String migration = """
				operations:
				  - alter_column:
				      {table: items, column: qty, type: integer, up: CAST(qty AS integer), down: CAST(qty AS text)}
				""";
		try {
			pgroll.start(MigrationLifecycle.yaml("500_under_test", migration));
		}
		catch (MigrationValidationException refused) {
			assertThat(refused).hasMessageContaining("special_items");
			assertThat(before.diff(database.catalogSnapshot())).isEmpty();
			return;
		}
		String newItems = lifecycle.schema() + "_500_under_test.items";
		assertThat(database.queryForList("SELECT id, qty FROM " + newItems + " ORDER BY id"))
			.containsExactly(row("id", 1, "qty", 1), row("id", 2, "qty", 2));
		pgroll.rollback();
		assertThat(before.diff(database.catalogSnapshot())).isEmpty();
		pgroll.start(MigrationLifecycle.yaml("500_under_test", migration));
		pgroll.complete();
		assertThat(database.queryForList("SELECT id, qty FROM " + newItems + " ORDER BY id"))
			.containsExactly(row("id", 1, "qty", 1), row("id", 2, "qty", 2));
	}

	@Test
	void primaryKeyReferencedByAnotherTableCanGrowFromIntegerToBigint(TestDatabase database) {
		MigrationLifecycle.in(database).given("""
				operations:
				  - create_table:
				      name: users
				      columns:
				        - {name: id, type: integer, pk: true}
				        - {name: name, type: text}
				  - create_table:
				      name: orders
				      columns:
				        - {name: id, type: integer, pk: true}
				        - name: user_id
				          type: integer
				          references: {name: orders_user_fk, table: users, column: id}
				""").givenRows("INSERT INTO users VALUES (1, 'a'), (2, 'b')",
				"INSERT INTO orders VALUES (1, 1), (2, 2)")
			.migration("""
					operations:
					  - alter_column: {table: users, column: id, type: bigint, up: id, down: id}
					""")
			.afterStart((v) -> {
				assertThat(v.next().query("SELECT id FROM users ORDER BY id")).extracting((r) -> r.get("id"))
					.containsExactly(1L, 2L);
				v.previous().assertFails("23503", "INSERT INTO orders VALUES (3, 99)");
				v.next().assertFails("23503", "INSERT INTO orders VALUES (3, 99)");
				v.next().execute("INSERT INTO users VALUES (10, 'j')");
				assertThat(v.previous().value("SELECT name FROM users WHERE id = 10")).isEqualTo("j");
				v.previous().execute("INSERT INTO orders VALUES (3, 10)");
				v.previous().execute("INSERT INTO users VALUES (11, 'k')");
				v.next().execute("INSERT INTO orders VALUES (4, 11)");
				v.previous().assertFails("23503", "DELETE FROM users WHERE id = 1");
				v.next().assertFails("23503", "DELETE FROM users WHERE id = 2");
			})
			.afterComplete((v) -> {
				assertThat(shape(v.physical(), "users", "id")).isEqualTo("bigint not null");
				assertThat(v.physical().constraintValidity("users")).containsExactly("users_pkey p valid");
				assertThat(v.physical().constraintValidity("orders")).containsExactly("orders_pkey p valid",
						"orders_user_fk f valid");
				assertThat(v.physical().value("SELECT confrelid::regclass::text || '.' || a.attname "
						+ "FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.confrelid "
						+ "AND a.attnum = c.confkey[1] WHERE c.conname = 'orders_user_fk'")).isEqualTo("users.id");
				v.next().assertFails("23503", "INSERT INTO orders VALUES (5, 99)");
				v.next().execute("INSERT INTO orders VALUES (5, 2)");
				v.next().assertFails("23503", "DELETE FROM users WHERE id = 1");
				assertNoLeftovers(v.physical(), "users");
				assertNoLeftovers(v.physical(), "orders");
			})
			.run();
	}

	// ---- helpers ------------------------------------------------------------------------------------------------

	private static BackfillListener countBatches(AtomicInteger batches) {
		return (progress) -> {
			if (!progress.finished()) {
				batches.incrementAndGet();
			}
		};
	}

	/** Type, NOT NULL, default and identity of a column, as one line: "integer not null default 0". */
	private static String shape(SchemaVersion version, String table, String column) {
		return (String) version.value("SELECT concat_ws(' ', format_type(a.atttypid, a.atttypmod), "
				+ "CASE WHEN a.attnotnull THEN 'not null' END, 'default ' || pg_get_expr(d.adbin, d.adrelid), "
				+ "CASE WHEN a.attidentity <> '' THEN 'identity ' || a.attidentity::text END) "
				+ "FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
				+ "WHERE a.attrelid = to_regclass(?) AND a.attname = ?", table, column);
	}

	/** The comment of a column of a table or view, as the given version resolves the relation's name. */
	private static Object comment(SchemaVersion version, String relation, String column) {
		return version.value("SELECT col_description(attrelid, attnum) FROM pg_attribute "
				+ "WHERE attrelid = to_regclass(?) AND attname = ?", relation, column);
	}

	/** Index definitions of a table, by index name, without the schema qualification. */
	private static List<Object> indexes(SchemaVersion physical, String table) {
		return physical.query("SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = ? "
				+ "ORDER BY indexname", table)
			.stream()
			.map((r) -> (Object) ((String) r.get("indexdef")).replace(physical.schema() + ".", ""))
			.toList();
	}

	private static List<Object> triggers(SchemaVersion version, String table) {
		return version.query("SELECT tgname FROM pg_trigger WHERE tgrelid = to_regclass(?) AND NOT tgisinternal",
				table).stream().map((r) -> r.get("tgname")).toList();
	}

}
