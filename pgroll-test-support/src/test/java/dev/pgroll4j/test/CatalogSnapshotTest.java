package dev.pgroll4j.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@PostgresTest
class CatalogSnapshotTest {

	private TestDatabase db;
	private String owner;

	@BeforeEach
	void createShopSchema(TestDatabase db) {
		this.db = db;
		this.owner = db.queryForString("SELECT current_user");
		db.execute("DROP SCHEMA IF EXISTS shop CASCADE",
				"DROP SCHEMA IF EXISTS audit CASCADE",
				"CREATE SCHEMA shop",
				"""
				CREATE TABLE shop.items (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL,
					price numeric(10,2) DEFAULT 0, note text)""",
				"CREATE VIEW shop.item_names AS SELECT id, name FROM shop.items",
				"CREATE TYPE shop.mood AS ENUM ('sad', 'happy')",
				"CREATE TYPE shop.price_range AS RANGE (subtype = numeric)",
				"CREATE FUNCTION shop.touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$");
	}

	@Test
	void snapshotsAreEqualWhenNothingChanged() throws Exception {
		CatalogSnapshot before = db.catalogSnapshot();
		CatalogSnapshot after;
		try (Connection c = db.connect(); Statement s = c.createStatement()) {
			// Output must not depend on session settings such as the search path.
			s.execute("SET search_path = shop, public");
			after = CatalogSnapshot.take(c);
		}

		assertThat(before.diff(after)).isEmpty();
		assertThat(after).isEqualTo(before).hasSameHashCodeAs(before);
		assertThat(before.lines()).isSorted().contains(
				"schema shop owner=" + owner,
				"column shop.items.id position=1 type=bigint not_null identity=always",
				"sequence shop.items_id_seq type=bigint start=1 increment=1 min=1 max=9223372036854775807 cache=1"
						+ " no_cycle owned_by=shop.items.id",
				"type shop.mood kind=enum owner=" + owner + ": 'sad', 'happy'",
				"type shop.price_range kind=range subtype=numeric owner=" + owner);
		assertThat(before.lines()).as("range constructors belong to the type")
				.noneMatch(line -> line.startsWith("function shop.price_range"));
		assertThat(before.toString()).isEqualTo(String.join("\n", before.lines()));
	}

	@Test
	void recreatingAnObjectIdenticallyLeavesTheSnapshotUnchanged() {
		assertThat(diffAfter("DROP VIEW shop.item_names",
				"CREATE VIEW shop.item_names AS SELECT id, name FROM shop.items")).isEmpty();
	}

	@Test
	void detectsAnAddedColumn() {
		assertThat(diffAfter("ALTER TABLE shop.items ADD COLUMN stock integer"))
				.containsExactly("+ column shop.items.stock position=5 type=integer");
	}

	@Test
	void detectsAChangedDefault() {
		assertThat(diffAfter("ALTER TABLE shop.items ALTER COLUMN price SET DEFAULT 1")).containsExactly(
				"- column shop.items.price position=3 type=numeric(10,2) default=0",
				"+ column shop.items.price position=3 type=numeric(10,2) default=1");
	}

	@Test
	void detectsAViewColumnDefault() {
		assertThat(diffAfter("ALTER VIEW shop.item_names ALTER COLUMN name SET DEFAULT 'unnamed'")).containsExactly(
				"- column shop.item_names.name position=2 type=text",
				"+ column shop.item_names.name position=2 type=text default='unnamed'::text");
	}

	@Test
	void detectsAnAddedNotNull() {
		List<String> expected = new ArrayList<>(List.of(
				"- column shop.items.note position=4 type=text",
				"+ column shop.items.note position=4 type=text not_null"));
		if (db.serverMajorVersion() >= 18) {
			// Since PostgreSQL 18, NOT NULL is also a named constraint.
			expected.add("+ constraint shop.items.items_note_not_null type=not_null valid: NOT NULL note");
		}
		assertThat(diffAfter("ALTER TABLE shop.items ALTER COLUMN note SET NOT NULL"))
				.containsExactlyElementsOf(expected);
	}

	@Test
	void detectsAnAddedIndex() {
		assertThat(diffAfter("CREATE INDEX items_name_idx ON shop.items (name)")).containsExactly(
				"+ index shop.items_name_idx valid: CREATE INDEX items_name_idx ON shop.items USING btree (name)",
				"+ relation shop.items_name_idx kind=index owner=" + owner);
	}

	@Test
	void detectsAnAddedCheckConstraintAndItsValidation() {
		assertThat(diffAfter("ALTER TABLE shop.items ADD CONSTRAINT price_positive CHECK (price >= 0) NOT VALID"))
				.containsExactly("+ constraint shop.items.price_positive type=check not_valid:"
						+ " CHECK ((price >= (0)::numeric)) NOT VALID");

		assertThat(diffAfter("ALTER TABLE shop.items VALIDATE CONSTRAINT price_positive")).containsExactly(
				"- constraint shop.items.price_positive type=check not_valid: CHECK ((price >= (0)::numeric)) NOT VALID",
				"+ constraint shop.items.price_positive type=check valid: CHECK ((price >= (0)::numeric))");
	}

