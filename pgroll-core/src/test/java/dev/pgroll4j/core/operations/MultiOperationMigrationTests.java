package dev.pgroll4j.core.operations;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.pgroll4j.core.testing.MigrationLifecycle;
import dev.pgroll4j.test.PostgresTest;
import dev.pgroll4j.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;

/** Operations that build on each other in one migration, and the version schemas every migration creates. */
@PostgresTest
@Tag("operations")
class MultiOperationMigrationTests {

	private static final String PEOPLE = """
			operations:
			  - create_table:
			      name: people
			      columns:
			        - {name: id, type: integer, pk: true}
			        - {name: first, type: text, nullable: true}
			        - {name: last, type: text, nullable: true}
			        - {name: legacy, type: text, nullable: true}
			""";

	@Test
	void tableCreatedThenExtendedThenIndexedIsOneNewTableForTheNewVersion(TestDatabase database) {
		MigrationLifecycle.in(database)
			.given(PEOPLE)
			.migration("""
					operations:
					  - create_table:
					      name: gadgets
					      columns:
					        - {name: id, type: integer, pk: true}
					        - {name: label, type: text}
					  - add_column:
					      table: gadgets
					      column: {name: color, type: text, default: "'red'"}
					  - create_index:
					      table: gadgets
					      name: gadgets_color_label_key
					      unique: true
					      columns: [{column: color}, {column: label}]
					""")
			.afterStart((v) -> {
				assertThat(v.next().columns("gadgets")).containsExactly("id", "label", "color");
				v.next().execute("INSERT INTO gadgets (id, label) VALUES (1, 'lamp')");
				assertThat(v.next().value("SELECT color FROM gadgets WHERE id = 1")).isEqualTo("red");
				v.next().assertFails("23505", "INSERT INTO gadgets VALUES (2, 'lamp', 'red')");
				v.next().execute("INSERT INTO gadgets VALUES (3, 'lamp', 'blue')");
				v.previous().assertFails("42P01", "SELECT * FROM gadgets");
			})
			.afterComplete((v) -> {
				assertThat(v.physical().columns("gadgets")).containsExactly("id", "label", "color");
				assertThat(v.next().columns("gadgets")).containsExactly("id", "label", "color");
				assertThat(v.physical().indexDefinition("gadgets_color_label_key"))
					.endsWith("USING btree (color, label)");
				// Rollback dropped the table with the rows written above; this one is the first of its kind.
				v.next().execute("INSERT INTO gadgets VALUES (4, 'lamp', 'blue')");
				v.next().assertFails("23505", "INSERT INTO gadgets VALUES (5, 'lamp', 'blue')");
			})
			.run();
	}

	@Test
	void tableRenamedThenGivenAColumnUnderItsNewName(TestDatabase database) {
		MigrationLifecycle.in(database)
			.given(PEOPLE)
			.givenRows("INSERT INTO people VALUES (1, 'ada', 'lovelace', 'x')")
			.migration("""
					operations:
					  - rename_table: {from: people, to: persons}
					  - add_column:
					      table: persons
					      up: "'P-' || id"
					      column: {name: code, type: text}
					""")
			.afterStart((v) -> {
				assertThat(v.previous().columns("people")).containsExactly("id", "first", "last", "legacy");
				assertThat(v.next().columns("persons")).containsExactly("id", "first", "last", "legacy", "code");
				v.next().assertFails("42P01", "SELECT * FROM people");
				assertThat(v.next().value("SELECT code FROM persons WHERE id = 1")).isEqualTo("P-1");
				v.previous().execute("INSERT INTO people VALUES (2, 'alan', 'turing', 'y')");
				assertThat(v.next().value("SELECT code FROM persons WHERE id = 2")).isEqualTo("P-2");
				v.next().execute("INSERT INTO persons VALUES (3, 'grace', 'hopper', 'z', 'custom')");
				assertThat(v.previous().value("SELECT first FROM people WHERE id = 3")).isEqualTo("grace");
			})
			.afterComplete((v) -> {
				assertThat(v.physical().columns("persons")).containsExactly("id", "first", "last", "legacy", "code");
				assertThat(v.physical().value("SELECT to_regclass('people') IS NULL")).isEqualTo(true);
				// Rollback dropped the new column; the second start's backfill recomputed it for every row.
				assertThat(v.next().query("SELECT code FROM persons ORDER BY id")).extracting((row) -> row.get("code"))
					.containsExactly("P-1", "P-2", "P-3");
				assertThat(v.physical().value("SELECT attnotnull FROM pg_attribute "
						+ "WHERE attrelid = 'persons'::regclass AND attname = 'code'")).isEqualTo(true);
			})
			.run();
	}

