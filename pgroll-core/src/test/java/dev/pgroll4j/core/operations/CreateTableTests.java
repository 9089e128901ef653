package dev.pgroll4j.core.operations;

import java.math.BigDecimal;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.pgroll4j.core.MigrationValidationException;
import dev.pgroll4j.core.Pgroll;
import dev.pgroll4j.core.PgrollException;
import dev.pgroll4j.core.testing.MigrationLifecycle;
import dev.pgroll4j.core.testing.SchemaVersion;
import dev.pgroll4j.test.CatalogSnapshot;
import dev.pgroll4j.test.PostgresTest;
import dev.pgroll4j.test.TestDatabase;
import dev.pgroll4j.test.TestSqlException;

import static dev.pgroll4j.core.testing.Rows.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

@PostgresTest
@Tag("operations")
class CreateTableTests {

	private static final String PUBLISHERS = """
			operations:
			  - create_table:
			      name: publishers
			      columns:
			        - {name: id, type: integer, pk: true}
			        - {name: name, type: text}
			""";

	@Test
	void newTableWithEveryColumnFieldIsOnlyVisibleToTheNewVersion(TestDatabase database) {
		MigrationLifecycle.in(database).given(PUBLISHERS).givenRows("INSERT INTO publishers VALUES (1, 'acme')")
			.migration("""
					operations:
					  - create_table:
					      name: products
					      comment: "what's for sale"
					      columns:
					        - {name: id, type: integer, pk: true}
					        - {name: sku, type: text, unique: true, comment: stock keeping unit}
					        - {name: title, type: text}
					        - {name: note, type: text, nullable: true}
					        - name: price
					          type: numeric(10,2)
					          default: "9.99"
					          check: {name: price_positive, constraint: "price > 0", no_inherit: true}
					        - {name: price_cents, type: integer, generated: {expression: "(price * 100)::integer"}}
					""")
			.afterStart((v) -> {
				// Existing tables are untouched; the new one exists for the new version only.
				assertThat(v.previous().value("SELECT name FROM publishers")).isEqualTo("acme");
				assertThat(v.next().value("SELECT name FROM publishers")).isEqualTo("acme");
				v.previous().assertFails("42P01", "INSERT INTO products (id, sku, title) VALUES (1, 'a', 'A')");
				assertThat(v.next().columns("products")).containsExactly("id", "sku", "title", "note", "price",
						"price_cents");
				assertProductRules(v.next());
			})
			.afterRollback((v) -> assertThat(v.physical().value("SELECT to_regclass('products')")).isNull())
			.afterComplete((v) -> {
				assertProductRules(v.next());
				assertThat(v.physical().columns("products")).containsExactly("id", "sku", "title", "note", "price",
						"price_cents");
				assertThat(notNullColumns(v.physical(), "products")).containsExactly("id", "sku", "title", "price",
						"price_cents");
				assertThat(v.physical().constraintDefinitions("products")).containsExactly(
						"price_positive c CHECK ((price > (0)::numeric)) NO INHERIT", "products_pkey p PRIMARY KEY (id)",
						"products_sku_key u UNIQUE (sku)");
				assertThat(v.physical().value("SELECT obj_description('products'::regclass, 'pg_class')"))
					.isEqualTo("what's for sale");
				assertThat(v.physical().value("SELECT col_description('products'::regclass, 2)"))
					.isEqualTo("stock keeping unit");
				assertThat(v.physical().value("SELECT attgenerated::text FROM pg_attribute "
						+ "WHERE attrelid = 'products'::regclass AND attname = 'price_cents'")).isEqualTo("s");
			})
			.run();
	}

