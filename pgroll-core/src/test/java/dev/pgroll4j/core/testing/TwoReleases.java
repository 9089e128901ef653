package dev.pgroll4j.core.testing;

import java.util.List;

import dev.pgroll4j.core.migration.Migration;

/**
 * Two releases of one application, as the rollout tests ship them: release 1 creates a table; release 2 ships five
 * migrations that each build on the ones before (a NOT NULL column added with up is renamed, then retyped; a column
 * is dropped with a down that reads it; a check is added whose up rewrites rows).
 */
public final class TwoReleases {

	/** Release 1: one migration. */
	public static final Migration RELEASE_1 = MigrationLifecycle.yaml("r1_01_items", """
			operations:
			  - create_table:
			      name: items
			      columns:
			        - {name: id, type: integer, pk: true}
			        - {name: name, type: text}
			        - {name: price, type: text, nullable: true}
			        - {name: legacy, type: text}
			""");

	/** Release 2: five migrations, started as one rollout. */
	public static final List<Migration> RELEASE_2 = List.of(
			MigrationLifecycle.yaml("r2_01_sku", """
					operations:
					  - add_column:
					      table: items
					      up: "'SKU-' || id"
					      column: {name: sku, type: text, nullable: false}
					"""),
			MigrationLifecycle.yaml("r2_02_rename", """
					operations:
					  - rename_column: {table: items, from: sku, to: code}
					"""),
			MigrationLifecycle.yaml("r2_03_retype", """
					operations:
					  - alter_column:
					      table: items
					      column: code
					      type: varchar(40)
					      up: "code::varchar(40)"
					      down: "code::text"
					"""),
			MigrationLifecycle.yaml("r2_04_drop", """
					operations:
					  - drop_column: {table: items, column: legacy, down: "'legacy-' || code"}
					"""),
			MigrationLifecycle.yaml("r2_05_check", """
					operations:
					  - create_constraint:
					      table: items
					      name: name_length
					      type: check
					      columns: [name]
					      check: "length(name) <= 20"
					      up: {name: "left(name, 20)"}
					      down: {name: "name"}
					"""));

	private TwoReleases() {
	}

}
