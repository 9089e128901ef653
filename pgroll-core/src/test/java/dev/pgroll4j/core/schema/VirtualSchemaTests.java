package dev.pgroll4j.core.schema;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class VirtualSchemaTests {

	private static final ColumnSnapshot ID = new ColumnSnapshot("id", 1, "integer", false, null, null, null, null, "b",
			null);

	private static final ColumnSnapshot PARENT = new ColumnSnapshot("parent_id", 2, "integer", true, null, null, null,
			null, "b", null);

	private static final ConstraintSnapshot PARENT_FK = new ConstraintSnapshot("child_parent_fk",
			ConstraintType.FOREIGN_KEY,
			List.of("parent_id"), "FOREIGN KEY (parent_id) REFERENCES parent(id)", true, "app", "parent",
			List.of("id"), null);

	private static final IndexSnapshot PARENT_PKEY = new IndexSnapshot("parent_pkey", true, true, true, List.of("id"),
			null, "btree", "CREATE UNIQUE INDEX parent_pkey ON app.parent USING btree (id)", "parent_pkey", null);

	private static VirtualSchema schema() {
		TableSnapshot parent = new TableSnapshot("parent", null, List.of(ID), List.of("id"), List.of(),
				List.of(PARENT_PKEY), "d", null, false, List.of());
		TableSnapshot child = new TableSnapshot("child", null, List.of(ID, PARENT), List.of(), List.of(PARENT_FK),
				List.of(), "d", null, false, List.of());
		return VirtualSchema.of(new SchemaSnapshot("app", true, List.of(parent, child),
				List.of("parent", "child", "parent_pkey")));
	}

	@Test
	void aSnapshotKeepsTheSchemaAsItWasWhileTheSchemaChanges() {
		VirtualSchema schema = schema();
		VirtualSchema before = schema.snapshot();

		schema.table("child").orElseThrow().renameColumn("parent_id", "owner_id");
		schema.table("parent").orElseThrow().removeIndex("parent_pkey");
		schema.renameTable("parent", "owner");
		schema.occupy("owner");

		assertThat(before.table("parent").orElseThrow().index("parent_pkey")).isPresent();
		assertThat(before.table("child").orElseThrow().column("parent_id")).isPresent();
		assertThat(before.table("owner")).isEmpty();
		assertThat(before.isOccupied("owner")).isFalse();
		assertThat(schema.table("child").orElseThrow().column("owner_id")).isPresent();
		assertThat(schema.tables()).extracting(VirtualTable::name).containsExactly("child", "owner");
	}

	@Test
	void aSnapshotAndItsTablesCannotChange() {
		VirtualSchema schema = schema();
		VirtualSchema snapshot = schema.snapshot();
		VirtualTable table = snapshot.table("child").orElseThrow();

		assertThatIllegalStateException().isThrownBy(() -> snapshot.occupy("x"));
		assertThatIllegalStateException().isThrownBy(() -> table.hideColumn("parent_id"));
		// The schema itself hands out its own copy, which may change.
		schema.table("child").orElseThrow().hideColumn("parent_id");
		assertThat(table.column("parent_id")).isPresent();
	}

	@Test
	void findsForeignKeysAndIndexHoldersAcrossChangesAndSnapshots() {
		VirtualSchema schema = schema();
		VirtualSchema before = schema.snapshot();

		schema.table("child").orElseThrow().removeConstraint("child_parent_fk");
		schema.renameTable("parent", "owner");

		assertThat(before.foreignKeysReferencing("parent")).containsExactly(PARENT_FK);
		assertThat(before.foreignKeysTo("parent", "id")).extracting((key) -> key.table().name())
			.containsExactly("child");
		assertThat(schema.foreignKeysReferencing("parent")).isEmpty();
		assertThat(schema.tableWithIndex("parent_pkey")).map(VirtualTable::name).contains("owner");
		assertThat(before.tableWithIndex("parent_pkey")).map(VirtualTable::name).contains("parent");

		VirtualTable created = new VirtualTable("grandchild", "grandchild", true, null, List.of());
		created.addConstraint(new ConstraintSnapshot("grandchild_fk", ConstraintType.FOREIGN_KEY, List.of("id"),
				null, false, null, "parent",
				List.of("id"), null));
		schema.addTable(created);
		assertThat(schema.foreignKeysTo("parent", "id")).extracting((key) -> key.constraint().name())
			.containsExactly("grandchild_fk");
		schema.removeTable("grandchild");
		assertThat(schema.foreignKeysTo("parent")).isEmpty();
	}

}
