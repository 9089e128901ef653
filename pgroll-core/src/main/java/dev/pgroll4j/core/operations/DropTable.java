package dev.pgroll4j.core.operations;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.pgroll4j.core.sql.InternalNames;
import dev.pgroll4j.core.sql.Sql;
import dev.pgroll4j.core.schema.ConstraintSnapshot;
import dev.pgroll4j.core.schema.IndexSnapshot;
import dev.pgroll4j.core.schema.VirtualTable;

/**
 * {@code drop_table}: start moves the table aside under a reserved name, so the old version's view (bound to the
 * table, not its name) keeps working and a new table may take the name in the same migration; complete drops it.
 */
public record DropTable(@Nullable String name) implements Operation {

	@Override
	public DropTable mapSql(SqlMapper mapper) {
		return this;
	}

	@Override
	public void validate(ValidationContext context) {
		VirtualTable table = context.existingTable("name", this.name);
		if (table.createdInMigration() || !table.physicalName().equals(table.name())) {
			throw context.invalid("name", "table \"" + this.name + "\" was created or renamed earlier in this "
					+ "migration or rollout; drop it in a later release");
		}
		for (ConstraintSnapshot foreignKey : context.schema().foreignKeysReferencing(table.physicalName())) {
			throw context.invalid("name", "table \"" + this.name + "\" is referenced by foreign key \""
					+ foreignKey.name() + "\"; drop that constraint first");
		}
		List<String> moved = new ArrayList<>(List.of(this.name));
		table.indexes().forEach((index) -> moved.add(index.name()));
		moved.addAll(table.ownedSequences());
		for (String name : moved) {
			if (context.schema().isOccupied(InternalNames.deletedTable(name))) {
				throw context.invalid("name", "a relation named \"" + InternalNames.deletedTable(name)
						+ "\" is left over from an earlier migration");
			}
		}
		context.schema().removeTable(this.name);
		table.setPhysicalName(InternalNames.deletedTable(this.name));
		for (String name : moved) {
			context.schema().release(name);
			context.schema().occupy(InternalNames.deletedTable(name));
		}
	}

	/**
	 * Moves the table aside, with its indexes and owned sequences, so a table created under the same name in the
	 * same migration gets the usual names for its own ({@code <table>_pkey}, {@code <table>_id_seq}).
	 */
	@Override
	public void start(StartContext context) {
		VirtualTable table = context.tableBefore(this.name);
		context.execute("ALTER TABLE " + context.qualified(this.name) + " RENAME TO "
				+ Sql.ident(InternalNames.deletedTable(this.name)));
		for (IndexSnapshot index : table.indexes()) {
			context.execute("ALTER INDEX " + context.qualified(index.name()) + " RENAME TO "
					+ Sql.ident(InternalNames.deletedTable(index.name())));
		}
		for (String sequence : table.ownedSequences()) {
			context.execute("ALTER SEQUENCE " + context.qualified(sequence) + " RENAME TO "
					+ Sql.ident(InternalNames.deletedTable(sequence)));
		}
	}

	@Override
	public void complete(CompleteContext context) {
		context.execute("DROP TABLE " + context.table(InternalNames.deletedTable(this.name)));
	}

	@Override
	public void rollback(RollbackContext context) {
		VirtualTable table = context.tableBefore(this.name);
		for (String sequence : table.ownedSequences()) {
			context.execute("ALTER SEQUENCE IF EXISTS " + context.qualified(InternalNames.deletedTable(sequence))
					+ " RENAME TO " + Sql.ident(sequence));
		}
		for (IndexSnapshot index : table.indexes()) {
			context.execute("ALTER INDEX IF EXISTS " + context.qualified(InternalNames.deletedTable(index.name()))
					+ " RENAME TO " + Sql.ident(index.name()));
		}
		context.execute("ALTER TABLE IF EXISTS " + context.qualified(InternalNames.deletedTable(this.name))
				+ " RENAME TO " + Sql.ident(this.name));
	}

}
