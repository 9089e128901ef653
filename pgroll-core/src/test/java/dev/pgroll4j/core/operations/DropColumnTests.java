package dev.pgroll4j.core.operations;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.pgroll4j.core.MigrationValidationException;
import dev.pgroll4j.core.Pgroll;
import dev.pgroll4j.core.testing.MigrationLifecycle;
import dev.pgroll4j.test.CatalogSnapshot;
import dev.pgroll4j.test.PostgresTest;
import dev.pgroll4j.test.TestDatabase;

import static dev.pgroll4j.core.testing.Leftovers.assertNoTriggerFunctionOrColumn;
import static dev.pgroll4j.core.testing.Rows.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@PostgresTest
@Tag("operations")
class DropColumnTests {

	private static final String USERS = """
			operations:
			  - create_table:
			      name: users
			      columns:
			        - {name: id, type: integer, pk: true}
			        - {name: name, type: text}
			        - {name: nickname, type: text}
			""";

	@Test
	void droppedColumnIsFilledByDownForNewVersionInserts(TestDatabase database) {
		MigrationLifecycle.in(database).given(USERS).givenRows("INSERT INTO users VALUES (1, 'alice', 'al')")
			.migration("""
					operations:
					  - drop_column:
					      table: users
					      column: nickname
					      down: upper(name)
					""")
			.afterStart((v) -> {
				assertThat(v.previous().columns("users")).containsExactly("id", "name", "nickname");
				assertThat(v.next().columns("users")).containsExactly("id", "name");
				v.next().assertFails("42703", "SELECT nickname FROM users");
				// down is for new writes only: existing rows keep their value (no backfill).
				assertThat(v.previous().value("SELECT nickname FROM users WHERE id = 1")).isEqualTo("al");
				v.next().execute("INSERT INTO users VALUES (2, 'bob')");
				assertThat(v.previous().value("SELECT nickname FROM users WHERE id = 2")).isEqualTo("BOB");
				v.next().execute("UPDATE users SET name = 'bobby' WHERE id = 2");
				assertThat(v.previous().value("SELECT nickname FROM users WHERE id = 2")).isEqualTo("BOBBY");
				// The old version still reads and writes the column as it likes.
				v.previous().execute("INSERT INTO users VALUES (3, 'carol', 'cc')");
				v.previous().execute("UPDATE users SET nickname = 'lally' WHERE id = 1");
				assertThat(v.previous().value("SELECT nickname FROM users WHERE id = 3")).isEqualTo("cc");
				assertThat(v.next().query("SELECT * FROM users WHERE id = 3")).containsExactly(row("id", 3, "name",
						"carol"));
				v.previous().assertFails("23502", "INSERT INTO users VALUES (4, 'dave', NULL)");
			})
			.afterRollback((v) -> {
				assertThat(v.previous().query("SELECT id, nickname FROM users ORDER BY id")).containsExactly(
						row("id", 1, "nickname", "lally"), row("id", 2, "nickname", "BOBBY"),
						row("id", 3, "nickname", "cc"));
				// No trigger is left to fill the column: it is NOT NULL again for every writer.
				v.previous().assertFails("23502", "INSERT INTO users (id, name) VALUES (5, 'eve')");
			})
			.afterComplete((v) -> {
				assertThat(v.next().columns("users")).containsExactly("id", "name");
				assertThat(v.physical().columns("users")).containsExactly("id", "name");
				v.next().execute("INSERT INTO users VALUES (6, 'frank')");
				assertThat(v.next().query("SELECT name FROM users ORDER BY id")).extracting((r) -> r.get("name"))
					.containsExactly("alice", "bobby", "carol", "frank");
				assertNoTriggerFunctionOrColumn(v.physical(), "users");
			})
			.run();
	}