	@Test
	void columnRenamedThenAnotherDroppedWithADownThatUsesTheNewName(TestDatabase database) {
		MigrationLifecycle.in(database)
			.given(PEOPLE)
			.givenRows("ALTER TABLE people ALTER COLUMN legacy SET NOT NULL",
					"INSERT INTO people VALUES (1, 'ada', 'lovelace', 'x')")
			.migration("""
					operations:
					  - rename_column: {table: people, from: first, to: given_name}
					  - drop_column: {table: people, column: legacy, down: "'from ' || given_name"}
					""")
			.afterStart((v) -> {
				assertThat(v.previous().columns("people")).containsExactly("id", "first", "last", "legacy");
				assertThat(v.next().columns("people")).containsExactly("id", "given_name", "last");
				v.next().execute("INSERT INTO people VALUES (2, 'alan', 'turing')");
				assertThat(v.previous().value("SELECT legacy FROM people WHERE id = 2")).isEqualTo("from alan");
				v.previous().execute("INSERT INTO people VALUES (3, 'grace', 'hopper', 'old')");
				assertThat(v.next().value("SELECT given_name FROM people WHERE id = 3")).isEqualTo("grace");
			})
			.afterComplete((v) -> {
				assertThat(v.physical().columns("people")).containsExactly("id", "given_name", "last");
				assertThat(v.next().columns("people")).containsExactly("id", "given_name", "last");
			})
			.run();
	}

	@Test
	void columnAddedAndAnotherDroppedOnOneTableKeepBothDirectionsInSync(TestDatabase database) {
		MigrationLifecycle.in(database)
			.given(PEOPLE)
			.givenRows("ALTER TABLE people ALTER COLUMN last SET NOT NULL",
					"INSERT INTO people VALUES (1, 'ada', 'lovelace', 'x')")
			.migration("""
					operations:
					  - add_column:
					      table: people
					      up: first || ' ' || last
					      column: {name: full_name, type: text}
					  - drop_column:
					      table: people
					      column: last
					      down: split_part(full_name, ' ', 2)
					""")
			.afterStart((v) -> {
				// One sync trigger per direction.
				assertThat(v.physical().query("SELECT tgname FROM pg_trigger WHERE tgrelid = 'people'::regclass "
						+ "AND NOT tgisinternal ORDER BY tgname"))
					.containsExactly(Map.of("tgname", "_pgroll_trigger_people"),
							Map.of("tgname", "_pgroll_write_down_people"));
				assertThat(v.next().columns("people")).containsExactly("id", "first", "legacy", "full_name");
				assertThat(v.next().value("SELECT full_name FROM people WHERE id = 1")).isEqualTo("ada lovelace");
				// Old-version writes run up, new-version writes run down, through the same trigger.
				v.previous().execute("INSERT INTO people VALUES (2, 'alan', 'turing', 'y')");
				assertThat(v.next().value("SELECT full_name FROM people WHERE id = 2")).isEqualTo("alan turing");
				v.next().execute("INSERT INTO people VALUES (3, 'grace', 'z', 'grace hopper')");
				assertThat(v.previous().value("SELECT last FROM people WHERE id = 3")).isEqualTo("hopper");
				v.previous().execute("UPDATE people SET last = 'byron' WHERE id = 1");
				assertThat(v.next().value("SELECT full_name FROM people WHERE id = 1")).isEqualTo("ada byron");
			})
			.afterRollback((v) -> assertThat(v.physical().columns("people"))
				.containsExactly("id", "first", "last", "legacy"))
			.afterComplete((v) -> {
				assertThat(v.physical().columns("people")).containsExactly("id", "first", "legacy", "full_name");
				assertThat(v.next().query("SELECT full_name FROM people ORDER BY id"))
					.extracting((row) -> row.get("full_name"))
					.containsExactly("ada byron", "alan turing", "grace hopper");
				assertThat(v.physical().value("SELECT count(*) FROM pg_trigger "
						+ "WHERE tgrelid = 'people'::regclass AND NOT tgisinternal")).isEqualTo(0L);
			})
			.run();
	}

