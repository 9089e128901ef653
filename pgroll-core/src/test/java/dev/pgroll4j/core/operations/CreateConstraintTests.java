package dev.pgroll4j.core.operations;

import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.pgroll4j.core.testing.MigrationLifecycle;
import dev.pgroll4j.core.testing.SchemaVersion;
import dev.pgroll4j.test.PostgresTest;
import dev.pgroll4j.test.TestDatabase;

import static dev.pgroll4j.core.testing.Leftovers.assertNoTriggerFunctionColumnOrRelation;
import static dev.pgroll4j.core.testing.Rows.row;
import static org.assertj.core.api.Assertions.assertThat;

@PostgresTest
@Tag("operations")
class CreateConstraintTests {

	private static final String ITEMS = """
			operations:
			  - create_table:
			      name: items
			      columns:
			        - {name: id, type: integer, pk: true}
			        - {name: sku, type: text}
			        - {name: region, type: text}
			        - {name: label, type: text, nullable: true}
			""";

	@Test
	void uniqueOverTwoColumnsBindsTheNewVersionWhileUpDeduplicatesOldVersionWrites(TestDatabase database) {
		MigrationLifecycle.in(database).given(ITEMS)
			.givenRows("INSERT INTO items VALUES (1, 'a', 'eu', 'first'), (2, 'a', 'eu', 'second'), (3, 'b', 'us', NULL)")
			.migration("""
					operations:
					  - create_constraint:
					      type: unique
					      table: items
					      name: items_sku_region_key
					      columns: [sku, region]
					      up:
					        sku: "sku || '-' || id"
					        region: region
					      down:
					        sku: "split_part(sku, '-', 1)"
					        region: region
					""")
			.afterStart((v) -> {
				assertThat(v.previous().columns("items")).containsExactly("id", "sku", "region", "label");
				assertThat(v.next().columns("items")).containsExactly("id", "sku", "region", "label");
				// Existing duplicates were made unique by the backfill, for the new version only.
				assertThat(skus(v.next())).containsExactly("a-1", "a-2", "b-3");
				assertThat(skus(v.previous())).containsExactly("a", "a", "b");

				v.next().execute("INSERT INTO items VALUES (4, 'c', 'eu')");
				v.next().assertFails("23505", "INSERT INTO items VALUES (5, 'c', 'eu')");
				assertThat(v.previous().value("SELECT sku FROM items WHERE id = 4")).isEqualTo("c");

				// The old version has no such constraint; up keeps its duplicates out of the new columns.
				v.previous().execute("INSERT INTO items VALUES (6, 'a', 'eu', 'third')");
				assertThat(v.next().value("SELECT sku FROM items WHERE id = 6")).isEqualTo("a-6");
				v.previous().execute("UPDATE items SET region = 'us' WHERE id = 6");
				assertThat(v.next().query("SELECT sku, region FROM items WHERE id = 6"))
					.containsExactly(row("sku", "a-6", "region", "us"));

				v.next().execute("UPDATE items SET sku = 'c-7' WHERE id = 4");
				assertThat(v.previous().value("SELECT sku FROM items WHERE id = 4")).isEqualTo("c");
				// Until complete the constraint is only the index on the copies.
				assertThat(v.physical().constraints("items")).noneMatch((c) -> c.toString().startsWith("items_sku"));
				assertThat(v.physical().indexDefinition("items_sku_region_key"))
					.endsWith("USING btree (_pgroll_new_sku, _pgroll_new_region)");
			})
			.afterRollback((v) -> {
				assertThat(skus(v.previous())).containsExactly("a", "a", "b", "c", "a");
				v.previous().execute("INSERT INTO items VALUES (8, 'a', 'eu')");
			})
			.afterComplete((v) -> {
				assertThat(v.physical().constraints("items")).containsExactly("items_pkey p true",
						"items_sku_region_key u true");
				assertThat(v.physical().constraintDefinition("items_sku_region_key")).isEqualTo("UNIQUE (sku, region)");
				assertThat(skus(v.next())).containsExactly("a-1", "a-2", "b-3", "c-4", "a-6", "a-8");
				v.next().assertFails("23505", "INSERT INTO items VALUES (10, 'a-1', 'eu')");
				v.next().execute("INSERT INTO items VALUES (11, 'a-1', 'us')");
				assertThat(v.next().columns("items")).containsExactly("id", "sku", "region", "label");
				assertThat(v.physical().columns("items")).containsExactlyInAnyOrder("id", "sku", "region", "label");
				assertNoTriggerFunctionColumnOrRelation(v.physical(), "items");
			})
			.run();
	}