	@Test
	void nullableColumnOrColumnWithDefaultNeedsNoDown(TestDatabase database) {
		MigrationLifecycle.in(database).given("""
				operations:
				  - create_table:
				      name: users
				      columns:
				        - {name: id, type: integer, pk: true}
				        - {name: bio, type: text, nullable: true}
				        - {name: status, type: text, default: "'active'"}
				""").givenRows("INSERT INTO users VALUES (1, 'hello', 'banned')").migration("""
				operations:
				  - drop_column: {table: users, column: bio}
				  - drop_column: {table: users, column: status}
				""").afterStart((v) -> {
			assertThat(v.next().columns("users")).containsExactly("id");
			v.next().execute("INSERT INTO users VALUES (2)");
			assertThat(v.previous().query("SELECT * FROM users ORDER BY id")).containsExactly(
					row("id", 1, "bio", "hello", "status", "banned"), row("id", 2, "bio", null, "status", "active"));
		}).afterComplete((v) -> {
			assertThat(v.physical().columns("users")).containsExactly("id");
			v.next().execute("INSERT INTO users VALUES (3)");
			assertThat(v.next().query("SELECT id FROM users ORDER BY id")).extracting((r) -> r.get("id"))
				.containsExactly(1, 2, 3);
		}).run();
	}

	@Test
	void notNullColumnWithoutDefaultOrDownIsRejectedNamingFileOperationAndField(TestDatabase database) {
		Pgroll pgroll = MigrationLifecycle.in(database).given(USERS).prepare();
		CatalogSnapshot before = database.catalogSnapshot();
		assertThatThrownBy(() -> pgroll.start(MigrationLifecycle.yaml("500_under_test", """
				operations:
				  - drop_column: {table: users, column: name, down: "'x'"}
				  - drop_column: {table: users, column: nickname}
				""")))
			.isInstanceOfSatisfying(MigrationValidationException.class, (ex) -> {
				assertThat(ex.source()).isEqualTo("500_under_test.yaml");
				assertThat(ex.operationIndex()).isEqualTo(1);
				assertThat(ex.operation()).isEqualTo("drop_column");
				assertThat(ex.field()).isEqualTo("down");
			})
			.hasMessageStartingWith("500_under_test.yaml: operations[1] (drop_column), field down: ")
			.hasMessageContaining("\"nickname\" is NOT NULL without a default");
		assertThat(before.diff(database.catalogSnapshot())).isEmpty();
	}

	@Test
	void columnReferencedByAnotherTablesForeignKeyIsRejected(TestDatabase database) {
		Pgroll pgroll = MigrationLifecycle.in(database).given("""
				operations:
				  - create_table:
				      name: teams
				      columns:
				        - {name: id, type: integer, pk: true}
				        - {name: code, type: text, unique: true}
				  - create_table:
				      name: players
				      columns:
				        - {name: id, type: integer, pk: true}
				        - name: team_code
				          type: text
				          references: {name: players_team_fk, table: teams, column: code}
				""").prepare();
		CatalogSnapshot before = database.catalogSnapshot();
		assertThatThrownBy(() -> pgroll.start(MigrationLifecycle.yaml("500_under_test", """
				operations:
				  - drop_column: {table: teams, column: code, down: "'t' || id"}
				""")))
			.isInstanceOf(MigrationValidationException.class)
			.hasMessageStartingWith("500_under_test.yaml: operations[0] (drop_column), field column: ")
			.hasMessageContaining("foreign key \"players_team_fk\"")
			.hasMessageContaining("\"players\"");
		assertThat(before.diff(database.catalogSnapshot())).isEmpty();
	}