	@Test
	void columnRetypedTwiceIsCarriedThroughBothChangesInBothDirections(TestDatabase database) {
		MigrationLifecycle.in(database)
			.given(PEOPLE)
			.givenRows("INSERT INTO people VALUES (1, 'ada', 'lovelace', '12')")
			.migration("""
					operations:
					  - alter_column: {table: people, column: legacy, type: integer, up: "legacy::integer",
					                   down: "legacy::text"}
					  - alter_column: {table: people, column: legacy, type: bigint, up: "legacy * 100",
					                   down: "(legacy / 100)::integer"}
					""")
			.afterStart((v) -> {
				// The second change copies the first's copy under a name of its own.
				assertThat(v.physical().columns("people")).containsExactly("id", "first", "last", "legacy",
						"_pgroll_new_legacy", "_pgroll_new_legacy_2", "_pgroll_needs_backfill");
				assertThat(v.next().value("SELECT legacy FROM people WHERE id = 1")).isEqualTo(1200L);
				v.previous().execute("INSERT INTO people VALUES (2, 'alan', 'turing', '7')");
				assertThat(v.next().value("SELECT legacy FROM people WHERE id = 2")).isEqualTo(700L);
				// New-version writes run the downs last change first.
				v.next().execute("INSERT INTO people VALUES (3, 'grace', 'hopper', 500)");
				assertThat(v.previous().value("SELECT legacy FROM people WHERE id = 3")).isEqualTo("5");
				v.next().execute("UPDATE people SET legacy = 900 WHERE id = 1");
				assertThat(v.previous().value("SELECT legacy FROM people WHERE id = 1")).isEqualTo("9");
			})
			.afterRollback((v) -> assertThat(v.physical().columns("people"))
				.containsExactly("id", "first", "last", "legacy"))
			.afterComplete((v) -> {
				assertThat(v.physical().columns("people")).containsExactly("id", "first", "last", "legacy");
				assertThat(v.physical().value("SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
						+ "WHERE attrelid = 'people'::regclass AND attname = 'legacy'")).isEqualTo("bigint");
				assertThat(v.next().query("SELECT legacy FROM people ORDER BY id")).extracting((row) -> row.get("legacy"))
					.containsExactly(900L, 700L, 500L);
			})
			.run();
	}

	@Test
	void columnAddedThenGivenACheckIsOneConstrainedColumnForTheNewVersion(TestDatabase database) {
		MigrationLifecycle.in(database)
			.given(PEOPLE)
			.givenRows("INSERT INTO people VALUES (1, 'ada', 'lovelace', 'x')")
			.migration("""
					operations:
					  - add_column:
					      table: people
					      up: "upper(first)"
					      column: {name: code, type: text, nullable: false}
					  - create_constraint:
					      table: people
					      name: code_short
					      type: check
					      columns: [code]
					      check: "length(code) <= 4"
					      up: {code: "left(code, 4)"}
					      down: {code: "code"}
					""")
			.afterStart((v) -> {
				assertThat(v.next().value("SELECT code FROM people WHERE id = 1")).isEqualTo("ADA");
				v.previous().execute("INSERT INTO people VALUES (2, 'grace', 'hopper', 'y')");
				assertThat(v.next().value("SELECT code FROM people WHERE id = 2")).isEqualTo("GRAC");
				v.next().assertFails("23514", "INSERT INTO people VALUES (3, 'alan', 'turing', 'y', 'TOO LONG')");
				v.next().assertFails("23514", "INSERT INTO people VALUES (3, 'alan', 'turing', 'y', NULL)");
			})
			.afterRollback((v) -> assertThat(v.physical().columns("people"))
				.containsExactly("id", "first", "last", "legacy"))
			.afterComplete((v) -> {
				assertThat(v.physical().columns("people")).containsExactly("id", "first", "last", "legacy", "code");
				assertThat(v.physical().constraintValidity("people")).contains("code_short c valid");
				assertThat(v.physical().value("SELECT attnotnull FROM pg_attribute "
						+ "WHERE attrelid = 'people'::regclass AND attname = 'code'")).isEqualTo(true);
				v.next().assertFails("23514", "INSERT INTO people VALUES (4, 'x', 'y', 'z', 'LONGER')");
			})
			.run();
	}

	@Test
	void columnAddedToAnExistingTableCanBeIndexedInTheSameMigration(TestDatabase database) {
		MigrationLifecycle.in(database)
			.given(PEOPLE)
			.givenRows("INSERT INTO people SELECT g, 'f' || g, 'l' || g, 'x' FROM generate_series(1, 50) g")
			.migration("""
					operations:
					  - add_column:
					      table: people
					      up: lower(first || last)
					      column: {name: handle, type: text}
					  - create_index:
					      table: people
					      name: people_handle_key
					      unique: true
					      columns: [{column: handle}]
					""")
			.afterStart((v) -> {
				assertThat(v.physical().value("SELECT indisvalid FROM pg_index WHERE indexrelid = 'people_handle_key'::regclass"))
					.isEqualTo(true);
				assertThat(v.next().value("SELECT count(DISTINCT handle) FROM people")).isEqualTo(50L);
				// The old version does not see handle, but the value up derives for its write must still be unique.
				v.previous().assertFails("23505", "INSERT INTO people VALUES (51, 'F1', 'L1', 'x')");
				v.next().assertFails("23505", "INSERT INTO people VALUES (52, 'a', 'b', 'x', 'f2l2')");
			})
			.afterComplete((v) -> assertThat(v.physical().indexDefinition("people_handle_key"))
				.endsWith("USING btree (handle)"))
			.run();
	}

	// Version schemas.