	@Test
	void detectsAnAddedTrigger() {
		assertThat(diffAfter(
				"CREATE TRIGGER items_touch BEFORE UPDATE ON shop.items FOR EACH ROW EXECUTE FUNCTION shop.touch()"))
				.containsExactly("+ trigger shop.items.items_touch enabled=origin: CREATE TRIGGER items_touch"
						+ " BEFORE UPDATE ON shop.items FOR EACH ROW EXECUTE FUNCTION shop.touch()");
	}

	@Test
	void detectsAChangedComment() {
		db.execute("COMMENT ON COLUMN shop.items.name IS 'Display name'");

		assertThat(diffAfter("COMMENT ON COLUMN shop.items.name IS 'Shown to customers'")).containsExactly(
				"- column shop.items.name position=2 type=text not_null comment='Display name'",
				"+ column shop.items.name position=2 type=text not_null comment='Shown to customers'");
	}

	@Test
	void detectsAnAddedView() {
		assertThat(diffAfter("CREATE VIEW shop.cheap AS SELECT id FROM shop.items WHERE price < 10"))
				.hasSize(3)
				.contains("+ column shop.cheap.id position=1 type=bigint",
						"+ relation shop.cheap kind=view owner=" + owner)
				// PostgreSQL 16 stopped qualifying column names in deparsed single-table views.
				.anySatisfy(line -> assertThat(line)
						.matches("\\+ view shop\\.cheap: SELECT (items\\.)?id\\\\n +FROM shop\\.items\\\\n.*"));
	}

	@Test
	void detectsAChangedViewDefinition() {
		assertThat(diffAfter("CREATE OR REPLACE VIEW shop.item_names AS SELECT id, name, price FROM shop.items"))
				.hasSize(3)
				.contains("+ column shop.item_names.price position=3 type=numeric(10,2)")
				.anySatisfy(line -> assertThat(line).startsWith("- view shop.item_names: SELECT").doesNotContain("price"))
				.anySatisfy(line -> assertThat(line).startsWith("+ view shop.item_names: SELECT").contains("price"));
	}

	@Test
	void detectsAnAddedSchema() {
		assertThat(diffAfter("CREATE SCHEMA audit")).containsExactly("+ schema audit owner=" + owner);
	}

	@Test
	void detectsAnAddedEnumLabelInItsPlace() {
		assertThat(diffAfter("ALTER TYPE shop.mood ADD VALUE 'ok' BEFORE 'happy'")).containsExactly(
				"- type shop.mood kind=enum owner=" + owner + ": 'sad', 'happy'",
				"+ type shop.mood kind=enum owner=" + owner + ": 'sad', 'ok', 'happy'");
	}

	@Test
	void detectsAReplicaIdentityChange() {
		assertThat(diffAfter("ALTER TABLE shop.items REPLICA IDENTITY USING INDEX items_pkey")).containsExactly(
				"- relation shop.items kind=table owner=" + owner + " replica_identity=default",
				"+ relation shop.items kind=table owner=" + owner + " replica_identity=index:items_pkey");
	}

	@Test
	void detectsAReloptionsChange() {
		assertThat(diffAfter("ALTER TABLE shop.items SET (fillfactor = 70)")).containsExactly(
				"+ relation shop.items kind=table owner=" + owner + " options={fillfactor=70} replica_identity=default",
				"- relation shop.items kind=table owner=" + owner + " replica_identity=default");
	}

	@Test
	void excludedSchemasAreLeftOut() throws Exception {
		try (Connection c = db.connect()) {
			assertThat(CatalogSnapshot.take(c, List.of("shop")).lines())
					.isNotEmpty()
					.noneMatch(line -> line.contains("shop"));
		}
	}

	@Test
	void takingASnapshotInsideATransactionLeavesTheTransactionAsItWas() throws Exception {
		try (Connection c = db.connect(); Statement s = c.createStatement()) {
			c.setAutoCommit(false);
			s.execute("SET LOCAL search_path = shop");
			s.execute("CREATE TABLE uncommitted (id int)");

			assertThat(CatalogSnapshot.take(c).lines()).contains("relation shop.uncommitted kind=table owner="
					+ owner + " replica_identity=default");

			try (var rs = s.executeQuery("SHOW search_path")) {
				rs.next();
				assertThat(rs.getString(1)).isEqualTo("shop");
			}
			c.rollback();
			assertThat(CatalogSnapshot.take(c).lines()).noneMatch(line -> line.contains("uncommitted"));
		}
	}

	private List<String> diffAfter(String... statements) {
		CatalogSnapshot before = db.catalogSnapshot();
		db.execute(statements);
		return before.diff(db.catalogSnapshot());
	}
}