	@Test
	void checkOverTwoColumnsIsSatisfiedByAFixUpInUp(TestDatabase database) {
		MigrationLifecycle.in(database).given("""
				operations:
				  - create_table:
				      name: events
				      columns:
				        - {name: id, type: integer, pk: true}
				        - {name: starts_at, type: integer}
				        - {name: ends_at, type: integer}
				""").givenRows("INSERT INTO events VALUES (1, 10, 20), (2, 30, 5)").migration("""
				operations:
				  - create_constraint:
				      type: check
				      table: events
				      name: events_period_check
				      columns: [starts_at, ends_at]
				      check: starts_at <= ends_at
				      up:
				        starts_at: least(starts_at, ends_at)
				        ends_at: greatest(starts_at, ends_at)
				      down:
				        starts_at: starts_at
				        ends_at: ends_at
				""").afterStart((v) -> {
			assertThat(periods(v.next())).containsExactly(List.of(10, 20), List.of(5, 30));
			assertThat(periods(v.previous())).containsExactly(List.of(10, 20), List.of(30, 5));
			// Validated at the end of start, once the backfill had fixed the existing rows.
			assertThat(v.physical().constraints("events")).contains("events_period_check c true");

			v.next().assertFails("23514", "INSERT INTO events VALUES (3, 50, 40)");
			v.previous().execute("INSERT INTO events VALUES (4, 50, 40)");
			assertThat(v.next().query("SELECT starts_at, ends_at FROM events WHERE id = 4"))
				.containsExactly(row("starts_at", 40, "ends_at", 50));
			assertThat(v.previous().query("SELECT starts_at, ends_at FROM events WHERE id = 4"))
				.containsExactly(row("starts_at", 50, "ends_at", 40));
			v.next().execute("INSERT INTO events VALUES (5, 1, 2)");
			assertThat(v.previous().query("SELECT starts_at, ends_at FROM events WHERE id = 5"))
				.containsExactly(row("starts_at", 1, "ends_at", 2));
			v.next().assertFails("23514", "UPDATE events SET ends_at = 0 WHERE id = 5");
		})
			.afterRollback((v) -> assertThat(periods(v.previous())).containsExactly(List.of(10, 20), List.of(30, 5),
					List.of(50, 40), List.of(1, 2)))
			.afterComplete((v) -> {
				assertThat(v.physical().constraints("events")).containsExactly("events_period_check c true",
						"events_pkey p true");
				assertThat(v.physical().constraintDefinition("events_period_check"))
					.isEqualTo("CHECK ((starts_at <= ends_at))");
				assertThat(periods(v.next())).containsExactly(List.of(10, 20), List.of(5, 30), List.of(40, 50),
						List.of(1, 2));
				v.next().assertFails("23514", "INSERT INTO events VALUES (6, 9, 8)");
				assertThat(v.next().columns("events")).containsExactly("id", "starts_at", "ends_at");
				assertNoTriggerFunctionColumnOrRelation(v.physical(), "events");
			})
			.run();
	}

