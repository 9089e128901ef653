package dev.pgroll4j.core.operations;

import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.pgroll4j.core.MigrationExecutionException;
import dev.pgroll4j.core.Pgroll;
import dev.pgroll4j.core.testing.MigrationLifecycle;
import dev.pgroll4j.test.CatalogSnapshot;
import dev.pgroll4j.test.PostgresTest;
import dev.pgroll4j.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

@PostgresTest
@Tag("operations")
class AddColumnTests {

	private static final String USERS = """
			operations:
			  - create_table:
			      name: users
			      columns:
			        - {name: id, type: integer, pk: true}
			        - {name: name, type: text}
			""";

	@Test
	void nullableColumnWithUpIsFilledForOldVersionWritesAndExistingRows(TestDatabase database) {
		MigrationLifecycle.in(database).given(USERS).givenRows("INSERT INTO users VALUES (1, 'alice')")
			.migration("""
					operations:
					  - add_column:
					      table: users
					      up: upper(name)
					      column: {name: shout, type: text, nullable: true}
					""")
			.afterStart((v) -> {
				assertThat(v.previous().columns("users")).containsExactly("id", "name");
				assertThat(v.next().columns("users")).containsExactly("id", "name", "shout");
				assertThat(v.next().value("SELECT shout FROM users WHERE id = 1")).isEqualTo("ALICE");
				v.previous().execute("INSERT INTO users VALUES (2, 'bob')");
				assertThat(v.next().value("SELECT shout FROM users WHERE id = 2")).isEqualTo("BOB");
				v.previous().execute("UPDATE users SET name = 'bobby' WHERE id = 2");
				assertThat(v.next().value("SELECT shout FROM users WHERE id = 2")).isEqualTo("BOBBY");
				v.next().execute("INSERT INTO users VALUES (3, 'carol', 'quiet')");
				assertThat(v.next().value("SELECT shout FROM users WHERE id = 3")).isEqualTo("quiet");
				assertThat(v.previous().value("SELECT name FROM users WHERE id = 3")).isEqualTo("carol");
			})
			.afterRollback((v) -> assertThat(v.previous().query("SELECT * FROM users ORDER BY id"))
				.extracting((row) -> row.get("name"))
				.containsExactly("alice", "bobby", "carol"))
			.afterComplete((v) -> {
				assertThat(v.next().columns("users")).containsExactly("id", "name", "shout");
				assertThat(v.physical().columns("users")).containsExactly("id", "name", "shout");
				assertThat(v.next().query("SELECT shout FROM users ORDER BY id")).extracting((row) -> row.get("shout"))
					.containsExactly("ALICE", "BOBBY", "CAROL");
			})
			.run();
	}

	@ParameterizedTest
	@ValueSource(strings = { "id integer PRIMARY KEY", "id integer NOT NULL UNIQUE", "id integer" })
	void notNullColumnWithUpIsBackfilledInBatchesWhateverKeyTheTableHas(String idColumn, TestDatabase database) {
		MigrationLifecycle lifecycle = MigrationLifecycle.in(database);
		lifecycle.configure((builder) -> builder.backfillBatchSize(100))
			.givenRows("CREATE TABLE items (" + idColumn + ", label text)",
					"INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 2500) g")
			.migration("""
					operations:
					  - add_column:
					      table: items
					      up: length(label)
					      column: {name: label_length, type: integer}
					""")
			.afterStart((v) -> {
				assertThat(v.next().value("SELECT count(*) FROM items WHERE label_length IS NULL")).isEqualTo(0L);
				assertThat(v.next().value("SELECT sum(label_length) FROM items"))
					.isEqualTo(v.previous().value("SELECT sum(length(label)) FROM items"));
				v.next().assertFails("23514", "INSERT INTO items (id, label) VALUES (9999, 'x')");
			})
			.afterComplete((v) -> {
				assertThat(v.physical().value("SELECT attnotnull FROM pg_attribute WHERE attrelid = 'items'::regclass "
						+ "AND attname = 'label_length'")).isEqualTo(true);
				assertThat(v.physical().value("SELECT count(*) FROM pg_constraint WHERE conrelid = 'items'::regclass "
						+ "AND contype = 'c'")).isEqualTo(0L);
			})
			.run();
	}

