package dev.pgroll4j.core.reliability;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The migrations run under traffic: every operation kind, every {@code alter_column} change, and a release's several
 * migrations as one rollout, each on a table of {@value #ROWS} rows. Each scenario states in Java what its
 * {@code up} and {@code down} do, so the model knows what clients of either version must read.
 */
final class Scenarios {

	static final int ROWS = 50_000;

	/** {@code items(id, name, qty, note)} plus the given column lines (YAML flow maps). */
	private static String items(String... extraColumns) {
		StringBuilder yaml = new StringBuilder("""
				operations:
				  - create_table:
				      name: items
				      columns:
				        - {name: id, type: integer, pk: true}
				        - {name: name, type: text}
				        - {name: qty, type: integer}
				        - {name: note, type: text, nullable: true}
				""");
		for (String column : extraColumns) {
			yaml.append("        - ").append(column).append('\n');
		}
		return yaml.toString();
	}

	/** Loads the rows of {@link #items}, with the extra columns' values as SQL over {@code g}, the row number. */
	private static String itemRows(String... extraValues) {
		return "INSERT INTO items SELECT g, 'name-' || g, g % 1000, CASE WHEN g % 4 = 0 THEN NULL ELSE 'note-' || g END"
				+ Arrays.stream(extraValues).map((value) -> ", " + value).reduce("", String::concat)
				+ " FROM generate_series(1, " + ROWS + ") g";
	}

	/** What clients write to {@code name}, {@code qty} and {@code note}. */
	private static Consumer<Table.Side> itemWrites(Consumer<Table.Side> more) {
		return (side) -> {
			side.column("name", text("name")).column("qty", number(0, 1000)).column("note", maybe(text("note")));
			more.accept(side);
		};
	}

	private static Consumer<Table.Side> itemWrites() {
		return itemWrites((side) -> {
		});
	}

	/** A table whose migration leaves the data alone: both versions read and write the same values. */
	private static Table unchangedItems() {
		return Table.named("items").both(itemWrites());
	}

	static Table.Values text(String prefix) {
		return (random, id) -> List.of(prefix + "-" + id + "-" + random.nextInt(1_000_000));
	}

	/** An integer in {@code [from, to)}. */
	static Table.Values number(int from, int to) {
		return (random, id) -> List.of(from + random.nextInt(to - from));
	}

	static Table.Values numberText(int from, int to) {
		return (random, id) -> List.of(String.valueOf(from + random.nextInt(to - from)));
	}

	/** One value in four is NULL. */
	static Table.Values maybe(Table.Values values) {
		return (random, id) -> (random.nextInt(4) == 0) ? Arrays.asList((Object) null) : values.next(random, id);
	}

	// ---- operations other than alter_column ---------------------------------------------------------------------

	static List<Scenario> operations() {
		return List.of(addColumn(), dropColumn(), renameColumn(), renameTable(), dropTable(), createTable(),
				createIndex(), dropIndex(), renameConstraint(), setReplicaIdentity(), createConstraint(),
				dropConstraint(), dropMultiColumnConstraint(), rawSql(), relativeUpdates());
	}

	/**
	 * Updates that compute what they write from what they read ({@code hits = hits + 1}), through both versions:
	 * the counter table, whose migration copies {@code hits} into a wider type and adds a column with up.
	 * A new-version statement that read a row the backfill had not reached would write from placeholders.
	 */
	private static Scenario relativeUpdates() {
		UnaryOperator<Object> plusOne = (hits) -> (hits != null) ? Long.parseLong(hits.toString()) + 1 : null;
		UnaryOperator<Object> exclaim = (tag) -> ((tag != null) ? tag.toString() : "") + "!";
		return Scenario.named("relative updates through both versions (alter_column type, add_column with up)")
			.setup("""
					operations:
					  - create_table:
					      name: counters
					      columns:
					        - {name: id, type: integer, pk: true}
					        - {name: hits, type: integer}
					        - {name: label, type: text}
					""")
			.rows("INSERT INTO counters SELECT g, 1000, 'l' || g FROM generate_series(1, " + ROWS + ") g")
			.migration("""
					operations:
					  - alter_column: {table: counters, column: hits, type: bigint, up: hits, down: "CAST(hits AS integer)"}
					  - add_column: {table: counters, up: upper(label), column: {name: tag, type: text, nullable: true}}
					""")
			.table(Table.named("counters")
				.old("counters", (side) -> side.relative("hits", number(0, 1000), "hits + 1", plusOne)
					.column("label", text("l")))
				.next("counters", (side) -> side.relative("hits", number(0, 1000), "hits + 1", plusOne)
					.column("label", text("l"))
					.relative("tag", maybe(text("t")), "coalesce(tag, '') || '!'", exclaim))
				.up((row, previous) -> row.with("tag", row.text("label").toUpperCase(Locale.ROOT)))
				.down((row, previous) -> row.without("tag")));
	}

	private static Scenario addColumn() {
		return addColumn("add_column NOT NULL with up");
	}

	private static Scenario addColumn(String name) {
		return Scenario.named(name).setup(items()).rows(itemRows()).migration("""
				operations:
				  - add_column:
				      table: items
				      up: "'L-' || name"
				      column: {name: label, type: text}
				""")
			.table(Table.named("items")
				.old("items", itemWrites())
				.next("items", itemWrites((side) -> side.column("label", text("label"))))
				.up((row, previous) -> row.with("label", "L-" + row.text("name")))
				.down((row, previous) -> row.without("label")));
	}

	/**
	 * {@code add_column}, while a client of the version that goes creates a table through its pinned connection:
	 * complete (or rollback) must refuse, change nothing and lose no row, and succeed once the table is moved.
	 */
	static Scenario pinnedTable() {
		return addColumn("add_column, with a table created through a pinned connection").withPinnedTable();
	}

	private static Scenario dropColumn() {
		return Scenario.named("drop_column with down")
			.setup(items("{name: legacy, type: text}"))
			.rows(itemRows("'legacy-' || g"))
			.migration("""
					operations:
					  - drop_column: {table: items, column: legacy, down: "'D-' || name"}
					""")
			.table(Table.named("items")
				.old("items", itemWrites((side) -> side.column("legacy", text("legacy"))))
				.next("items", itemWrites())
				.up((row, previous) -> row.without("legacy"))
				.down((row, previous) -> row.with("legacy", "D-" + row.text("name"))));
	}

	private static Scenario renameColumn() {
		return Scenario.named("rename_column").setup(items()).rows(itemRows()).migration("""
				operations:
				  - rename_column: {table: items, from: qty, to: quantity}
				""")
			.table(Table.named("items")
				.old("items", itemWrites())
				.next("items", (side) -> side.column("name", text("name"))
					.column("quantity", number(0, 1000))
					.column("note", maybe(text("note"))))
				.up((row, previous) -> row.renamed("qty", "quantity"))
				.down((row, previous) -> row.renamed("quantity", "qty")));
	}

	private static Scenario renameTable() {
		return Scenario.named("rename_table").setup(items()).rows(itemRows()).migration("""
				operations:
				  - rename_table: {from: items, to: goods}
				""").table(Table.named("items").old("items", itemWrites()).next("goods", itemWrites()));
	}

	private static Scenario dropTable() {
		return Scenario.named("drop_table")
			.setup(items() + """
					  - create_table:
					      name: archive
					      columns:
					        - {name: id, type: integer, pk: true}
					        - {name: payload, type: text}
					""")
			.rows(itemRows(), "INSERT INTO archive SELECT g, 'payload-' || g FROM generate_series(1, " + ROWS + ") g")
			.migration("""
					operations:
					  - drop_table: {name: archive}
					""")
			.table(unchangedItems())
			.table(Table.named("archive").old("archive", (side) -> side.column("payload", text("payload"))).next(null,
					(side) -> {
					}));
	}

	private static Scenario createTable() {
		return Scenario.named("create_table, written by the new version").setup(items()).rows(itemRows()).migration("""
				operations:
				  - create_table:
				      name: tags
				      columns:
				        - {name: id, type: integer, pk: true}
				        - {name: item_id, type: integer}
				        - {name: label, type: text, nullable: true}
				""")
			.table(unchangedItems())
			.table(Table.named("tags").old(null, (side) -> {
			}).next("tags", (side) -> side.column("item_id", number(1, ROWS)).column("label", maybe(text("tag")))));
	}

	private static Scenario createIndex() {
		return Scenario.named("create_index").setup(items()).rows(itemRows()).migration("""
				operations:
				  - create_index:
				      table: items
				      name: items_name_idx
				      columns:
				        - column: name
				""").table(unchangedItems());
	}

	private static Scenario dropIndex() {
		return Scenario.named("drop_index")
			.setup(items())
			.rows(itemRows(), "CREATE INDEX items_qty_idx ON items (qty)")
			.migration("""
					operations:
					  - drop_index: {name: items_qty_idx}
					""")
			.table(unchangedItems());
	}

	private static Scenario renameConstraint() {
		return Scenario.named("rename_constraint")
			.setup(items())
			.rows(itemRows(), "ALTER TABLE items ADD CONSTRAINT items_qty_check CHECK (qty >= 0)")
			.migration("""
					operations:
					  - rename_constraint: {table: items, from: items_qty_check, to: items_qty_not_negative}
					""")
			.table(unchangedItems());
	}

	private static Scenario setReplicaIdentity() {
		return Scenario.named("set_replica_identity").setup(items()).rows(itemRows()).migration("""
				operations:
				  - set_replica_identity: {table: items, identity: {type: full}}
				""").table(unchangedItems());
	}

	private static Scenario createConstraint() {
		// Written pairs get a negative seq derived from the row's own id, so they never collide.
		Table.Values pair = (random, id) -> List.of("g" + random.nextInt(100), -(id * 10 + random.nextInt(10)));
		Consumer<Table.Side> writes = itemWrites((side) -> side.columns(List.of("grp", "seq"), pair));
		return Scenario.named("create_constraint unique (grp, seq)")
			.setup(items("{name: grp, type: text}", "{name: seq, type: integer}"))
			.rows(itemRows("'g' || (g % 100)", "g"))
			.migration("""
					operations:
					  - create_constraint:
					      type: unique
					      table: items
					      name: items_grp_seq_key
					      columns: [grp, seq]
					      up: {grp: grp, seq: seq}
					      down: {grp: grp, seq: seq}
					""")
			.table(Table.named("items").both(writes));
	}

	private static Scenario dropConstraint() {
		return Scenario.named("drop_constraint check")
			.setup(items())
			.rows(itemRows(), "ALTER TABLE items ADD CONSTRAINT items_qty_check CHECK (qty >= 0)")
			.migration("""
					operations:
					  - drop_constraint: {table: items, name: items_qty_check, up: qty, down: "greatest(qty, 0)"}
					""")
			.table(Table.named("items")
				.old("items", itemWrites())
				.next("items", (side) -> side.column("name", text("name"))
					.column("qty", number(-100, 1000))
					.column("note", maybe(text("note"))))
				.down((row, previous) -> row.with("qty", Math.max(row.integer("qty"), 0))));
	}

	private static Scenario dropMultiColumnConstraint() {
		Table.Values ordered = (random, id) -> {
			int lo = random.nextInt(100);
			return List.of(lo, lo + random.nextInt(100));
		};
		return Scenario.named("drop_multicolumn_constraint check (lo, hi)")
			.setup(items("{name: lo, type: integer}", "{name: hi, type: integer}") + """
				      constraints:
				        - {name: items_range_check, type: check, check: lo <= hi}
				""")
			.rows(itemRows("g % 100", "g % 100 + 5"))
			.migration("""
					operations:
					  - drop_multicolumn_constraint:
					      table: items
					      name: items_range_check
					      up: {lo: lo, hi: hi}
					      down: {lo: "least(lo, hi)", hi: "greatest(lo, hi)"}
					""")
			.table(Table.named("items")
				.old("items", itemWrites((side) -> side.columns(List.of("lo", "hi"), ordered)))
				.next("items", itemWrites((side) -> side.column("lo", number(0, 200)).column("hi", number(0, 200))))
				.down((row, previous) -> row.with("lo", Math.min(row.integer("lo"), row.integer("hi")))
					.with("hi", Math.max(row.integer("lo"), row.integer("hi")))));
	}

	private static Scenario rawSql() {
		return Scenario.named("sql with up and down adding a column").setup(items()).rows(itemRows()).migration("""
				operations:
				  - sql:
				      up: ALTER TABLE items ADD COLUMN extra text
				      down: ALTER TABLE items DROP COLUMN extra
				""")
			.table(Table.named("items")
				.old("items", itemWrites())
				.next("items", itemWrites((side) -> side.column("extra", maybe(text("extra")))))
				// No trigger: old writes leave the new column as it was, NULL for rows they insert.
				.up((row, previous) -> row.with("extra", (previous != null) ? previous.get("extra") : null))
				.down((row, previous) -> row.without("extra")));
	}

	// ---- alter_column -------------------------------------------------------------------------------------------

	static List<Scenario> alterColumn() {
		return List.of(changeType(), setNotNull(), dropNotNull(), setDefault(), setComment(), addCheck(),
				addForeignKey(), addUnique());
	}

	private static Scenario changeType() {
		return Scenario.named("alter_column type text to integer")
			.setup(items().replace("{name: qty, type: integer}", "{name: qty, type: text}"))
			.rows(itemRows().replace("g % 1000,", "(g % 1000)::text,"))
			.migration("""
					operations:
					  - alter_column:
					      table: items
					      column: qty
					      type: integer
					      up: CAST(qty AS integer)
					      down: CAST(qty AS text)
					""")
			.table(Table.named("items")
				.old("items", (side) -> side.column("name", text("name"))
					.column("qty", numberText(0, 1000))
					.column("note", maybe(text("note"))))
				.next("items", itemWrites())
				.up((row, previous) -> row.with("qty", Integer.parseInt(row.text("qty"))))
				.down((row, previous) -> row.with("qty", row.text("qty"))));
	}

	private static Scenario setNotNull() {
		return Scenario.named("alter_column set NOT NULL with up").setup(items()).rows(itemRows()).migration("""
				operations:
				  - alter_column: {table: items, column: note, nullable: false, up: "coalesce(note, 'none')"}
				""")
			.table(Table.named("items")
				.old("items", itemWrites())
				.next("items", (side) -> side.column("name", text("name"))
					.column("qty", number(0, 1000))
					.column("note", text("note")))
				.up((row, previous) -> row.with("note", (row.text("note") != null) ? row.text("note") : "none")));
	}

	private static Scenario dropNotNull() {
		return Scenario.named("alter_column drop NOT NULL with down").setup(items()).rows(itemRows()).migration("""
				operations:
				  - alter_column: {table: items, column: name, nullable: true, down: "coalesce(name, 'unnamed')"}
				""")
			.table(Table.named("items")
				.old("items", itemWrites())
				.next("items", (side) -> side.column("name", maybe(text("name")))
					.column("qty", number(0, 1000))
					.column("note", maybe(text("note"))))
				.down((row, previous) -> row.with("name", (row.text("name") != null) ? row.text("name") : "unnamed")));
	}

	private static Scenario setDefault() {
		return Scenario.named("alter_column set default")
			.setup(items("{name: status, type: text, default: \"'fresh'\"}"))
			.rows(itemRows("'loaded'"))
			.migration("""
					operations:
					  - alter_column: {table: items, column: status, default: "'shiny'"}
					""")
			.table(Table.named("items")
				.old("items", itemWrites((side) -> side.columnOrDefault("status", text("status"), "fresh")))
				.next("items", itemWrites((side) -> side.columnOrDefault("status", text("status"), "shiny"))));
	}

	private static Scenario setComment() {
		return Scenario.named("alter_column comment").setup(items()).rows(itemRows()).migration("""
				operations:
				  - alter_column: {table: items, column: note, comment: free text about the item}
				""").table(unchangedItems());
	}

	private static Scenario addCheck() {
		return Scenario.named("alter_column add check with fix-up up").setup(items()).rows(itemRows()).migration("""
				operations:
				  - alter_column:
				      table: items
				      column: qty
				      check: {name: items_qty_positive, constraint: qty > 0}
				      up: CASE WHEN qty > 0 THEN qty ELSE 1 END
				      down: qty
				""")
			.table(Table.named("items")
				.old("items", (side) -> side.column("name", text("name"))
					.column("qty", number(-100, 1000))
					.column("note", maybe(text("note"))))
				.next("items", (side) -> side.column("name", text("name"))
					.column("qty", number(1, 1000))
					.column("note", maybe(text("note"))))
				.up((row, previous) -> row.with("qty", Math.max(row.integer("qty"), 1))));
	}

	private static Scenario addForeignKey() {
		return Scenario.named("alter_column add foreign key")
			.setup("""
					operations:
					  - create_table:
					      name: owners
					      columns:
					        - {name: id, type: integer, pk: true}
					""" + items("{name: owner_id, type: integer, nullable: true}").replace("operations:\n", ""))
			.rows("INSERT INTO owners SELECT g FROM generate_series(1, 100) g",
					itemRows("CASE WHEN g % 10 = 0 THEN NULL ELSE g % 120 END"))
			.migration("""
					operations:
					  - alter_column:
					      table: items
					      column: owner_id
					      references: {name: items_owner_fk, table: owners, column: id}
					      up: (SELECT CASE WHEN EXISTS (SELECT 1 FROM owners o WHERE o.id = owner_id) THEN owner_id END)
					      down: owner_id
					""")
			.table(Table.named("items")
				// Old clients know no constraint and write owners that do not exist; up clears those.
				.old("items", itemWrites((side) -> side.column("owner_id", maybe(number(0, 120)))))
				.next("items", itemWrites((side) -> side.column("owner_id", maybe(number(1, 101)))))
				.up((row, previous) -> {
					String owner = row.text("owner_id");
					boolean exists = owner != null && Integer.parseInt(owner) >= 1 && Integer.parseInt(owner) <= 100;
					return row.with("owner_id", exists ? owner : null);
				}));
	}

	private static Scenario addUnique() {
		// Codes written by clients carry the row's id, so they are unique without coordination.
		Table.Values code = (random, id) -> List.of("code-" + id + ":" + random.nextInt(1000));
		return Scenario.named("alter_column add unique")
			.setup(items("{name: code, type: text}"))
			.rows(itemRows("'code-' || g"))
			.migration("""
					operations:
					  - alter_column: {table: items, column: code, unique: {name: items_code_key}, up: code, down: code}
					""")
			.table(Table.named("items").both(itemWrites((side) -> side.column("code", code))));
	}

	// ---- several migrations as one rollout ---------------------------------------------------------------------

	static List<Scenario> rollouts() {
		return List.of(rollout());
	}

	/**
	 * A release that ships five migrations, each building on the ones before: {@code sku} is added NOT NULL with
	 * up, renamed to {@code code}, retyped (its up and down change the case, so a link of the chain that is skipped
	 * or runs out of order shows), {@code legacy} is dropped with a down over {@code code}, and a check on
	 * {@code code} truncates what old clients' names make too long. The old version is the one before the rollout,
	 * the new one the last migration's; {@link Table#up} and {@link Table#down} are the five composed.
	 */
	private static Scenario rollout() {
		// New clients write codes the check accepts ("C-40000123-99" at most), in upper case so a lower() shows.
		Table.Values code = (random, id) -> List.of("C-" + id + "-" + random.nextInt(100));
		return Scenario.named("several migrations as one rollout")
			.setup(items("{name: legacy, type: text}"))
			.rows(itemRows("'legacy-' || g"))
			.rollout("""
					operations:
					  - add_column:
					      table: items
					      up: "'sku-' || name"
					      column: {name: sku, type: text}
					""", """
					operations:
					  - rename_column: {table: items, from: sku, to: code}
					""", """
					operations:
					  - alter_column:
					      table: items
					      column: code
					      type: varchar(40)
					      up: upper(code)
					      down: lower(code)
					""", """
					operations:
					  - drop_column: {table: items, column: legacy, down: "'legacy-' || code"}
					""", """
					operations:
					  - create_constraint:
					      table: items
					      name: items_code_length
					      type: check
					      columns: [code]
					      check: length(code) <= 16
					      up: {code: "left(code, 16)"}
					      down: {code: code}
					""")
			.table(Table.named("items")
				.old("items", itemWrites((side) -> side.column("legacy", text("legacy"))))
				.next("items", itemWrites((side) -> side.column("code", code)))
				.up((row, previous) -> row.without("legacy")
					.with("code", left(("sku-" + row.text("name")).toUpperCase(Locale.ROOT), 16)))
				// The drop's down reads code as the check's down leaves it, before the retype's down lowers it.
				.down((row, previous) -> row.without("code").with("legacy", "legacy-" + row.text("code"))));
	}

	private static String left(String text, int length) {
		return text.substring(0, Math.min(length, text.length()));
	}

	private Scenarios() {
	}

}
