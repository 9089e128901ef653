package dev.pgroll4j.core.operations;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.pgroll4j.core.MigrationValidationException;
import dev.pgroll4j.core.Pgroll;
import dev.pgroll4j.core.testing.MigrationLifecycle;
import dev.pgroll4j.core.testing.SchemaVersion;
import dev.pgroll4j.test.CatalogSnapshot;
import dev.pgroll4j.test.PostgresTest;
import dev.pgroll4j.test.TestDatabase;

import static dev.pgroll4j.core.testing.Leftovers.assertNoTriggerFunctionOrColumn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@PostgresTest
@Tag("operations")
class RenameTableTests {

	private static final String USERS_AND_ORDERS = """
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
			""";

	@Test
	void renamedTableIsReadAndWrittenUnderEitherNameByItsVersion(TestDatabase database) {
		MigrationLifecycle.in(database).given(USERS_AND_ORDERS).givenRows("INSERT INTO users VALUES (1, 'alice')")
			.migration("""
					operations:
					  - rename_table: {from: users, to: customers}
					""")
			.afterStart((v) -> {
				v.previous().assertFails("42P01", "DELETE FROM customers");
				v.next().assertFails("42P01", "DELETE FROM users");
				v.previous().execute("INSERT INTO users VALUES (2, 'bob')");
				v.next().execute("INSERT INTO customers VALUES (3, 'carol')");
				v.next().execute("UPDATE customers SET name = 'alicia' WHERE id = 1");
				v.previous().execute("DELETE FROM users WHERE id = 2");
				assertThat(names(v.previous(), "users")).containsExactly("alicia", "carol");
				assertThat(names(v.next(), "customers")).containsExactly("alicia", "carol");
				// The foreign key follows the table whatever name a version uses.
				v.next().execute("INSERT INTO orders VALUES (10, 3)");
				v.previous().assertFails("23503", "INSERT INTO orders VALUES (11, 42)");
				v.previous().assertFails("23503", "DELETE FROM users WHERE id = 3");
			})
			.afterRollback((v) -> {
				assertThat(names(v.previous(), "users")).containsExactly("alicia", "carol");
				assertThat(v.physical().value("SELECT to_regclass('customers')")).isNull();
			})
			.afterComplete((v) -> {
				assertThat(names(v.next(), "customers")).containsExactly("alicia", "carol");
				assertThat(v.physical().value("SELECT to_regclass('users')")).isNull();
				assertThat(names(v.physical(), "customers")).containsExactly("alicia", "carol");
				assertThat(v.physical()
					.value("SELECT confrelid::regclass::text FROM pg_constraint "
							+ "WHERE conrelid = 'orders'::regclass AND contype = 'f'"))
					.isEqualTo("customers");
				v.next().execute("INSERT INTO customers VALUES (4, 'dave')");
				v.next().execute("INSERT INTO orders VALUES (12, 4)");
			})
			.run();
	}

	@Test
	void renameToAnExistingTableNameIsRejected(TestDatabase database) {
		Pgroll pgroll = MigrationLifecycle.in(database).given(USERS_AND_ORDERS).prepare();
		CatalogSnapshot before = database.catalogSnapshot();
		assertThatThrownBy(() -> pgroll.start(MigrationLifecycle.yaml("500_under_test", """
				operations:
				  - rename_table: {from: users, to: orders}
				""")))
			.isInstanceOf(MigrationValidationException.class)
			.hasMessageStartingWith("500_under_test.yaml: operations[0] (rename_table), field to: ")
			.hasMessageContaining("\"orders\" already exists");
		assertThat(before.diff(database.catalogSnapshot())).isEmpty();
	}