	/** Defaults, generated values, NOT NULL, UNIQUE, PK and CHECK as a client of {@code version} meets them. */
	private static void assertProductRules(SchemaVersion version) {
		version.execute("INSERT INTO products (id, sku, title) VALUES (1, 'a-1', 'Anvil')");
		assertThat(version.query("SELECT note, price, price_cents FROM products WHERE id = 1"))
			.containsExactly(row("note", null, "price", new BigDecimal("9.99"), "price_cents", 999));
		version.execute("UPDATE products SET price = 2.50 WHERE id = 1");
		assertThat(version.value("SELECT price_cents FROM products WHERE id = 1")).isEqualTo(250);
		version.assertFails("23502", "INSERT INTO products (id, sku) VALUES (2, 'b-2')");
		version.assertFails("23505", "INSERT INTO products (id, sku, title) VALUES (3, 'a-1', 'Again')");
		version.assertFails("23505", "INSERT INTO products (id, sku, title) VALUES (1, 'c-3', 'Same id')");
		version.assertFails("23514", "INSERT INTO products (id, sku, title, price) VALUES (4, 'd-4', 'Free', 0)");
		version.assertFails("428C9",
				"INSERT INTO products (id, sku, title, price_cents) VALUES (5, 'e-5', 'Forced', 1)");
	}

	@Test
	void pkOnSeveralColumnsMakesOneCompositePrimaryKey(TestDatabase database) {
		MigrationLifecycle.in(database).given(PUBLISHERS).migration("""
				operations:
				  - create_table:
				      name: memberships
				      columns:
				        - {name: team, type: integer, pk: true}
				        - {name: person, type: integer, pk: true}
				        - {name: role, type: text, default: "'member'"}
				""").afterStart((v) -> assertCompositeKey(v.next())).afterComplete((v) -> {
			assertCompositeKey(v.next());
			assertThat(v.physical().constraintDefinitions("memberships"))
				.containsExactly("memberships_pkey p PRIMARY KEY (team, person)");
		}).run();
	}

	private static void assertCompositeKey(SchemaVersion version) {
		version.execute("INSERT INTO memberships (team, person) VALUES (1, 1), (1, 2), (2, 1)");
		assertThat(version.value("SELECT string_agg(role, ',') FROM memberships")).isEqualTo("member,member,member");
		version.assertFails("23505", "INSERT INTO memberships (team, person) VALUES (1, 2)");
		version.assertFails("23502", "INSERT INTO memberships (team) VALUES (3)");
	}

	@Test
	void identityColumnsAreAlwaysGeneratedUnlessByDefaultIsAsked(TestDatabase database) {
		MigrationLifecycle.in(database).given(PUBLISHERS).migration("""
				operations:
				  - create_table:
				      name: tickets
				      columns:
				        - {name: id, type: bigint, pk: true, generated: {identity: {}}}
				        - name: number
				          type: integer
				          generated:
				            identity: {user_specified_values: BY DEFAULT, sequence_options: START WITH 100 INCREMENT BY 10}
				        - {name: label, type: text}
				""").afterStart((v) -> assertIdentities(v.next())).afterComplete((v) -> {
			assertIdentities(v.next());
			assertThat(v.physical()
				.query("SELECT attname, attidentity::text AS kind, attnotnull FROM pg_attribute "
						+ "WHERE attrelid = 'tickets'::regclass AND attnum > 0 ORDER BY attnum"))
				.containsExactly(row("attname", "id", "kind", "a", "attnotnull", true),
						row("attname", "number", "kind", "d", "attnotnull", true),
						row("attname", "label", "kind", "", "attnotnull", true));
		}).run();
	}

	private static void assertIdentities(SchemaVersion version) {
		version.execute("INSERT INTO tickets (label) VALUES ('first'), ('second')");
		assertThat(version.query("SELECT id, number FROM tickets ORDER BY id"))
			.containsExactly(row("id", 1L, "number", 100), row("id", 2L, "number", 110));
		version.execute("INSERT INTO tickets (number, label) VALUES (7, 'chosen')");
		assertThat(version.value("SELECT id FROM tickets WHERE number = 7")).isEqualTo(3L);
		// user_specified_values defaults to ALWAYS: the database refuses a client-chosen id.
		version.assertFails("428C9", "INSERT INTO tickets (id, label) VALUES (99, 'forced')");
	}