	@Test
	void bothVersionSchemasExistDuringAMigrationAndOnlyOneBeforeAndAfter(TestDatabase database) {
		MigrationLifecycle lifecycle = MigrationLifecycle.in(database);
		String schema = lifecycle.schema();
		lifecycle.given(PEOPLE)
			.migration("""
					operations:
					  - rename_column: {table: people, from: legacy, to: old}
					""")
			.afterStart((v) -> assertThat(versionSchemas(database, schema))
				.containsExactly(schema + "_000_setup", schema + "_500_under_test"))
			.afterRollback((v) -> assertThat(versionSchemas(database, schema)).containsExactly(schema + "_000_setup"))
			.afterComplete((v) -> assertThat(versionSchemas(database, schema))
				.containsExactly(schema + "_500_under_test"))
			.run();
	}

	@Test
	void versionSchemaKeyNamesTheVersionSchemaInsteadOfTheMigrationName(TestDatabase database) {
		MigrationLifecycle lifecycle = MigrationLifecycle.in(database);
		String schema = lifecycle.schema();
		lifecycle.given(PEOPLE)
			.migration("""
					version_schema: v2
					operations:
					  - rename_column: {table: people, from: legacy, to: old}
					""")
			.afterStart((v) -> {
				assertThat(v.next().schema()).isEqualTo(schema + "_v2");
				assertThat(versionSchemas(database, schema)).containsExactly(schema + "_000_setup", schema + "_v2");
				assertThat(v.next().columns("people")).containsExactly("id", "first", "last", "old");
			})
			.afterComplete((v) -> assertThat(versionSchemas(database, schema)).containsExactly(schema + "_v2"))
			.run();
	}

	@Test
	void viewsShowColumnsInTableOrderWhateverTheOperationsDid(TestDatabase database) {
		MigrationLifecycle.in(database)
			.given(PEOPLE)
			.migration("""
					operations:
					  - add_column:
					      table: people
					      column: {name: age, type: integer, nullable: true}
					  - rename_column: {table: people, from: first, to: given_name}
					  - drop_column: {table: people, column: last}
					  - add_column:
					      table: people
					      column: {name: email, type: text, nullable: true}
					""")
			.afterStart((v) -> {
				assertThat(v.previous().columns("people")).containsExactly("id", "first", "last", "legacy");
				assertThat(v.next().columns("people")).containsExactly("id", "given_name", "legacy", "age", "email");
			})
			.afterComplete((v) -> {
				assertThat(v.next().columns("people")).containsExactly("id", "given_name", "legacy", "age", "email");
				assertThat(v.physical().columns("people")).containsExactly("id", "given_name", "legacy", "age",
						"email");
			})
			.run();
	}

	@Test
	void viewsRespectTheCallersPrivilegesFromPostgres15(TestDatabase database) {
		MigrationLifecycle lifecycle = MigrationLifecycle.in(database);
		String schema = lifecycle.schema();
		// security_invoker exists from PostgreSQL 15; without it row-level security would not apply through views.
		String expected = (database.serverMajorVersion() >= 15) ? "security_invoker=true" : null;
		lifecycle.given(PEOPLE)
			.migration("""
					operations:
					  - create_table:
					      name: gadgets
					      columns: [{name: id, type: integer, pk: true}]
					  - sql:
					      up: ALTER TABLE people ADD COLUMN note text
					      onComplete: true
					""")
			.afterStart((v) -> {
				List<Map<String, Object>> views = viewOptions(database, schema);
				assertThat(views).extracting((row) -> row.get("view"))
					.containsExactly(schema + "_000_setup.people", schema + "_500_under_test.gadgets",
							schema + "_500_under_test.people");
				assertThat(views).extracting((row) -> row.get("options")).containsOnly(expected);
			})
			.afterComplete((v) -> {
				// The people view was recreated at complete to show the column the SQL added.
				assertThat(v.next().columns("people")).containsExactly("id", "first", "last", "legacy", "note");
				assertThat(viewOptions(database, schema)).extracting((row) -> row.get("options"))
					.hasSize(2)
					.containsOnly(expected);
			})
			.run();
	}

	private static List<String> versionSchemas(TestDatabase database, String schema) {
		return database
			.queryForList("SELECT nspname FROM pg_namespace WHERE starts_with(nspname, ? || '_') ORDER BY 1", schema)
			.stream()
			.map((row) -> (String) row.get("nspname"))
			.toList();
	}

	private static List<Map<String, Object>> viewOptions(TestDatabase database, String schema) {
		return database.queryForList("""
				SELECT n.nspname || '.' || c.relname AS view, array_to_string(c.reloptions, ',') AS options
				FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
				WHERE c.relkind = 'v' AND starts_with(n.nspname, ? || '_')
				ORDER BY 1
				""", schema);
	}

}