	@Test
	void splittingAColumnKeepsBothVersionsInSyncAndBackfillsExistingRows(TestDatabase database) {
		// add_column's up (old writes) and drop_column's down (new writes) share one trigger on the table.
		MigrationLifecycle.in(database).configure((builder) -> builder.backfillBatchSize(7)).given("""
				operations:
				  - create_table:
				      name: people
				      columns:
				        - {name: id, type: integer, pk: true}
				        - {name: first, type: text}
				        - {name: last, type: text}
				""").givenRows("INSERT INTO people SELECT g, 'f' || g, 'l' || g FROM generate_series(1, 30) g")
			.migration("""
					operations:
					  - add_column:
					      table: people
					      up: first || ' ' || last
					      column: {name: full_name, type: text}
					  - drop_column:
					      table: people
					      column: first
					      down: split_part(full_name, ' ', 1)
					  - drop_column:
					      table: people
					      column: last
					      down: split_part(full_name, ' ', 2)
					""")
			.afterStart((v) -> {
				assertThat(v.next().columns("people")).containsExactly("id", "full_name");
				assertThat(v.next().value("SELECT count(*) FROM people WHERE full_name = 'f' || id || ' l' || id"))
					.isEqualTo(30L);
				v.previous().execute("INSERT INTO people VALUES (31, 'ada', 'lovelace')");
				assertThat(v.next().value("SELECT full_name FROM people WHERE id = 31")).isEqualTo("ada lovelace");
				v.next().execute("INSERT INTO people VALUES (32, 'alan turing')");
				assertThat(v.previous().query("SELECT first, last FROM people WHERE id = 32"))
					.containsExactly(row("first", "alan", "last", "turing"));
				v.next().execute("UPDATE people SET full_name = 'grace hopper' WHERE id = 1");
				assertThat(v.previous().query("SELECT first, last FROM people WHERE id = 1"))
					.containsExactly(row("first", "grace", "last", "hopper"));
				v.previous().execute("UPDATE people SET last = 'byron' WHERE id = 31");
				assertThat(v.next().value("SELECT full_name FROM people WHERE id = 31")).isEqualTo("ada byron");
			})
			.afterRollback((v) -> assertThat(v.previous().columns("people")).containsExactly("id", "first", "last"))
			.afterComplete((v) -> {
				assertThat(v.physical().columns("people")).containsExactly("id", "full_name");
				assertThat(v.next().value("SELECT full_name FROM people WHERE id = 32")).isEqualTo("alan turing");
				assertThat(v.physical().value("SELECT count(*) FROM people WHERE full_name IS NULL")).isEqualTo(0L);
				assertNoTriggerFunctionOrColumn(v.physical(), "people");
			})
			.run();
	}

	@Test
	void downSeesColumnsUnderTheNamesTheNewVersionGivesThem(TestDatabase database) {
		MigrationLifecycle.in(database).given(USERS).givenRows("INSERT INTO users VALUES (1, 'alice', 'al')")
			.migration("""
					operations:
					  - rename_column: {table: users, from: name, to: display_name}
					  - drop_column:
					      table: users
					      column: nickname
					      down: lower(display_name)
					""")
			.afterStart((v) -> {
				assertThat(v.next().columns("users")).containsExactly("id", "display_name");
				v.next().execute("INSERT INTO users VALUES (2, 'BOB')");
				assertThat(v.previous().query("SELECT name, nickname FROM users WHERE id = 2"))
					.containsExactly(row("name", "BOB", "nickname", "bob"));
			})
			.afterComplete((v) -> {
				assertThat(v.physical().columns("users")).containsExactly("id", "display_name");
				assertThat(v.next().query("SELECT display_name FROM users ORDER BY id"))
					.extracting((r) -> r.get("display_name"))
					.containsExactly("alice", "BOB");
			})
			.run();
	}