	@Test
	void columnForeignKeysHonourActionsMatchTypeAndDeferral(TestDatabase database) {
		MigrationLifecycle.in(database).given(PUBLISHERS).givenRows("INSERT INTO publishers VALUES (1, 'acme')")
			.migration("""
					operations:
					  - create_table:
					      name: authors
					      columns:
					        - {name: id, type: integer, pk: true}
					  - create_table:
					      name: books
					      columns:
					        - {name: id, type: integer, pk: true}
					        - name: author_id
					          type: integer
					          references:
					            name: books_author_fk
					            table: authors
					            column: id
					            on_delete: CASCADE
					            on_update: CASCADE
					            match_type: FULL
					            deferrable: true
					            initially_deferred: true
					        - name: publisher_id
					          type: integer
					          nullable: true
					          references: {name: books_publisher_fk, table: publishers, column: id, on_delete: SET NULL}
					""")
			.afterStart((v) -> {
				v.previous().assertFails("42P01", "INSERT INTO authors VALUES (1)");
				assertForeignKeys(v.next());
				// The old version cannot delete a publisher's row away from under a new-version book.
				v.previous().execute("INSERT INTO publishers VALUES (2, 'orphaned')");
				v.next().execute("INSERT INTO authors VALUES (5)");
				v.next().execute("INSERT INTO books VALUES (5, 5, 2)");
				v.previous().execute("DELETE FROM publishers WHERE id = 2");
				assertThat(v.next().value("SELECT publisher_id FROM books WHERE id = 5")).isNull();
			})
			.afterComplete((v) -> {
				assertForeignKeys(v.next());
				assertThat(v.physical()
					.query("SELECT conname, confrelid::regclass::text AS target, confdeltype::text AS del, "
							+ "confupdtype::text AS upd, confmatchtype::text AS match, condeferrable, condeferred "
							+ "FROM pg_constraint WHERE conrelid = 'books'::regclass AND contype = 'f' ORDER BY conname"))
					.containsExactly(
							row("conname", "books_author_fk", "target", "authors", "del", "c", "upd", "c", "match", "f",
									"condeferrable", true, "condeferred", true),
							row("conname", "books_publisher_fk", "target", "publishers", "del", "n", "upd", "a",
									"match", "s", "condeferrable", false, "condeferred", false));
			})
			.run();
	}

	private static void assertForeignKeys(SchemaVersion version) {
		// Initially deferred: a book may come before its author within one transaction.
		version.inTransaction("INSERT INTO books (id, author_id) VALUES (1, 10)", "INSERT INTO authors VALUES (10)");
		assertThatThrownBy(() -> version.inTransaction("INSERT INTO books (id, author_id) VALUES (2, 11)"))
			.isInstanceOf(TestSqlException.class)
			.satisfies((ex) -> assertThat(((TestSqlException) ex).sqlState()).isEqualTo("23503"));
		version.execute("UPDATE authors SET id = 20 WHERE id = 10");
		assertThat(version.value("SELECT author_id FROM books WHERE id = 1")).isEqualTo(20);
		version.execute("DELETE FROM authors WHERE id = 20");
		assertThat(version.value("SELECT count(*) FROM books WHERE id = 1")).isEqualTo(0L);
		// Not deferrable: checked at once.
		version.execute("INSERT INTO authors VALUES (30)");
		version.assertFails("23503", "INSERT INTO books VALUES (3, 30, 404)");
		version.execute("INSERT INTO books VALUES (3, 30, 1)");
		version.execute("DELETE FROM books");
		version.execute("DELETE FROM authors");
	}

	@Test
	void selfReferencingForeignKeyPointsAtTheNewTable(TestDatabase database) {
		MigrationLifecycle.in(database).given(PUBLISHERS).migration("""
				operations:
				  - create_table:
				      name: employees
				      columns:
				        - {name: id, type: integer, pk: true}
				        - name: manager_id
				          type: integer
				          nullable: true
				          references: {name: employees_manager_fk, table: employees, column: id, on_delete: SET NULL}
				""").afterStart((v) -> assertHierarchy(v.next())).afterComplete((v) -> {
			assertHierarchy(v.next());
			assertThat(v.physical()
				.value("SELECT confrelid = conrelid FROM pg_constraint WHERE conrelid = 'employees'::regclass AND contype = 'f'"))
				.isEqualTo(true);
		}).run();
	}

