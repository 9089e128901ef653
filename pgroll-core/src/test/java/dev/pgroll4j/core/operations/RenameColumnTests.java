package dev.pgroll4j.core.operations;

import java.util.List;

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
class RenameColumnTests {

	private static final String USERS = """
			operations:
			  - create_table:
			      name: users
			      columns:
			        - {name: id, type: integer, pk: true}
			        - {name: name, type: text}
			        - name: status
			          type: text
			          default: "'new'"
			          check: {name: status_known, constraint: "status IN ('new', 'active')"}
			""";

	@Test
	void renamedColumnIsReadAndWrittenUnderEitherNameByItsVersion(TestDatabase database) {
		MigrationLifecycle.in(database).given(USERS).givenRows("INSERT INTO users VALUES (1, 'alice', 'active')")
			.migration("""
					operations:
					  - rename_column: {table: users, from: status, to: state}
					""")
			.afterStart((v) -> {
				assertThat(v.previous().columns("users")).containsExactly("id", "name", "status");
				assertThat(v.next().columns("users")).containsExactly("id", "name", "state");
				v.next().assertFails("42703", "SELECT status FROM users");
				v.previous().execute("INSERT INTO users (id, name) VALUES (2, 'bob')");
				v.next().execute("INSERT INTO users (id, name) VALUES (3, 'carol')");
				v.next().execute("UPDATE users SET state = 'active' WHERE id = 2");
				v.previous().execute("UPDATE users SET status = 'active' WHERE id = 3");
				assertThat(v.next().query("SELECT id, state FROM users ORDER BY id")).containsExactly(
						row("id", 1, "state", "active"), row("id", 2, "state", "active"), row("id", 3, "state", "active"));
				// Default and check stay with the column under its new name.
				v.next().execute("INSERT INTO users (id, name) VALUES (4, 'dave')");
				assertThat(v.previous().value("SELECT status FROM users WHERE id = 4")).isEqualTo("new");
				v.next().assertFails("23514", "UPDATE users SET state = 'gone' WHERE id = 4");
			})
			.afterRollback((v) -> assertThat(v.previous().value("SELECT count(*) FROM users WHERE status = 'active'"))
				.isEqualTo(3L))
			.afterComplete((v) -> {
				assertThat(v.physical().columns("users")).containsExactly("id", "name", "state");
				assertThat(v.next().value("SELECT count(*) FROM users WHERE state = 'active'")).isEqualTo(3L);
				v.next().execute("INSERT INTO users (id, name) VALUES (5, 'eve')");
				assertThat(v.next().value("SELECT state FROM users WHERE id = 5")).isEqualTo("new");
				assertThat(v.physical().constraintDefinition("status_known")).contains("state")
					.doesNotContain("status");
			})
			.run();
	}

	@Test
	void addColumnUpMayUseTheRenamedColumnsNewName(TestDatabase database) {
		MigrationLifecycle.in(database).configure((builder) -> builder.backfillBatchSize(3)).given(USERS)
			.givenRows("INSERT INTO users (id, name) SELECT g, 'user' || g FROM generate_series(1, 10) g")
			.migration("""
					operations:
					  - rename_column: {table: users, from: name, to: handle}
					  - add_column:
					      table: users
					      up: upper(handle)
					      column: {name: shout, type: text}
					""")
			.afterStart((v) -> {
				assertThat(v.next().columns("users")).containsExactly("id", "handle", "status", "shout");
				assertThat(v.next().value("SELECT count(*) FROM users WHERE shout = upper(handle)")).isEqualTo(10L);
				v.previous().execute("INSERT INTO users (id, name) VALUES (11, 'eve')");
				v.previous().execute("UPDATE users SET name = 'zed' WHERE id = 1");
				assertThat(v.next().query("SELECT id, handle, shout FROM users WHERE id IN (1, 11) ORDER BY id"))
					.containsExactly(row("id", 1, "handle", "zed", "shout", "ZED"),
							row("id", 11, "handle", "eve", "shout", "EVE"));
				v.next().execute("INSERT INTO users (id, handle, shout) VALUES (12, 'quiet', 'hush')");
				assertThat(v.previous().value("SELECT name FROM users WHERE id = 12")).isEqualTo("quiet");
			})
			.afterComplete((v) -> {
				assertThat(v.physical().columns("users")).containsExactly("id", "handle", "status", "shout");
				assertThat(v.next().value("SELECT count(*) FROM users WHERE shout = upper(handle)")).isEqualTo(12L);
				assertNoTriggerFunctionOrColumn(v.physical(), "users");
			})
			.run();
	}

