package dev.pgroll4j.core.operations;

import org.jspecify.annotations.Nullable;

import dev.pgroll4j.core.schema.VirtualTable;

/** {@code rename_table}: the new version sees the table under its new name at once; complete renames it. */
public record RenameTable(@Nullable String from, @Nullable String to) implements Operation {

	@Override
	public RenameTable mapSql(SqlMapper mapper) {
		return this;
	}

	@Override
	public void validate(ValidationContext context) {
		VirtualTable table = context.existingTable("from", this.from);
		context.checkNewName("to", this.to);
		if (context.schema().table(this.to).isPresent()
				|| (context.schema().isOccupied(this.to) && !this.to.equals(table.physicalName()))) {
			throw context.invalid("to", "a table, view, index, sequence or type named \"" + this.to
					+ "\" already exists in schema \"" + context.schema().name() + "\"");
		}
		context.schema().renameTable(this.from, this.to);
		context.schema().occupy(this.to);
	}

	@Override
	public void start(StartContext context) {
		// Only the new version's view carries the new name.
	}

	@Override
	public void complete(CompleteContext context) {
		context.renameTable(context.tableBefore(this.from).physicalName(), this.to);
	}

	@Override
	public void rollback(RollbackContext context) {
		// Nothing physical was renamed.
	}

}