	private static void assertHierarchy(SchemaVersion version) {
		version.execute("INSERT INTO employees VALUES (1, NULL), (2, 1)");
		version.assertFails("23503", "INSERT INTO employees VALUES (3, 42)");
		version.execute("DELETE FROM employees WHERE id = 1");
		assertThat(version.value("SELECT manager_id FROM employees WHERE id = 2")).isNull();
	}

	@Test
	void tableConstraintsOfEveryKindAreEnforcedThroughTheNewVersion(TestDatabase database) {
		MigrationLifecycle.in(database).given(PUBLISHERS).migration("""
				operations:
				  - create_table:
				      name: rooms
				      columns:
				        - {name: building, type: text}
				        - {name: number, type: integer}
				        - {name: capacity, type: integer}
				      constraints:
				        - {name: rooms_pk, type: primary_key, columns: [building, number]}
				        - {name: rooms_capacity_positive, type: check, check: "capacity > 0", no_inherit: true}
				  - create_table:
				      name: bookings
				      columns:
				        - {name: id, type: integer}
				        - {name: code, type: text}
				        - {name: building, type: text, nullable: true}
				        - {name: number, type: integer, nullable: true}
				        - {name: during, type: int4range}
				        - {name: owner, type: text, nullable: true}
				      constraints:
				        - {name: bookings_pk, type: primary_key, columns: [id], deferrable: true, initially_deferred: true}
				        - name: bookings_code_unique
				          type: unique
				          columns: [code]
				          index_parameters: {include_columns: [owner], storage_parameters: fillfactor=70}
				        - name: bookings_room_fk
				          type: foreign_key
				          columns: [building, number]
				          references:
				            table: rooms
				            columns: [building, number]
				            match_type: FULL
				            on_delete: SET NULL
				            on_update: CASCADE
				        - name: bookings_no_overlap
				          type: exclude
				          exclude: {index_method: gist, elements: during WITH &&, predicate: "code <> 'shared'"}
				""").afterStart((v) -> {
			v.previous().assertFails("42P01", "INSERT INTO rooms VALUES ('A', 1, 10)");
			assertTableConstraints(v.next());
		}).afterComplete((v) -> {
			assertTableConstraints(v.next());
			assertThat(v.physical().constraintDefinitions("rooms")).containsExactly(
					"rooms_capacity_positive c CHECK ((capacity > 0)) NO INHERIT",
					"rooms_pk p PRIMARY KEY (building, number)");
			assertThat(v.physical().constraintDefinitions("bookings")).containsExactly(
					"bookings_code_unique u UNIQUE (code) INCLUDE (owner)",
					"bookings_no_overlap x EXCLUDE USING gist (during WITH &&) WHERE ((code <> 'shared'::text))",
					"bookings_pk p PRIMARY KEY (id) DEFERRABLE INITIALLY DEFERRED",
					"bookings_room_fk f FOREIGN KEY (building, number) REFERENCES rooms(building, number) "
							+ "MATCH FULL ON UPDATE CASCADE ON DELETE SET NULL");
			assertThat(v.physical().value("SELECT reloptions::text FROM pg_class WHERE oid = 'bookings_code_unique'::regclass"))
				.isEqualTo("{fillfactor=70}");
		}).run();
	}

