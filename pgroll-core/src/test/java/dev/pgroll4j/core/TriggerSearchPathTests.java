package dev.pgroll4j.core;

import java.util.stream.Stream;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.pgroll4j.core.testing.MigrationLifecycle;
import dev.pgroll4j.core.testing.SchemaVersion;
import dev.pgroll4j.test.PostgresTest;
import dev.pgroll4j.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sync trigger switches {@code search_path} to the migrated schema around {@code up} and {@code down} only
 * when an expression needs it: the switch costs more per row than the rest of the trigger together (see
 * docs/benchmarks.md). Either way, clients of both versions get the same values.
 */
@PostgresTest
@Tag("operations")
class TriggerSearchPathTests {

	private static final String ITEMS = """
			operations:
			  - create_table:
			      name: items
			      columns:
			        - {name: id, type: integer, pk: true}
			        - {name: qty, type: integer}
			""";

	private static final String ADD_DOUBLE = """
			operations:
			  - add_column:
			      table: items
			      up: %s
			      column: {name: twice, type: integer}
			""";

	static Stream<Arguments> expressions() {
		return Stream.of(
				// Columns and built-ins only: runs on the client's path.
				Arguments.of("qty * 2", "SELECT 1", false),
				// The old version's clients have only their version schema on the path, where the function is not.
				Arguments.of("double_it(qty)",
						"CREATE FUNCTION double_it(i integer) RETURNS integer LANGUAGE sql AS 'SELECT i * 2'", true),
				// A function of the schema could win an overload that pg_catalog alone resolves differently.
				Arguments.of("qty * 2", "CREATE FUNCTION abs(i bigint) RETURNS bigint LANGUAGE sql AS 'SELECT 1::bigint'",
						true));
	}

	@ParameterizedTest(name = "up {0} after {1}: switches {2}")
	@MethodSource("expressions")
	void theTriggerSwitchesThePathOnlyWhenANameNeedsItAndClientsGetTheSameValueEitherWay(String up, String setup,
			boolean switches, TestDatabase database) {
		MigrationLifecycle lifecycle = MigrationLifecycle.in(database).given(ITEMS).givenRows(setup);
		String trigger = startWithUp(lifecycle, up);
		assertThat(trigger.contains("'search_path'")).as(trigger).isEqualTo(switches);
		assertThat(insertThroughTheOldVersionAndReadTwice(lifecycle)).isEqualTo(42);
	}

	/** Starts a migration adding {@code twice} with this up; returns the source of the table's sync trigger. */
	private static String startWithUp(MigrationLifecycle lifecycle, String up) {
		lifecycle.prepare().start(MigrationLifecycle.yaml("01_twice", ADD_DOUBLE.formatted(up)));
		return triggerSource(lifecycle);
	}

	private static String triggerSource(MigrationLifecycle lifecycle) {
		return (String) lifecycle.version(lifecycle.schema())
			.value("SELECT prosrc FROM pg_proc WHERE proname = '_pgroll_trigger_items' "
					+ "AND pronamespace = current_schema()::regnamespace");
	}

	/** Inserts through the last completed version (old clients) and reads the new column through the new one. */
	private static Object insertThroughTheOldVersionAndReadTwice(MigrationLifecycle lifecycle) {
		SchemaVersion physical = lifecycle.version(lifecycle.schema());
		Object completed = physical.value("SELECT name FROM pgroll.migrations WHERE schema = current_schema() "
				+ "AND done ORDER BY created_at DESC LIMIT 1");
		lifecycle.version(lifecycle.schema() + "_" + completed).execute("INSERT INTO items VALUES (7, 21)");
		return lifecycle.version(lifecycle.schema() + "_01_twice").value("SELECT twice FROM items WHERE id = 7");
	}

}