	@Test
	void renamedColumnsOldNameCanBeTakenByANewColumn(TestDatabase database) {
		MigrationLifecycle.in(database).given(USERS).givenRows("INSERT INTO users (id, name) VALUES (1, 'ada lovelace')")
			.migration("""
					operations:
					  - rename_column: {table: users, from: name, to: full_name}
					  - add_column:
					      table: users
					      up: split_part(full_name, ' ', 1)
					      column: {name: name, type: text}
					""")
			.afterStart((v) -> {
				assertThat(v.previous().columns("users")).containsExactly("id", "name", "status");
				assertThat(v.next().columns("users")).containsExactly("id", "full_name", "status", "name");
				assertThat(v.next().query("SELECT full_name, name FROM users WHERE id = 1"))
					.containsExactly(row("full_name", "ada lovelace", "name", "ada"));
				v.previous().execute("INSERT INTO users (id, name) VALUES (2, 'alan turing')");
				assertThat(v.next().query("SELECT full_name, name FROM users WHERE id = 2"))
					.containsExactly(row("full_name", "alan turing", "name", "alan"));
				v.next().execute("INSERT INTO users (id, full_name, name) VALUES (3, 'grace hopper', 'amazing')");
				assertThat(v.previous().value("SELECT name FROM users WHERE id = 3")).isEqualTo("grace hopper");
			})
			.afterComplete((v) -> {
				assertThat(v.physical().columns("users")).containsExactly("id", "full_name", "status", "name");
				assertThat(v.next().query("SELECT full_name, name FROM users ORDER BY id")).containsExactly(
						row("full_name", "ada lovelace", "name", "ada"), row("full_name", "alan turing", "name", "alan"),
						row("full_name", "grace hopper", "name", "grace"));
			})
			.run();
	}

	@Test
	void renameTableThenRenameColumnOfTheRenamedTable(TestDatabase database) {
		MigrationLifecycle.in(database).given(USERS).givenRows("INSERT INTO users (id, name) VALUES (1, 'alice')")
			.migration("""
					operations:
					  - rename_table: {from: users, to: members}
					  - rename_column: {table: members, from: name, to: nickname}
					""")
			.afterStart((v) -> {
				assertThat(v.next().columns("members")).containsExactly("id", "nickname", "status");
				v.next().execute("INSERT INTO members (id, nickname) VALUES (2, 'bob')");
				v.previous().execute("UPDATE users SET name = 'alicia' WHERE id = 1");
				assertThat(v.previous().query("SELECT name FROM users ORDER BY id")).extracting((r) -> r.get("name"))
					.containsExactly("alicia", "bob");
				assertThat(v.next().query("SELECT nickname FROM members ORDER BY id"))
					.extracting((r) -> r.get("nickname"))
					.containsExactly("alicia", "bob");
			})
			.afterComplete((v) -> {
				assertThat(v.physical().value("SELECT to_regclass('users')")).isNull();
				assertThat(v.physical().columns("members")).containsExactly("id", "nickname", "status");
				assertThat(v.next().query("SELECT nickname FROM members ORDER BY id"))
					.extracting((r) -> r.get("nickname"))
					.containsExactly("alicia", "bob");
			})
			.run();
	}