	private static void assertTableConstraints(SchemaVersion version) {
		version.execute("INSERT INTO rooms VALUES ('A', 1, 10), ('A', 2, 20)");
		version.assertFails("23505", "INSERT INTO rooms VALUES ('A', 1, 5)");
		version.assertFails("23514", "INSERT INTO rooms VALUES ('B', 1, 0)");
		version.execute("INSERT INTO bookings VALUES (1, 'x', 'A', 1, '[1,5)', 'ann'), (2, 'y', NULL, NULL, '[5,9)', NULL)");
		version.assertFails("23505", "INSERT INTO bookings VALUES (3, 'x', NULL, NULL, '[20,30)', NULL)");
		// MATCH FULL: a half-filled reference is rejected even though SIMPLE would let it through.
		version.assertFails("23503", "INSERT INTO bookings VALUES (4, 'z', 'A', NULL, '[40,50)', NULL)");
		version.assertFails("23P01", "INSERT INTO bookings VALUES (5, 'w', NULL, NULL, '[3,4)', NULL)");
		version.execute("INSERT INTO bookings VALUES (6, 'shared', NULL, NULL, '[3,4)', NULL)");
		// The deferred primary key lets two rows swap ids inside one transaction.
		version.inTransaction("UPDATE bookings SET id = 2 WHERE code = 'x'",
				"UPDATE bookings SET id = 1 WHERE code = 'y'");
		assertThat(version.value("SELECT code FROM bookings WHERE id = 1")).isEqualTo("y");
		version.execute("UPDATE rooms SET number = 11 WHERE number = 1");
		assertThat(version.value("SELECT number FROM bookings WHERE code = 'x'")).isEqualTo(11);
		version.execute("DELETE FROM rooms WHERE number = 11");
		assertThat(version.query("SELECT building, number FROM bookings WHERE code = 'x'"))
			.containsExactly(row("building", null, "number", null));
		version.execute("DELETE FROM bookings");
		version.execute("DELETE FROM rooms");
	}

	@Test
	void nullsNotDistinctAndOnDeleteSetColumnsWorkFromPostgres15(TestDatabase database) {
		assumeThat(database.serverMajorVersion()).as("NULLS NOT DISTINCT and ON DELETE SET NULL (cols) need PG 15")
			.isGreaterThanOrEqualTo(15);
		MigrationLifecycle.in(database).given(PUBLISHERS).migration("""
				operations:
				  - create_table:
				      name: accounts
				      columns:
				        - {name: tenant, type: integer}
				        - {name: id, type: integer}
				      constraints:
				        - {name: accounts_pk, type: primary_key, columns: [tenant, id]}
				  - create_table:
				      name: badges
				      columns:
				        - {name: id, type: integer, pk: true}
				        - {name: tenant, type: integer}
				        - {name: account, type: integer, nullable: true}
				        - {name: label, type: text, nullable: true}
				      constraints:
				        - {name: badges_label_unique, type: unique, columns: [label], nulls_not_distinct: true}
				        - name: badges_account_fk
				          type: foreign_key
				          columns: [tenant, account]
				          references:
				            table: accounts
				            columns: [tenant, id]
				            on_delete: SET NULL
				            on_delete_set_columns: [account]
				""").afterStart((v) -> assertPostgres15Constraints(v.next())).afterComplete((v) -> {
			assertPostgres15Constraints(v.next());
			assertThat(v.physical().constraintDefinitions("badges")).contains(
					"badges_account_fk f FOREIGN KEY (tenant, account) REFERENCES accounts(tenant, id) "
							+ "ON DELETE SET NULL (account)",
					"badges_label_unique u UNIQUE NULLS NOT DISTINCT (label)");
		}).run();
	}

	private static void assertPostgres15Constraints(SchemaVersion version) {
		version.execute("INSERT INTO accounts VALUES (1, 1), (1, 2)");
		version.execute("INSERT INTO badges VALUES (1, 1, 1, NULL), (2, 1, 2, 'gold')");
		version.assertFails("23505", "INSERT INTO badges VALUES (3, 1, 2, NULL)");
		version.execute("DELETE FROM accounts WHERE id = 1");
		// Only the listed column is cleared; the tenant stays.
		assertThat(version.query("SELECT tenant, account FROM badges WHERE id = 1"))
			.containsExactly(row("tenant", 1, "account", null));
		version.execute("DELETE FROM badges");
		version.execute("DELETE FROM accounts");
	}

