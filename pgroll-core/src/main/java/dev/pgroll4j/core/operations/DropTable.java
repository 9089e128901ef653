package dev.pgroll4j.core.operations;

import dev.pgroll4j.core.internal.InternalNames;
import dev.pgroll4j.core.internal.Sql;
import dev.pgroll4j.core.schema.ConstraintSnapshot;
import dev.pgroll4j.core.schema.VirtualTable;

/**
 * {@code drop_table}: start moves the table aside under a reserved name, so the old version's view (bound to the
 * table, not its name) keeps working and a new table may take the name in the same migration; complete drops it.
 */
public record DropTable(String name) implements Operation {

	@Override
	public String kind() {
		return "drop_table";
	}

	@Override
	public DropTable mapSql(SqlMapper mapper) {
		return this;
	}

	@Override
	public void validate(ValidationContext context) {
		VirtualTable table = context.existingTable("name", this.name);
		if (table.createdInMigration() || !table.physicalName().equals(table.name())) {
			throw context.invalid("name", "table \"" + this.name + "\" was created or renamed earlier in this "
					+ "migration; drop it in a later migration");
		}
		for (ConstraintSnapshot foreignKey : context.schema().foreignKeysReferencing(table.physicalName())) {
			throw context.invalid("name", "table \"" + this.name + "\" is referenced by foreign key \""
					+ foreignKey.name() + "\"; drop that constraint first");
		}
		String deleted = InternalNames.deletedTable(this.name);
		if (context.schema().isOccupied(deleted)) {
			throw context.invalid("name", "a relation named \"" + deleted + "\" is left over from an earlier "
					+ "migration");
		}
		context.schema().removeTable(this.name);
		table.setPhysicalName(deleted);
		context.schema().release(this.name);
		context.schema().occupy(deleted);
	}

	@Override
	public void start(StartContext context) {
		context.execute("ALTER TABLE " + context.qualified(this.name) + " RENAME TO "
				+ Sql.ident(InternalNames.deletedTable(this.name)));
	}

	@Override
	public void complete(CompleteContext context) {
		context.execute("DROP TABLE " + context.table(InternalNames.deletedTable(this.name)));
	}

	@Override
	public void rollback(RollbackContext context) {
		context.execute("ALTER TABLE IF EXISTS " + context.qualified(InternalNames.deletedTable(this.name))
				+ " RENAME TO " + Sql.ident(this.name));
	}

}