	@Test
	void foreignKeyOverTwoColumnsReferencesACompositeKey(TestDatabase database) {
		MigrationLifecycle.in(database).given("""
				operations:
				  - create_table:
				      name: warehouses
				      columns:
				        - {name: region, type: text}
				        - {name: code, type: text}
				        - {name: city, type: text, nullable: true}
				      constraints:
				        - {name: warehouses_pkey, type: primary_key, columns: [region, code]}
				  - create_table:
				      name: stock
				      columns:
				        - {name: id, type: integer, pk: true}
				        - {name: wh_region, type: text}
				        - {name: wh_code, type: text, nullable: true}
				        - {name: qty, type: integer}
				""")
			.givenRows("INSERT INTO warehouses VALUES ('eu', 'a', 'Dublin'), ('us', 'b', 'Austin')",
					"INSERT INTO stock VALUES (1, 'eu', 'a', 5), (2, 'us', 'x', 7)")
			.migration("""
					operations:
					  - create_constraint:
					      type: foreign_key
					      table: stock
					      name: stock_warehouse_fk
					      columns: [wh_region, wh_code]
					      references:
					        table: warehouses
					        columns: [region, code]
					        on_delete: CASCADE
					      up:
					        wh_region: wh_region
					        wh_code: "CASE WHEN (wh_region, wh_code) IN (SELECT region, code FROM warehouses) THEN wh_code END"
					      down:
					        wh_region: wh_region
					        wh_code: wh_code
					""")
			.afterStart((v) -> {
				// A dangling reference becomes NULL, which MATCH SIMPLE does not check.
				assertThat(v.next().value("SELECT wh_code FROM stock WHERE id = 2")).isNull();
				assertThat(v.previous().value("SELECT wh_code FROM stock WHERE id = 2")).isEqualTo("x");
				assertThat(v.physical().constraints("stock")).contains("stock_warehouse_fk f true");

				v.next().assertFails("23503", "INSERT INTO stock VALUES (3, 'eu', 'zz', 1)");
				v.previous().execute("INSERT INTO stock VALUES (4, 'eu', 'zz', 1)");
				assertThat(v.next().value("SELECT wh_code FROM stock WHERE id = 4")).isNull();
				v.next().execute("INSERT INTO stock VALUES (5, 'us', 'b', 2)");
				assertThat(v.previous().query("SELECT wh_region, wh_code FROM stock WHERE id = 5"))
					.containsExactly(row("wh_region", "us", "wh_code", "b"));
			})
			.afterRollback((v) -> assertThat(v.previous().query("SELECT wh_code FROM stock ORDER BY id"))
				.extracting((r) -> r.get("wh_code"))
				.containsExactly("a", "x", "zz", "b"))
			.afterComplete((v) -> {
				assertThat(v.physical().constraints("stock")).containsExactly("stock_pkey p true",
						"stock_warehouse_fk f true");
				assertThat(v.physical().constraintDefinition("stock_warehouse_fk")).isEqualTo(
						"FOREIGN KEY (wh_region, wh_code) REFERENCES warehouses(region, code) ON DELETE CASCADE");
				assertThat(v.next().query("SELECT wh_code FROM stock ORDER BY id")).extracting((r) -> r.get("wh_code"))
					.containsExactly("a", null, null, "b");
				v.next().assertFails("23503", "INSERT INTO stock VALUES (6, 'us', 'zz', 1)");
				v.next().execute("DELETE FROM warehouses WHERE code = 'b'");
				assertThat(v.next().query("SELECT id FROM stock ORDER BY id")).extracting((r) -> r.get("id"))
					.containsExactly(1, 2, 4);
				assertNoTriggerFunctionColumnOrRelation(v.physical(), "stock");
			})
			.run();
	}