	@Test
	void droppingAColumnTakesItsIndexAndConstraintsWithIt(TestDatabase database) {
		MigrationLifecycle.in(database).given("""
				operations:
				  - create_table:
				      name: accounts
				      columns:
				        - {name: id, type: integer, pk: true}
				        - name: email
				          type: text
				          unique: true
				          check: {name: email_has_at, constraint: "email LIKE '%@%'"}
				""").givenRows("INSERT INTO accounts VALUES (1, 'a@x')").migration("""
				operations:
				  - drop_column:
				      table: accounts
				      column: email
				      down: "'user' || id || '@example.com'"
				""").afterStart((v) -> {
			// The old version keeps the column's rules while it still runs.
			v.previous().assertFails("23514", "INSERT INTO accounts VALUES (2, 'no-at')");
			v.previous().assertFails("23505", "INSERT INTO accounts VALUES (2, 'a@x')");
			v.next().execute("INSERT INTO accounts VALUES (3)");
			assertThat(v.previous().value("SELECT email FROM accounts WHERE id = 3")).isEqualTo("user3@example.com");
		}).afterComplete((v) -> {
			assertThat(v.physical().columns("accounts")).containsExactly("id");
			assertThat(v.physical()
				.query("SELECT conname FROM pg_constraint WHERE conrelid = 'accounts'::regclass AND contype <> 'n'"))
				.containsExactly(row("conname", "accounts_pkey"));
			assertThat(v.physical().value("SELECT count(*) FROM pg_index WHERE indrelid = 'accounts'::regclass"))
				.isEqualTo(1L);
		}).run();
	}

	@Test
	void downMayUseColumnsOfATypeDefinedInTheMigratedSchema(TestDatabase database) {
		// Clients' search_path names only their version schema, where the enum type is not visible.
		MigrationLifecycle.in(database).givenRows("CREATE TYPE mood AS ENUM ('happy', 'sad')").given("""
				operations:
				  - create_table:
				      name: diary
				      columns:
				        - {name: id, type: integer, pk: true}
				        - {name: feeling, type: mood}
				        - {name: summary, type: text}
				""").givenRows("INSERT INTO diary VALUES (1, 'sad', 'rainy')").migration("""
				operations:
				  - drop_column:
				      table: diary
				      column: summary
				      down: "'felt ' || feeling::text"
				""").afterStart((v) -> {
			v.next().execute("INSERT INTO diary VALUES (2, 'happy')");
			assertThat(v.previous().value("SELECT summary FROM diary WHERE id = 2")).isEqualTo("felt happy");
			v.next().execute("UPDATE diary SET feeling = 'sad' WHERE id = 2");
			assertThat(v.previous().value("SELECT summary FROM diary WHERE id = 2")).isEqualTo("felt sad");
		}).afterComplete((v) -> assertThat(v.physical().columns("diary")).containsExactly("id", "feeling")).run();
	}

	@Test
	void downMayCallAFunctionDefinedInTheMigratedSchema(TestDatabase database) {
		// Validation compiles down with the migrated schema on the path, so it must also run that way.
		MigrationLifecycle.in(database).given(USERS)
			.givenRows("CREATE FUNCTION initials(name text) RETURNS text LANGUAGE sql IMMUTABLE "
					+ "AS $f$ SELECT upper(left(name, 2)) $f$")
			.migration("""
					operations:
					  - drop_column:
					      table: users
					      column: nickname
					      down: initials(name)
					""")
			.afterStart((v) -> {
				v.next().execute("INSERT INTO users VALUES (1, 'bob')");
				assertThat(v.previous().value("SELECT nickname FROM users WHERE id = 1")).isEqualTo("BO");
			})
			.afterComplete((v) -> assertThat(v.physical().columns("users")).containsExactly("id", "name"))
			.run();
	}

	@Test
	void columnOfATableRenamedInTheSameMigrationIsDroppedFromTheRenamedTable(TestDatabase database) {
		MigrationLifecycle.in(database).given(USERS).givenRows("INSERT INTO users VALUES (1, 'alice', 'al')")
			.migration("""
					operations:
					  - rename_table: {from: users, to: members}
					  - drop_column: {table: members, column: nickname, down: "'~' || name"}
					""")
			.afterStart((v) -> {
				assertThat(v.next().columns("members")).containsExactly("id", "name");
				v.next().execute("INSERT INTO members VALUES (2, 'bob')");
				assertThat(v.previous().value("SELECT nickname FROM users WHERE id = 2")).isEqualTo("~bob");
			})
			.afterComplete((v) -> {
				assertThat(v.physical().value("SELECT to_regclass('users')")).isNull();
				assertThat(v.physical().columns("members")).containsExactly("id", "name");
				assertNoTriggerFunctionOrColumn(v.physical(), "members");
			})
			.run();
	}

