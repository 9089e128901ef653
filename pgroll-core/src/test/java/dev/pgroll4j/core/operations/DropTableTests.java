package dev.pgroll4j.core.operations;

import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.pgroll4j.core.MigrationValidationException;
import dev.pgroll4j.core.Pgroll;
import dev.pgroll4j.core.testing.MigrationLifecycle;
import dev.pgroll4j.core.testing.SchemaVersion;
import dev.pgroll4j.test.CatalogSnapshot;
import dev.pgroll4j.test.PostgresTest;
import dev.pgroll4j.test.TestDatabase;

import static dev.pgroll4j.core.testing.Rows.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@PostgresTest
@Tag("operations")
class DropTableTests {

	private static final String USERS_AND_ORDERS = """
			operations:
			  - create_table:
			      name: users
			      columns:
			        - {name: id, type: serial, pk: true}
			        - {name: name, type: text, unique: true}
			  - create_table:
			      name: orders
			      columns:
			        - {name: id, type: integer, pk: true}
			        - name: user_id
			          type: integer
			          references: {name: orders_user_fk, table: users, column: id}
			""";

	@Test
	void droppedTableIsGoneFromTheNewVersionWhileTheOldVersionKeepsUsingIt(TestDatabase database) {
		MigrationLifecycle.in(database).given(USERS_AND_ORDERS)
			.givenRows("INSERT INTO users (name) VALUES ('alice')", "INSERT INTO orders VALUES (1, 1)")
			.migration("""
					operations:
					  - drop_table: {name: orders}
					""")
			.afterStart((v) -> {
				v.next().assertFails("42P01", "DELETE FROM orders");
				assertThat(tables(v.next())).containsExactly("users");
				// The old version reads and writes the table, with its foreign key still enforced.
				v.previous().execute("INSERT INTO orders VALUES (2, 1)");
				v.previous().execute("UPDATE orders SET id = 20 WHERE id = 2");
				v.previous().assertFails("23503", "INSERT INTO orders VALUES (3, 42)");
				v.next().assertFails("23503", "DELETE FROM users WHERE id = 1");
				assertThat(v.previous().query("SELECT id FROM orders ORDER BY id")).extracting((r) -> r.get("id"))
					.containsExactly(1, 20);
			})
			.afterRollback((v) -> assertThat(v.previous().query("SELECT * FROM orders ORDER BY id"))
				.containsExactly(row("id", 1, "user_id", 1), row("id", 20, "user_id", 1)))
			.afterComplete((v) -> {
				assertThat(tables(v.next())).containsExactly("users");
				assertThat(tables(v.physical())).containsExactly("users");
				// Nothing refers to users any more: its rows can go.
				v.next().execute("DELETE FROM users WHERE id = 1");
			})
			.run();
	}

	@Test
	void oldVersionInsertsStillDrawFromTheDroppedTablesSequence(TestDatabase database) {
		MigrationLifecycle.in(database).given(USERS_AND_ORDERS).givenRows("INSERT INTO users (name) VALUES ('alice')")
			.migration("""
					operations:
					  - drop_table: {name: orders}
					  - drop_table: {name: users}
					""")
			.afterStart((v) -> {
				assertThat(tables(v.next())).isEmpty();
				v.previous().execute("INSERT INTO users (name) VALUES ('bob')");
				assertThat(v.previous().value("SELECT id FROM users WHERE name = 'bob'")).isEqualTo(2);
				v.previous().assertFails("23505", "INSERT INTO users (name) VALUES ('bob')");
			})
			.afterRollback((v) -> {
				v.previous().execute("INSERT INTO users (name) VALUES ('carol')");
				assertThat(v.previous().query("SELECT id, name FROM users ORDER BY id")).containsExactly(
						row("id", 1, "name", "alice"), row("id", 2, "name", "bob"), row("id", 4, "name", "carol"));
			})
			.afterComplete((v) -> {
				assertThat(tables(v.physical())).isEmpty();
				assertThat(v.physical()
					.value("SELECT count(*) FROM pg_class WHERE relnamespace = current_schema()::regnamespace"))
					.as("tables, their indexes and sequences are all gone")
					.isEqualTo(0L);
			})
			.run();
	}

	@Test
	void dropThenCreateTableOfTheSameNameGivesEachVersionItsOwnTable(TestDatabase database) {
		MigrationLifecycle.in(database).given(USERS_AND_ORDERS)
			.given("""
					operations:
					  - create_table:
					      name: tags
					      columns:
					        - {name: id, type: integer, pk: true}
					        - {name: label, type: text}
					""")
			.givenRows("INSERT INTO tags VALUES (1, 'old')")
			.migration("""
					operations:
					  - drop_table: {name: tags}
					  - create_table:
					      name: tags
					      columns:
					        - {name: id, type: integer, pk: true}
					        - {name: slug, type: text, unique: true}
					        - {name: weight, type: integer, default: "1"}
					""")
			.afterStart((v) -> {
				assertThat(v.previous().columns("tags")).containsExactly("id", "label");
				assertThat(v.next().columns("tags")).containsExactly("id", "slug", "weight");
				assertThat(v.next().value("SELECT count(*) FROM tags")).isEqualTo(0L);
				v.previous().execute("INSERT INTO tags VALUES (2, 'older')");
				v.next().execute("INSERT INTO tags (id, slug) VALUES (1, 'new')");
				assertThat(v.previous().query("SELECT label FROM tags ORDER BY id")).extracting((r) -> r.get("label"))
					.containsExactly("old", "older");
				assertThat(v.next().query("SELECT * FROM tags")).containsExactly(row("id", 1, "slug", "new", "weight", 1));
			})
			.afterRollback((v) -> {
				assertThat(v.previous().columns("tags")).containsExactly("id", "label");
				assertThat(v.previous().query("SELECT label FROM tags ORDER BY id")).extracting((r) -> r.get("label"))
					.containsExactly("old", "older");
			})
			.afterComplete((v) -> {
				assertThat(v.physical().columns("tags")).containsExactly("id", "slug", "weight");
				assertThat(v.physical().value("SELECT count(*) FROM tags")).isEqualTo(0L);
				assertThat(tables(v.physical())).containsExactly("orders", "tags", "users");
				v.next().execute("INSERT INTO tags (id, slug) VALUES (1, 'fresh')");
				v.next().assertFails("23505", "INSERT INTO tags (id, slug) VALUES (2, 'fresh')");
				// The new table ends up exactly as if the name had never been used before (its key's default name
				// must not carry a suffix because the dropped table held the name during the migration).
				assertThat(v.physical()
					.query("SELECT conname FROM pg_constraint WHERE conrelid = 'tags'::regclass AND contype <> 'n' "
							+ "ORDER BY conname")
					.stream()
					.map((r) -> r.get("conname"))
					.toList()).containsExactly("tags_pkey", "tags_slug_key");
			})
			.run();
	}