	@Test
	void primaryKeyOnATableWithoutOneMakesItsNullableColumnNotNull(TestDatabase database) {
		MigrationLifecycle.in(database)
			.givenRows("CREATE TABLE accounts (tenant text NOT NULL, number integer, label text)",
					"INSERT INTO accounts VALUES ('t1', 1, 'one'), ('t1', NULL, 'unnumbered'), ('t2', 1, 'other')")
			.migration("""
					operations:
					  - create_constraint:
					      type: primary_key
					      table: accounts
					      name: accounts_pkey
					      columns: [tenant, number]
					      up:
					        tenant: tenant
					        number: coalesce(number, 0)
					      down:
					        tenant: tenant
					        number: number
					""")
			.afterStart((v) -> {
				assertThat(v.next().columns("accounts")).containsExactly("tenant", "number", "label");
				assertThat(v.next().value("SELECT number FROM accounts WHERE label = 'unnumbered'")).isEqualTo(0);
				assertThat(v.previous().value("SELECT number FROM accounts WHERE label = 'unnumbered'")).isNull();

				// NOT NULL is a validated check until complete, the key a unique index on the copies.
				v.next().assertFails("23514", "INSERT INTO accounts VALUES ('t3', NULL, 'x')");
				v.next().assertFails("23505", "INSERT INTO accounts VALUES ('t1', 1, 'dup')");
				v.previous().execute("INSERT INTO accounts VALUES ('t3', NULL, 'old')");
				assertThat(v.next().value("SELECT number FROM accounts WHERE label = 'old'")).isEqualTo(0);
				v.next().execute("INSERT INTO accounts VALUES ('t3', 7, 'new')");
				assertThat(v.previous().value("SELECT number FROM accounts WHERE label = 'new'")).isEqualTo(7);
			})
			.afterRollback((v) -> assertThat(v.previous().value("SELECT count(*) FROM accounts WHERE number IS NULL"))
				.isEqualTo(2L))
			.afterComplete((v) -> {
				assertThat(v.physical().constraints("accounts")).containsExactly("accounts_pkey p true");
				assertThat(v.physical().constraintDefinition("accounts_pkey"))
					.isEqualTo("PRIMARY KEY (tenant, number)");
				assertThat(v.physical().value("SELECT attnotnull FROM pg_attribute WHERE attrelid = "
						+ "'accounts'::regclass AND attname = 'number'")).isEqualTo(true);
				v.next().assertFails("23502", "INSERT INTO accounts VALUES ('t9', NULL, 'x')");
				v.next().assertFails("23505", "INSERT INTO accounts VALUES ('t3', 7, 'again')");
				assertThat(v.next().value("SELECT count(*) FROM accounts WHERE number = 0")).isEqualTo(2L);
				assertThat(v.next().columns("accounts")).containsExactly("tenant", "number", "label");
				assertNoTriggerFunctionColumnOrRelation(v.physical(), "accounts");
			})
			.run();
	}

	@Test
	void indexParametersShapeTheConstraintsIndex(TestDatabase database) {
		MigrationLifecycle.in(database).given(ITEMS)
			.givenRows("INSERT INTO items VALUES (1, 'a', 'eu', 'first'), (2, 'b', 'eu', 'second')")
			.migration("""
					operations:
					  - create_constraint:
					      type: unique
					      table: items
					      name: items_sku_key
					      columns: [sku]
					      index_parameters:
					        include_columns: [label]
					        storage_parameters: fillfactor = 70
					      up: {sku: sku}
					      down: {sku: sku}
					""")
			.afterStart((v) -> {
				assertThat(v.physical().indexDefinition("items_sku_key")).contains("INCLUDE (label)")
					.contains("WITH (fillfactor='70')");
				v.next().assertFails("23505", "INSERT INTO items VALUES (3, 'a', 'us')");
			})
			.afterComplete((v) -> {
				assertThat(v.physical().constraints("items")).containsExactly("items_pkey p true",
						"items_sku_key u true");
				assertThat(v.physical().indexDefinition("items_sku_key"))
					.endsWith("USING btree (sku) INCLUDE (label) WITH (fillfactor='70')");
				v.next().assertFails("23505", "INSERT INTO items VALUES (3, 'a', 'us')");
				assertNoTriggerFunctionColumnOrRelation(v.physical(), "items");
			})
			.run();
	}