	@Test
	void droppedColumnsNameCanBeTakenByARenamedColumn(TestDatabase database) {
		MigrationLifecycle.in(database).given(USERS).givenRows("INSERT INTO users VALUES (1, 'alice', 'al')")
			.migration("""
					operations:
					  - drop_column: {table: users, column: nickname, down: "left(name, 2)"}
					  - rename_column: {table: users, from: name, to: nickname}
					""")
			.afterStart((v) -> {
				assertThat(v.next().columns("users")).containsExactly("id", "nickname");
				assertThat(v.next().value("SELECT nickname FROM users WHERE id = 1")).isEqualTo("alice");
				v.next().execute("INSERT INTO users VALUES (2, 'bob')");
				assertThat(v.previous().query("SELECT name, nickname FROM users WHERE id = 2"))
					.containsExactly(row("name", "bob", "nickname", "bo"));
			})
			.afterComplete((v) -> {
				assertThat(v.physical().columns("users")).containsExactly("id", "nickname");
				assertThat(v.next().query("SELECT nickname FROM users ORDER BY id")).extracting((r) -> r.get("nickname"))
					.containsExactly("alice", "bob");
			})
			.run();
	}

	@Test
	void columnAGeneratedColumnIsComputedFromIsRejected(TestDatabase database) {
		// PostgreSQL refuses to drop it at complete (the generated column depends on it), so say so up front.
		Pgroll pgroll = MigrationLifecycle.in(database).given("""
				operations:
				  - create_table:
				      name: items
				      columns:
				        - {name: id, type: integer, pk: true}
				        - {name: price, type: integer, nullable: true}
				        - {name: doubled, type: integer, nullable: true, generated: {expression: price * 2}}
				""").prepare();
		CatalogSnapshot before = database.catalogSnapshot();
		assertThatThrownBy(() -> pgroll.start(MigrationLifecycle.yaml("500_under_test", """
				operations:
				  - drop_column: {table: items, column: price}
				""")))
			.isInstanceOf(MigrationValidationException.class)
			.hasMessageStartingWith("500_under_test.yaml: operations[0] (drop_column), field column: ")
			.hasMessageContaining("doubled");
		assertThat(before.diff(database.catalogSnapshot())).isEmpty();
	}

	@Test
	void columnReferencedByAForeignKeyCreatedEarlierInTheMigrationIsRejected(TestDatabase database) {
		// The new table's foreign key names the column by its new-version name; the check must still see it.
		Pgroll pgroll = MigrationLifecycle.in(database).given("""
				operations:
				  - create_table:
				      name: teams
				      columns:
				        - {name: id, type: integer, pk: true}
				        - {name: code, type: text, unique: true}
				""").prepare();
		CatalogSnapshot before = database.catalogSnapshot();
		assertThatThrownBy(() -> pgroll.start(MigrationLifecycle.yaml("500_under_test", """
				operations:
				  - rename_column: {table: teams, from: code, to: handle}
				  - create_table:
				      name: players
				      columns:
				        - {name: id, type: integer, pk: true}
				        - name: team
				          type: text
				          references: {name: players_team_fk, table: teams, column: handle}
				  - drop_column: {table: teams, column: handle, down: "'t' || id"}
				""")))
			.isInstanceOf(MigrationValidationException.class)
			.hasMessageStartingWith("500_under_test.yaml: operations[2] (drop_column), field column: ")
			.hasMessageContaining("foreign key \"players_team_fk\"");
		assertThat(before.diff(database.catalogSnapshot())).isEmpty();
	}

}