	@Test
	void droppedTablesNameCanBeTakenByARenamedTable(TestDatabase database) {
		MigrationLifecycle.in(database).given(USERS_AND_ORDERS)
			.givenRows("INSERT INTO users (name) VALUES ('alice')", "INSERT INTO orders VALUES (1, 1)")
			.migration("""
					operations:
					  - drop_table: {name: orders}
					  - rename_table: {from: users, to: orders}
					""")
			.afterStart((v) -> {
				assertThat(tables(v.next())).containsExactly("orders");
				assertThat(v.next().columns("orders")).containsExactly("id", "name");
				assertThat(v.previous().columns("orders")).containsExactly("id", "user_id");
				v.next().execute("INSERT INTO orders (name) VALUES ('bob')");
				assertThat(v.previous().query("SELECT name FROM users ORDER BY id")).extracting((r) -> r.get("name"))
					.containsExactly("alice", "bob");
				v.previous().execute("INSERT INTO orders VALUES (2, 2)");
			})
			.afterRollback((v) -> assertThat(tables(v.physical())).containsExactly("orders", "users"))
			.afterComplete((v) -> {
				assertThat(tables(v.physical())).containsExactly("orders");
				assertThat(v.physical().columns("orders")).containsExactly("id", "name");
				assertThat(v.next().query("SELECT name FROM orders ORDER BY id")).extracting((r) -> r.get("name"))
					.containsExactly("alice", "bob");
			})
			.run();
	}

	@Test
	void tableReferencedByAForeignKeyIsRejected(TestDatabase database) {
		Pgroll pgroll = MigrationLifecycle.in(database).given(USERS_AND_ORDERS).prepare();
		CatalogSnapshot before = database.catalogSnapshot();
		assertThatThrownBy(() -> pgroll.start(MigrationLifecycle.yaml("500_under_test", """
				operations:
				  - drop_table: {name: users}
				""")))
			.isInstanceOf(MigrationValidationException.class)
			.hasMessageStartingWith("500_under_test.yaml: operations[0] (drop_table), field name: ")
			.hasMessageContaining("foreign key \"orders_user_fk\"");
		assertThat(before.diff(database.catalogSnapshot())).isEmpty();
	}

	@Test
	void referencedTableCanBeDroppedAfterTheTableReferencingIt(TestDatabase database) {
		MigrationLifecycle.in(database).given(USERS_AND_ORDERS)
			.givenRows("INSERT INTO users (name) VALUES ('alice')", "INSERT INTO orders VALUES (1, 1)")
			.migration("""
					operations:
					  - drop_table: {name: orders}
					  - drop_table: {name: users}
					""")
			.afterStart((v) -> {
				v.previous().assertFails("23503", "DELETE FROM users");
				v.previous().execute("INSERT INTO orders VALUES (2, 1)");
			})
			.afterRollback((v) -> assertThat(v.previous().value("SELECT count(*) FROM orders")).isEqualTo(2L))
			.afterComplete((v) -> assertThat(tables(v.physical())).isEmpty())
			.run();
	}

	@Test
	void selfReferencingTableCanBeDropped(TestDatabase database) {
		MigrationLifecycle.in(database).given(USERS_AND_ORDERS).given("""
				operations:
				  - create_table:
				      name: categories
				      columns:
				        - {name: id, type: integer, pk: true}
				        - name: parent_id
				          type: integer
				          nullable: true
				          references: {name: categories_parent_fk, table: categories, column: id}
				""").givenRows("INSERT INTO categories VALUES (1, NULL), (2, 1)").migration("""
				operations:
				  - drop_table: {name: categories}
				""").afterStart((v) -> {
			v.next().assertFails("42P01", "DELETE FROM categories");
			v.previous().assertFails("23503", "INSERT INTO categories VALUES (3, 42)");
		}).afterComplete((v) -> assertThat(tables(v.physical())).containsExactly("orders", "users")).run();
	}

	/** Tables (or views, for a version schema) visible to this version's schema. */
	private static List<Object> tables(SchemaVersion version) {
		return version.query("SELECT relname FROM pg_class WHERE relnamespace = current_schema()::regnamespace "
				+ "AND relkind IN ('r', 'v') ORDER BY relname").stream().map((r) -> r.get("relname")).toList();
	}

}