	@Test
	void includeColumnsNameColumnsAsEarlierOperationsOfTheMigrationLeftThem(TestDatabase database) {
		// "Later operations of the same migration use the new name": the include list too.
		MigrationLifecycle.in(database).given(ITEMS)
			.givenRows("INSERT INTO items VALUES (1, 'a', 'eu', 'first'), (2, 'b', 'eu', 'second')")
			.migration("""
					operations:
					  - rename_column: {table: items, from: label, to: title}
					  - create_constraint:
					      type: unique
					      table: items
					      name: items_sku_key
					      columns: [sku]
					      index_parameters:
					        include_columns: [title]
					      up: {sku: sku}
					      down: {sku: sku}
					""")
			.afterStart((v) -> {
				assertThat(v.next().columns("items")).containsExactly("id", "sku", "region", "title");
				v.next().assertFails("23505", "INSERT INTO items VALUES (3, 'a', 'us', 'x')");
			})
			.afterComplete((v) -> {
				assertThat(v.physical().indexDefinition("items_sku_key")).endsWith("USING btree (sku) INCLUDE (title)");
				assertThat(v.next().columns("items")).containsExactly("id", "sku", "region", "title");
			})
			.run();
	}

	@Test
	void constraintsOnATableCreatedInTheSameMigrationAreAddedDirectly(TestDatabase database) {
		// pgroll's example 55: create_table without a key, then create_constraint primary_key on it.
		MigrationLifecycle.in(database).given(ITEMS).migration("""
				operations:
				  - create_table:
				      name: tasks
				      columns:
				        - {name: id, type: serial}
				        - {name: title, type: varchar(255)}
				        - {name: owner, type: text, nullable: true}
				        - {name: starts, type: integer, nullable: true}
				        - {name: ends, type: integer, nullable: true}
				  - create_constraint:
				      name: tasks_pkey
				      table: tasks
				      columns: [id]
				      type: primary_key
				      up: {id: id}
				      down: {id: id}
				  - create_constraint:
				      name: tasks_title_owner_key
				      table: tasks
				      columns: [title, owner]
				      type: unique
				      up: {title: title, owner: owner}
				      down: {title: title, owner: owner}
				  - create_constraint:
				      name: tasks_period_check
				      table: tasks
				      columns: [starts, ends]
				      type: check
				      check: starts <= ends
				      up: {starts: starts, ends: ends}
				      down: {starts: starts, ends: ends}
				""").afterStart((v) -> {
			v.previous().assertFails("42P01", "SELECT * FROM tasks");
			assertThat(v.next().columns("tasks")).containsExactly("id", "title", "owner", "starts", "ends");
			// Nothing to duplicate or backfill: the constraints are on the table itself, valid at once.
			assertThat(v.physical().columns("tasks")).containsExactly("id", "title", "owner", "starts", "ends");
			assertThat(v.physical().constraints("tasks")).containsExactly("tasks_period_check c true",
					"tasks_pkey p true", "tasks_title_owner_key u true");
			v.next().execute("INSERT INTO tasks (title, owner, starts, ends) VALUES ('write', 'ann', 1, 2)");
			v.next().assertFails("23505", "INSERT INTO tasks (title, owner) VALUES ('write', 'ann')");
			v.next().assertFails("23514", "INSERT INTO tasks (title, starts, ends) VALUES ('read', 5, 1)");
			v.next().assertFails("23505", "INSERT INTO tasks (id, title) VALUES (1, 'other')");
		}).afterComplete((v) -> {
			assertThat(v.physical().constraints("tasks")).containsExactly("tasks_period_check c true",
					"tasks_pkey p true", "tasks_title_owner_key u true");
			assertThat(v.physical().constraintDefinition("tasks_pkey")).isEqualTo("PRIMARY KEY (id)");
			assertThat(v.physical().constraintDefinition("tasks_title_owner_key")).isEqualTo("UNIQUE (title, owner)");
			v.next().execute("INSERT INTO tasks (title, owner) VALUES ('write', 'ann')");
			v.next().assertFails("23505", "INSERT INTO tasks (title, owner) VALUES ('write', 'ann')");
			assertNoTriggerFunctionColumnOrRelation(v.physical(), "tasks");
		}).run();
	}

