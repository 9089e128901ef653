package dev.pgroll4j.core;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.pgroll4j.core.testing.MigrationLifecycle;
import dev.pgroll4j.test.PostgresTest;
import dev.pgroll4j.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The backfill computes {@code up} in its own UPDATE and the table's sync triggers stand aside for that statement.
 * They must still run for every other write, including the writes the backfill's UPDATE causes through the
 * application's own triggers, and the trigger must still do the work where one UPDATE cannot.
 */
@PostgresTest
@Tag("operations")
class BackfillComputesUpTests {

	private static final String ORDERS_AND_AUDIT = """
			operations:
			  - create_table:
			      name: orders
			      columns:
			        - {name: id, type: integer, pk: true}
			        - {name: amount, type: text}
			  - create_table:
			      name: audit
			      columns:
			        - {name: id, type: serial, pk: true}
			        - {name: order_id, type: integer}
			        - {name: amount, type: text}
			""";

	@Test
	void rowsTheBackfillCausesInAnotherMigratedTableGetTheirUpValues(TestDatabase database) {
		MigrationLifecycle.in(database)
			.given(ORDERS_AND_AUDIT)
			.givenRows("INSERT INTO orders SELECT g, (g * 10)::text FROM generate_series(1, 20) g",
					"CREATE FUNCTION audit_order() RETURNS trigger LANGUAGE plpgsql AS "
							+ "'BEGIN INSERT INTO audit (order_id, amount) VALUES (NEW.id, NEW.amount); RETURN NULL; END'",
					"CREATE TRIGGER audit_order AFTER UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION audit_order()")
			// audit is backfilled first, so only its trigger can fill the rows the orders backfill adds to it.
			.migration("""
					operations:
					  - alter_column: {table: audit, column: amount, type: integer, up: "CAST(amount AS integer)", down: "CAST(amount AS text)"}
					  - alter_column: {table: orders, column: amount, type: integer, up: "CAST(amount AS integer)", down: "CAST(amount AS text)"}
					""")
			.configure((builder) -> builder.backfillBatchSize(7))
			.afterStart((v) -> {
				assertThat(v.next().value("SELECT sum(amount) FROM orders")).isEqualTo(2100L);
				assertThat(v.next().value("SELECT count(*) FROM audit")).isEqualTo(20L);
				assertThat(v.next().value("SELECT count(*) FROM audit WHERE amount = order_id * 10")).isEqualTo(20L);
				assertThat(v.physical().value("SELECT count(*) FROM audit WHERE _pgroll_needs_backfill")).isEqualTo(0L);
			})
			.afterComplete((v) -> assertThat(v.next().value("SELECT count(*) FROM audit WHERE amount = order_id * 10"))
				.isEqualTo(40L))
			.run();
	}

	@Test
	void aRowTheBackfillsOwnTriggersRewriteInTheSameTableIsSyncedAgain(TestDatabase database) {
		MigrationLifecycle lifecycle = MigrationLifecycle.in(database);
		lifecycle
			.given(ORDERS_AND_AUDIT)
			.givenRows("INSERT INTO orders SELECT g, (g * 10)::text FROM generate_series(1, 9) g",
					// When the backfill reaches order 9 it changes order 1, which an earlier batch already filled.
					"CREATE FUNCTION correct_first() RETURNS trigger LANGUAGE plpgsql AS "
							+ "'BEGIN UPDATE orders SET amount = ''1000'' WHERE id = 1; RETURN NULL; END'",
					"CREATE TRIGGER correct_first AFTER UPDATE ON orders FOR EACH ROW WHEN (NEW.id = 9) "
							+ "EXECUTE FUNCTION correct_first()")
			.migration("""
					operations:
					  - alter_column: {table: orders, column: amount, type: integer, up: "CAST(amount AS integer)", down: "CAST(amount AS text)"}
					""")
			.configure((builder) -> builder.backfillBatchSize(2))
			.afterStart((v) -> {
				assertThat(v.previous().value("SELECT amount FROM orders WHERE id = 1")).isEqualTo("1000");
				assertThat(v.next().value("SELECT amount FROM orders WHERE id = 1")).isEqualTo(1000);
				assertThat(v.next().value("SELECT sum(amount) FROM orders")).isEqualTo(1440L);
			})
			.run();
		assertThat(lifecycle.version(lifecycle.schema()).value("SELECT amount FROM orders WHERE id = 1"))
			.isEqualTo(1000);
	}

	@Test
	void anUpThatReadsAColumnRenamedInTheSameMigrationIsLeftToTheTrigger(TestDatabase database) {
		MigrationLifecycle.in(database)
			.given(ORDERS_AND_AUDIT)
			.givenRows("INSERT INTO orders SELECT g, (g * 10)::text FROM generate_series(1, 25) g")
			.migration("""
					operations:
					  - rename_column: {table: orders, from: amount, to: total}
					  - alter_column: {table: orders, column: total, type: bigint, up: "CAST(total AS bigint) + 1", down: "CAST(total - 1 AS text)"}
					""")
			.configure((builder) -> builder.backfillBatchSize(10))
			.afterStart((v) -> {
				assertThat(v.next().value("SELECT sum(total)::bigint FROM orders")).isEqualTo(3275L);
				assertThat(v.previous().value("SELECT amount FROM orders WHERE id = 3")).isEqualTo("30");
			})
			.afterComplete((v) -> assertThat(v.next().value("SELECT sum(total)::bigint FROM orders")).isEqualTo(3275L))
			.run();
	}

	@ParameterizedTest(name = "id {0}")
	@ValueSource(strings = { "integer, pk: true", "integer" })
	void anUpWithAQuestionMarkOperatorIsComputedByTheBackfill(String id, TestDatabase database) {
		// The batch statement must not take the jsonb operator ? for a bind parameter, whether its batches are key
		// ranges or, without a key, page ranges.
		MigrationLifecycle.in(database)
			.given("""
					operations:
					  - create_table:
					      name: events
					      columns:
					        - {name: id, type: %s}
					        - {name: data, type: jsonb}
					""".formatted(id))
			.givenRows("INSERT INTO events SELECT g, CASE WHEN g % 2 = 0 THEN '{\"k\": 1}' ELSE '{}' END::jsonb "
					+ "FROM generate_series(1, 30) g")
			.migration("""
					operations:
					  - add_column: {table: events, up: "data ? 'k'", column: {name: has_k, type: boolean, nullable: true}}
					""")
			.configure((builder) -> builder.backfillBatchSize(7))
			.afterStart((v) -> assertThat(v.next().value("SELECT count(*) FROM events WHERE has_k")).isEqualTo(15L))
			.afterComplete((v) -> assertThat(v.next().value("SELECT count(*) FROM events WHERE NOT has_k"))
				.isEqualTo(15L))
			.run();
	}

}