	@Test
	void nullsNotDistinctBeforePostgres15FailsTheStartWithoutChangingTheDatabase(TestDatabase database) {
		assumeThat(database.serverMajorVersion()).as("PostgreSQL 15 supports NULLS NOT DISTINCT").isLessThan(15);
		Pgroll pgroll = MigrationLifecycle.in(database).given(PUBLISHERS).prepare();
		CatalogSnapshot before = database.catalogSnapshot();
		assertThatThrownBy(() -> pgroll.start(MigrationLifecycle.yaml("500_under_test", """
				operations:
				  - create_table:
				      name: badges
				      columns: [{name: label, type: text, nullable: true}]
				      constraints:
				        - {name: badges_label_unique, type: unique, columns: [label], nulls_not_distinct: true}
				""")))
			.isInstanceOf(PgrollException.class)
			.hasMessageContaining("500_under_test.yaml")
			.hasMessageContaining("operations[0] (create_table)");
		assertThat(before.diff(database.catalogSnapshot())).isEmpty();
		assertThat(pgroll.status().activeMigration()).isNull();
	}

	@Test
	void firstMigrationCreatesTheSchemaAndItsRollbackLeavesNoSchemaBehind(TestDatabase database) {
		// No setup migration: the migrated schema does not exist until start creates it, so rollback must drop it.
		MigrationLifecycle lifecycle = MigrationLifecycle.in(database);
		lifecycle.migration("""
				operations:
				  - create_table:
				      name: first
				      columns: [{name: id, type: integer, pk: true}]
				""").afterStart((v) -> {
			v.next().execute("INSERT INTO first VALUES (1)");
			assertThat(v.next().value("SELECT id FROM first")).isEqualTo(1);
		}).afterRollback((v) -> assertThat(database.queryForLong(
				"SELECT count(*) FROM pg_namespace WHERE nspname = ?", lifecycle.schema())).isZero())
			.afterComplete((v) -> assertThat(v.physical().columns("first")).containsExactly("id"))
			.run();
	}

	@Test
	void existingTableNameIsRejectedBeforeAnythingChanges(TestDatabase database) {
		MigrationLifecycle lifecycle = MigrationLifecycle.in(database).given(PUBLISHERS);
		Pgroll pgroll = lifecycle.prepare();
		CatalogSnapshot before = database.catalogSnapshot();
		assertThatThrownBy(() -> pgroll.start(MigrationLifecycle.yaml("500_under_test", """
				operations:
				  - create_table:
				      name: fresh
				      columns: [{name: id, type: integer}]
				  - create_table:
				      name: publishers
				      columns: [{name: id, type: integer}]
				""")))
			.isInstanceOf(MigrationValidationException.class)
			.hasMessageStartingWith("500_under_test.yaml: operations[1] (create_table), field name: ")
			.hasMessageContaining("\"publishers\" already exists");
		assertThat(before.diff(database.catalogSnapshot())).isEmpty();
	}

	@Test
	void primaryKeyConstraintIsRejectedWhenColumnsAlreadySetPk(TestDatabase database) {
		Pgroll pgroll = MigrationLifecycle.in(database).prepare();
		assertThatThrownBy(() -> pgroll.start(MigrationLifecycle.yaml("500_under_test", """
				operations:
				  - create_table:
				      name: twice
				      columns: [{name: id, type: integer, pk: true}]
				      constraints: [{name: twice_pk, type: primary_key, columns: [id]}]
				""")))
			.isInstanceOf(MigrationValidationException.class)
			.hasMessageStartingWith("500_under_test.yaml: operations[0] (create_table), field constraints[0]: ")
			.hasMessageContaining("pk: true");
	}

	private static List<String> notNullColumns(SchemaVersion physical, String table) {
		return physical
			.query("SELECT attname FROM pg_attribute WHERE attrelid = ?::regclass AND attnum > 0 AND attnotnull "
					+ "ORDER BY attnum", table)
			.stream()
			.map((r) -> (String) r.get("attname"))
			.toList();
	}

}