	@Test
	void upExpressionsOfSeveralColumnsSeeEachOthersOldValues(TestDatabase database) {
		// Every existing row was written with latitude and longitude swapped; up and down swap them back.
		MigrationLifecycle.in(database).given("""
				operations:
				  - create_table:
				      name: places
				      columns:
				        - {name: id, type: integer, pk: true}
				        - {name: lat, type: integer}
				        - {name: lon, type: integer}
				""").givenRows("INSERT INTO places VALUES (1, 100, 40), (2, -170, 10)").migration("""
				operations:
				  - create_constraint:
				      type: check
				      table: places
				      name: places_coordinates_check
				      columns: [lat, lon]
				      check: lat BETWEEN -90 AND 90 AND lon BETWEEN -180 AND 180
				      up: {lat: lon, lon: lat}
				      down: {lat: lon, lon: lat}
				""").afterStart((v) -> {
			assertThat(coordinates(v.next())).containsExactly(List.of(40, 100), List.of(10, -170));
			assertThat(coordinates(v.previous())).containsExactly(List.of(100, 40), List.of(-170, 10));

			v.previous().execute("INSERT INTO places VALUES (3, 170, 10)");
			assertThat(v.next().query("SELECT lat, lon FROM places WHERE id = 3"))
				.containsExactly(row("lat", 10, "lon", 170));
			// Updating one old column recomputes both copies from the old values.
			v.previous().execute("UPDATE places SET lat = 150 WHERE id = 3");
			assertThat(v.next().query("SELECT lat, lon FROM places WHERE id = 3"))
				.containsExactly(row("lat", 10, "lon", 150));

			v.next().execute("INSERT INTO places VALUES (4, 20, 120)");
			assertThat(v.previous().query("SELECT lat, lon FROM places WHERE id = 4"))
				.containsExactly(row("lat", 120, "lon", 20));
			v.next().execute("UPDATE places SET lat = -30 WHERE id = 4");
			assertThat(v.previous().query("SELECT lat, lon FROM places WHERE id = 4"))
				.containsExactly(row("lat", 120, "lon", -30));
			v.next().assertFails("23514", "INSERT INTO places VALUES (5, 100, 0)");
		})
			.afterRollback((v) -> assertThat(coordinates(v.previous())).containsExactly(List.of(100, 40),
					List.of(-170, 10), List.of(150, 10), List.of(120, -30)))
			.afterComplete((v) -> {
				assertThat(coordinates(v.next())).containsExactly(List.of(40, 100), List.of(10, -170),
						List.of(10, 150), List.of(-30, 120));
				assertThat(v.physical().constraints("places")).containsExactly("places_coordinates_check c true",
						"places_pkey p true");
				assertNoTriggerFunctionColumnOrRelation(v.physical(), "places");
			})
			.run();
	}