	@Test
	void renamingAReferencedKeyColumnKeepsTheForeignKeyWorking(TestDatabase database) {
		MigrationLifecycle.in(database).given(USERS).given("""
				operations:
				  - create_table:
				      name: orders
				      columns:
				        - {name: id, type: integer, pk: true}
				        - name: user_id
				          type: integer
				          references: {name: orders_user_fk, table: users, column: id, on_delete: CASCADE}
				""").givenRows("INSERT INTO users (id, name) VALUES (1, 'alice')", "INSERT INTO orders VALUES (1, 1)")
			.migration("""
					operations:
					  - rename_column: {table: users, from: id, to: user_id}
					  - rename_column: {table: orders, from: user_id, to: buyer_id}
					""")
			.afterStart((v) -> {
				v.next().execute("INSERT INTO users (user_id, name) VALUES (2, 'bob')");
				v.next().execute("INSERT INTO orders (id, buyer_id) VALUES (2, 2)");
				v.next().assertFails("23503", "INSERT INTO orders (id, buyer_id) VALUES (3, 404)");
				v.next().assertFails("23505", "INSERT INTO users (user_id, name) VALUES (2, 'again')");
				v.previous().execute("DELETE FROM users WHERE id = 1");
				assertThat(v.next().query("SELECT id, buyer_id FROM orders")).containsExactly(row("id", 2, "buyer_id", 2));
			})
			.afterComplete((v) -> {
				List<Object> definitions = v.physical()
					.query("SELECT pg_get_constraintdef(oid) AS d FROM pg_constraint "
							+ "WHERE conrelid IN ('users'::regclass, 'orders'::regclass) "
							+ "AND conname IN ('orders_user_fk', 'users_pkey') ORDER BY conname")
					.stream()
					.map((r) -> r.get("d"))
					.toList();
				assertThat(definitions).containsExactly(
						"FOREIGN KEY (buyer_id) REFERENCES users(user_id) ON DELETE CASCADE", "PRIMARY KEY (user_id)");
				v.next().execute("DELETE FROM users WHERE user_id = 2");
				assertThat(v.next().value("SELECT count(*) FROM orders")).isEqualTo(0L);
			})
			.run();
	}

	@Test
	void newTablesForeignKeysMayReferenceARenamedColumnByItsNewName(TestDatabase database) {
		MigrationLifecycle.in(database).given(USERS).givenRows("INSERT INTO users (id, name) VALUES (1, 'alice')")
			.migration("""
					operations:
					  - rename_column: {table: users, from: id, to: user_id}
					  - create_table:
					      name: sessions
					      columns:
					        - {name: id, type: integer, pk: true}
					        - name: user_id
					          type: integer
					          references: {name: sessions_user_fk, table: users, column: user_id}
					        - {name: owner_id, type: integer}
					      constraints:
					        - name: sessions_owner_fk
					          type: foreign_key
					          columns: [owner_id]
					          references: {table: users, columns: [user_id]}
					""")
			.afterStart((v) -> {
				v.next().execute("INSERT INTO sessions VALUES (1, 1, 1)");
				v.next().assertFails("23503", "INSERT INTO sessions VALUES (2, 404, 1)");
				v.next().assertFails("23503", "INSERT INTO sessions VALUES (3, 1, 404)");
				v.previous().assertFails("23503", "DELETE FROM users WHERE id = 1");
			})
			.afterComplete((v) -> assertThat(v.physical()
				.query("SELECT pg_get_constraintdef(oid) AS d FROM pg_constraint WHERE conrelid = 'sessions'::regclass "
						+ "AND contype = 'f' ORDER BY conname")
				.stream()
				.map((r) -> r.get("d"))
				.toList()).containsExactly("FOREIGN KEY (owner_id) REFERENCES users(user_id)",
						"FOREIGN KEY (user_id) REFERENCES users(user_id)"))
			.run();
	}

	@Test
	void renameToAnExistingColumnNameIsRejected(TestDatabase database) {
		Pgroll pgroll = MigrationLifecycle.in(database).given(USERS).prepare();
		CatalogSnapshot before = database.catalogSnapshot();
		assertThatThrownBy(() -> pgroll.start(MigrationLifecycle.yaml("500_under_test", """
				operations:
				  - rename_column: {table: users, from: name, to: status}
				""")))
			.isInstanceOf(MigrationValidationException.class)
			.hasMessageStartingWith("500_under_test.yaml: operations[0] (rename_column), field to: ")
			.hasMessageContaining("column \"status\" already exists");
		assertThat(before.diff(database.catalogSnapshot())).isEmpty();
	}

}