	@Test
	void theOldNameOfARenamedTableCannotBeReusedInTheSameMigration(TestDatabase database) {
		// The physical table keeps its old name until complete, so a new table cannot take it yet.
		Pgroll pgroll = MigrationLifecycle.in(database).given(USERS_AND_ORDERS).prepare();
		CatalogSnapshot before = database.catalogSnapshot();
		assertThatThrownBy(() -> pgroll.start(MigrationLifecycle.yaml("500_under_test", """
				operations:
				  - rename_table: {from: users, to: customers}
				  - create_table:
				      name: users
				      columns: [{name: id, type: integer}]
				""")))
			.isInstanceOf(MigrationValidationException.class)
			.hasMessageStartingWith("500_under_test.yaml: operations[1] (create_table), field name: ");
		assertThat(before.diff(database.catalogSnapshot())).isEmpty();
	}

	@Test
	void laterOperationsAddressTheTableByItsNewName(TestDatabase database) {
		MigrationLifecycle.in(database).configure((builder) -> builder.backfillBatchSize(4))
			.given(USERS_AND_ORDERS)
			.givenRows("INSERT INTO users SELECT g, 'user' || g FROM generate_series(1, 10) g")
			.migration("""
					operations:
					  - rename_table: {from: users, to: customers}
					  - add_column:
					      table: customers
					      up: upper(name)
					      column: {name: label, type: text}
					  - rename_column: {table: customers, from: name, to: full_name}
					  - create_table:
					      name: invoices
					      columns:
					        - {name: id, type: integer, pk: true}
					        - name: customer_id
					          type: integer
					          references: {name: invoices_customer_fk, table: customers, column: id}
					""")
			.afterStart((v) -> {
				assertThat(v.next().columns("customers")).containsExactly("id", "full_name", "label");
				assertThat(v.next().value("SELECT label FROM customers WHERE id = 10")).isEqualTo("USER10");
				v.previous().execute("INSERT INTO users VALUES (11, 'eve')");
				assertThat(v.next().value("SELECT label FROM customers WHERE id = 11")).isEqualTo("EVE");
				v.next().execute("INSERT INTO customers VALUES (12, 'frank', 'Frankie')");
				assertThat(v.previous().value("SELECT name FROM users WHERE id = 12")).isEqualTo("frank");
				v.next().execute("INSERT INTO invoices VALUES (1, 12)");
				v.next().assertFails("23503", "INSERT INTO invoices VALUES (2, 404)");
			})
			.afterComplete((v) -> {
				assertThat(v.physical().columns("customers")).containsExactly("id", "full_name", "label");
				assertThat(v.next().value("SELECT count(*) FROM customers WHERE label = upper(full_name)"))
					.as("every row, including those written during the first start, is backfilled again")
					.isEqualTo(12L);
				assertThat(v.physical()
					.value("SELECT confrelid::regclass::text FROM pg_constraint "
							+ "WHERE conrelid = 'invoices'::regclass AND contype = 'f'"))
					.isEqualTo("customers");
				assertThat(v.physical().value("SELECT attnotnull FROM pg_attribute "
						+ "WHERE attrelid = 'customers'::regclass AND attname = 'label'")).isEqualTo(true);
				assertNoTriggerFunctionOrColumn(v.physical(), "customers");
			})
			.run();
	}

	@Test
	void renamingTwiceInOneMigrationEndsUnderTheLastName(TestDatabase database) {
		MigrationLifecycle.in(database).given(USERS_AND_ORDERS).givenRows("INSERT INTO users VALUES (1, 'alice')")
			.migration("""
					operations:
					  - rename_table: {from: users, to: clients}
					  - rename_table: {from: clients, to: customers}
					""")
			.afterStart((v) -> {
				v.next().assertFails("42P01", "DELETE FROM clients");
				v.next().execute("INSERT INTO customers VALUES (2, 'bob')");
				assertThat(names(v.previous(), "users")).containsExactly("alice", "bob");
			})
			.afterComplete((v) -> {
				assertThat(v.physical().value("SELECT to_regclass('clients')")).isNull();
				assertThat(names(v.physical(), "customers")).containsExactly("alice", "bob");
			})
			.run();
	}

	private static Object[] names(SchemaVersion version, String table) {
		return version.query("SELECT name FROM " + table + " ORDER BY id").stream().map((r) -> r.get("name")).toArray();
	}

}