	@Test
	void uniqueOverAReferencedColumnKeepsTheForeignKeysOfOtherTables(TestDatabase database) {
		MigrationLifecycle.in(database).given("""
				operations:
				  - create_table:
				      name: teams
				      columns:
				        - {name: id, type: integer, pk: true}
				        - {name: code, type: text, unique: true}
				        - {name: league, type: text}
				  - create_table:
				      name: players
				      columns:
				        - {name: id, type: integer, pk: true}
				        - name: team_code
				          type: text
				          references: {name: players_team_fk, table: teams, column: code}
				""")
			.givenRows("INSERT INTO teams VALUES (1, 'red', 'north'), (2, 'blue', 'north')",
					"INSERT INTO players VALUES (1, 'red'), (2, 'blue')")
			.migration("""
					operations:
					  - create_constraint:
					      type: unique
					      table: teams
					      name: teams_league_code_key
					      columns: [league, code]
					      up: {league: league, code: code}
					      down: {league: league, code: code}
					""")
			.afterStart((v) -> {
				v.next().execute("INSERT INTO teams VALUES (3, 'green', 'south')");
				v.next().execute("INSERT INTO players VALUES (3, 'green')");
				v.previous().assertFails("23503", "INSERT INTO players VALUES (4, 'black')");
				v.next().assertFails("23505", "INSERT INTO teams VALUES (4, 'red', 'south')");
			})
			.afterComplete((v) -> {
				assertThat(v.physical().constraints("teams")).containsExactly("teams_code_key u true",
						"teams_league_code_key u true", "teams_pkey p true");
				assertThat(v.physical().constraints("players")).containsExactly("players_pkey p true",
						"players_team_fk f true");
				assertThat(v.physical().constraintDefinition("players_team_fk")).isEqualTo(
						"FOREIGN KEY (team_code) REFERENCES teams(code)");
				v.next().assertFails("23503", "INSERT INTO players VALUES (5, 'black')");
				v.next().assertFails("23503", "DELETE FROM teams WHERE code = 'green'");
				assertNoTriggerFunctionColumnOrRelation(v.physical(), "teams");
			})
			.run();
	}

	@Test
	void constraintOnAColumnRenamedEarlierInTheMigrationUsesItsNewName(TestDatabase database) {
		MigrationLifecycle.in(database).given(ITEMS)
			.givenRows("INSERT INTO items VALUES (1, 'a', 'eu', 'first'), (2, 'b', 'eu', 'second')")
			.migration("""
					operations:
					  - rename_column: {table: items, from: sku, to: code}
					  - create_constraint:
					      type: check
					      table: items
					      name: items_code_check
					      columns: [code]
					      check: length(code) >= 2
					      up: {code: "code || code"}
					      down: {code: code}
					""")
			.afterStart((v) -> {
				assertThat(v.next().columns("items")).containsExactly("id", "code", "region", "label");
				assertThat(v.next().value("SELECT code FROM items WHERE id = 1")).isEqualTo("aa");
				v.previous().execute("INSERT INTO items VALUES (3, 'c', 'us')");
				assertThat(v.next().value("SELECT code FROM items WHERE id = 3")).isEqualTo("cc");
				v.next().assertFails("23514", "INSERT INTO items VALUES (4, 'd', 'us')");
			})
			.afterComplete((v) -> {
				assertThat(v.physical().columns("items")).containsExactlyInAnyOrder("id", "code", "region", "label");
				assertThat(v.physical().constraintDefinition("items_code_check"))
					.isEqualTo("CHECK ((length(code) >= 2))");
				assertThat(v.next().query("SELECT code FROM items ORDER BY id")).extracting((r) -> r.get("code"))
					.containsExactly("aa", "bb", "cc");
				assertNoTriggerFunctionColumnOrRelation(v.physical(), "items");
			})
			.run();
	}

	private static List<Object> skus(SchemaVersion version) {
		return version.query("SELECT sku FROM items ORDER BY id").stream().map((r) -> r.get("sku")).toList();
	}

	private static List<List<Object>> periods(SchemaVersion version) {
		return version.query("SELECT starts_at, ends_at FROM events ORDER BY id")
			.stream()
			.map((r) -> List.of(r.get("starts_at"), r.get("ends_at")))
			.toList();
	}

	private static List<List<Object>> coordinates(SchemaVersion version) {
		return version.query("SELECT lat, lon FROM places ORDER BY id")
			.stream()
			.map((r) -> List.of(r.get("lat"), r.get("lon")))
			.toList();
	}

}
