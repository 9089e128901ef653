package dev.pgroll4j.core.rollout;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.pgroll4j.core.testing.MigrationLifecycle;
import dev.pgroll4j.test.PostgresTest;
import dev.pgroll4j.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Migrations of one rollout build on each other across file boundaries, each through its whole life: started
 * together (both versions read and write), rolled back (the catalog as before), started again and completed.
 */
@PostgresTest
@Tag("operations")
class RolloutCombinationTests {

	private static final String ORDERS = """
			operations:
			  - create_table:
			      name: orders
			      columns:
			        - {name: id, type: integer, pk: true}
			        - {name: status, type: text}
			        - {name: total, type: text, nullable: true}
			        - {name: note, type: text, nullable: true, check: {name: note_short, constraint: "length(note) < 50"}}
			""";

	@Test
	void tableCreatedInOneMigrationIsExtendedRetypedAndIndexedByTheNext(TestDatabase database) {
		MigrationLifecycle.in(database)
			.given(ORDERS)
			.rollout("""
					operations:
					  - create_table:
					      name: invoices
					      columns:
					        - {name: id, type: integer, pk: true}
					        - {name: amount, type: text}
					""", """
					operations:
					  - add_column: {table: invoices, column: {name: currency, type: text, default: "'EUR'"}}
					  - alter_column: {table: invoices, column: amount, type: numeric, up: "amount::numeric",
					                   down: "amount::text"}
					""", """
					operations:
					  - create_index: {table: invoices, name: invoices_currency, columns: [{column: currency}]}
					""")
			.afterStart((v) -> {
				v.previous().assertFails("42P01", "SELECT * FROM invoices");
				assertThat(v.next().columns("invoices")).containsExactly("id", "amount", "currency");
				v.next().execute("INSERT INTO invoices (id, amount) VALUES (1, 12.50)");
				assertThat(v.next().value("SELECT currency FROM invoices WHERE id = 1")).isEqualTo("EUR");
			})
			.afterComplete((v) -> {
				assertThat(v.physical().value("SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
						+ "WHERE attrelid = 'invoices'::regclass AND attname = 'amount'")).isEqualTo("numeric");
				assertThat(v.physical().indexDefinition("invoices_currency")).endsWith("USING btree (currency)");
			})
			.run();
	}

	@Test
	void columnWhoseCheckIsDroppedInOneMigrationIsDroppedInTheNext(TestDatabase database) {
		MigrationLifecycle.in(database)
			.given(ORDERS)
			.givenRows("INSERT INTO orders VALUES (1, 'open', '10', 'fragile')")
			.rollout("""
					operations:
					  - drop_constraint: {table: orders, name: note_short, up: "left(note, 49)", down: "note"}
					""", """
					operations:
					  - drop_column: {table: orders, column: note}
					""")
			.afterStart((v) -> {
				assertThat(v.previous().columns("orders")).containsExactly("id", "status", "total", "note");
				assertThat(v.next().columns("orders")).containsExactly("id", "status", "total");
				v.previous().assertFails("23514", "INSERT INTO orders VALUES (2, 'open', '1', repeat('x', 60))");
				v.previous().execute("INSERT INTO orders VALUES (3, 'open', '1', 'short')");
				v.next().execute("INSERT INTO orders VALUES (4, 'new', '2')");
				assertThat(v.previous().value("SELECT note FROM orders WHERE id = 4")).isNull();
				assertThat(v.next().value("SELECT count(*) FROM orders")).isEqualTo(3L);
			})
			.afterComplete((v) -> assertThat(v.physical().columns("orders")).containsExactly("id", "status", "total"))
			.run();
	}

	@Test
	void tableRenamedThenItsColumnRenamedThenRetypedUnderTheNewNames(TestDatabase database) {
		MigrationLifecycle.in(database)
			.given(ORDERS)
			.givenRows("INSERT INTO orders VALUES (1, 'open', '10', 'a')")
			.rollout("""
					operations:
					  - rename_table: {from: orders, to: purchases}
					""", """
					operations:
					  - rename_column: {table: purchases, from: total, to: amount}
					""", """
					operations:
					  - alter_column: {table: purchases, column: amount, type: integer, up: "amount::integer",
					                   down: "amount::text"}
					""")
			.afterStart((v) -> {
				assertThat(v.next().value("SELECT amount FROM purchases WHERE id = 1")).isEqualTo(10);
				v.previous().execute("INSERT INTO orders VALUES (2, 'open', '25', 'b')");
				assertThat(v.next().value("SELECT amount FROM purchases WHERE id = 2")).isEqualTo(25);
				v.next().execute("INSERT INTO purchases VALUES (3, 'new', 7, 'c')");
				assertThat(v.previous().value("SELECT total FROM orders WHERE id = 3")).isEqualTo("7");
			})
			.afterComplete((v) -> {
				assertThat(v.physical().columns("purchases")).containsExactly("id", "status", "note", "amount");
				assertThat(v.next().query("SELECT amount FROM purchases ORDER BY id"))
					.extracting((row) -> row.get("amount")).containsExactly(10, 25, 7);
			})
			.run();
	}

	@Test
	void columnMadeNotNullInOneMigrationGetsADefaultInTheNext(TestDatabase database) {
		MigrationLifecycle.in(database)
			.given(ORDERS)
			.givenRows("INSERT INTO orders VALUES (1, 'open', NULL, 'a')")
			.rollout("""
					operations:
					  - alter_column: {table: orders, column: total, nullable: false, up: "coalesce(total, '0')",
					                   down: "total"}
					""", """
					operations:
					  - alter_column: {table: orders, column: total, default: "'0'"}
					""")
			.afterStart((v) -> {
				assertThat(v.next().value("SELECT total FROM orders WHERE id = 1")).isEqualTo("0");
				v.next().execute("INSERT INTO orders (id, status) VALUES (2, 'new')");
				assertThat(v.previous().value("SELECT total FROM orders WHERE id = 2")).isEqualTo("0");
				v.next().assertFails("23514", "INSERT INTO orders (id, status, total) VALUES (3, 'new', NULL)");
			})
			.afterComplete((v) -> {
				assertThat(v.physical().value("SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef JOIN pg_attribute "
						+ "ON attrelid = adrelid AND attnum = adnum WHERE adrelid = 'orders'::regclass "
						+ "AND attname = 'total'")).isEqualTo("'0'::text");
				v.next().assertFails("23502", "INSERT INTO orders (id, status, total) VALUES (4, 'new', NULL)");
			})
			.run();
	}

}