	@Test
	void notNullColumnWithConstantDefaultNeedsNoUp(TestDatabase database) {
		MigrationLifecycle.in(database).given(USERS).givenRows("INSERT INTO users VALUES (1, 'alice')")
			.migration("""
					operations:
					  - add_column:
					      table: users
					      column: {name: score, type: integer, default: "100"}
					""")
			.afterStart((v) -> {
				assertThat(v.next().value("SELECT score FROM users WHERE id = 1")).isEqualTo(100);
				v.previous().execute("INSERT INTO users VALUES (2, 'bob')");
				assertThat(v.next().value("SELECT score FROM users WHERE id = 2")).isEqualTo(100);
			})
			.afterComplete((v) -> assertThat(v.physical()
				.value("SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef WHERE adrelid = 'users'::regclass"))
				.isEqualTo("100"))
			.run();
	}

	@Test
	void volatileDefaultGivesEachExistingRowItsOwnValue(TestDatabase database) {
		MigrationLifecycle.in(database).given(USERS)
			.givenRows("INSERT INTO users SELECT g, 'u' || g FROM generate_series(1, 50) g")
			.migration("""
					operations:
					  - add_column:
					      table: users
					      column: {name: token, type: text, default: "md5(random()::text)"}
					""")
			.afterStart((v) -> {
				assertThat(v.next().value("SELECT count(DISTINCT token) FROM users")).isEqualTo(50L);
				v.previous().execute("INSERT INTO users VALUES (51, 'new')");
				assertThat(v.next().value("SELECT token FROM users WHERE id = 51")).isNotNull();
			})
			.afterComplete((v) -> assertThat(v.next().value("SELECT count(DISTINCT token) FROM users")).isEqualTo(51L))
			.run();
	}

	@Test
	void uniqueCheckAndForeignKeyHoldForNewRowsAndAreValidatedOnComplete(TestDatabase database) {
		MigrationLifecycle.in(database).given(USERS)
			.given("""
					operations:
					  - create_table:
					      name: teams
					      columns:
					        - {name: id, type: integer, pk: true}
					""")
			.givenRows("INSERT INTO teams VALUES (1)", "INSERT INTO users VALUES (1, 'alice')")
			.migration("""
					operations:
					  - add_column:
					      table: users
					      column:
					        name: email
					        type: text
					        nullable: true
					        unique: true
					        comment: where to write
					        check: {name: email_has_at, constraint: "email LIKE '%@%'"}
					  - add_column:
					      table: users
					      column:
					        name: team_id
					        type: integer
					        nullable: true
					        references: {name: users_team_fk, table: teams, column: id}
					""")
			.afterStart((v) -> {
				v.next().execute("UPDATE users SET email = 'a@x', team_id = 1 WHERE id = 1");
				v.next().assertFails("23505", "INSERT INTO users (id, name, email) VALUES (2, 'b', 'a@x')");
				v.next().assertFails("23514", "INSERT INTO users (id, name, email) VALUES (3, 'c', 'no-at')");
				v.next().assertFails("23503", "INSERT INTO users (id, name, team_id) VALUES (4, 'd', 42)");
			})
			.afterComplete((v) -> {
				List<Object> constraints = v.physical()
					.query("SELECT conname || ' ' || convalidated AS c FROM pg_constraint "
							+ "WHERE conrelid = 'users'::regclass AND contype <> 'n' ORDER BY conname")
					.stream()
					.map((row) -> row.get("c"))
					.toList();
				assertThat(constraints).containsExactly("email_has_at true", "users_email_key true", "users_pkey true",
						"users_team_fk true");
				assertThat(v.physical().value("SELECT col_description(attrelid, attnum) FROM pg_attribute "
						+ "WHERE attrelid = 'users'::regclass AND attname = 'email'"))
					.isEqualTo("where to write");
			})
			.run();
	}

	@Test
	void aBackfillThatFailsOnSomeRowRollsTheMigrationBackCompletely(TestDatabase database) {
		MigrationLifecycle lifecycle = MigrationLifecycle.in(database)
			.configure((builder) -> builder.backfillBatchSize(10))
			.given(USERS)
			.givenRows("INSERT INTO users SELECT g, 'u' || g FROM generate_series(1, 100) g");
		Pgroll pgroll = lifecycle.prepare();
		CatalogSnapshot before = database.catalogSnapshot();
		assertThatExceptionOfType(MigrationExecutionException.class)
			.isThrownBy(() -> pgroll.start(MigrationLifecycle.yaml("01_ratio", """
					operations:
					  - add_column:
					      table: users
					      up: 100 / (id - 50)
					      column: {name: ratio, type: integer, nullable: true}
					""")))
			.withMessageContaining("backfill of table \"users\" for migration \"01_ratio\" failed")
			.withMessageContaining("division by zero");
		assertThat(before.diff(database.catalogSnapshot())).isEmpty();
		assertThat(pgroll.status().activeMigration()).isNull();
	}

}
