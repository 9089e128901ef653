package dev.pgroll4j.core.operations;

import org.jspecify.annotations.Nullable;

import dev.pgroll4j.core.schema.VirtualColumn;
import dev.pgroll4j.core.schema.VirtualTable;

/** {@code rename_column}: the new version's view shows the column under its new name; complete renames it. */
public record RenameColumn(@Nullable String table, @Nullable String from, @Nullable String to) implements Operation {

	@Override
	public RenameColumn mapSql(SqlMapper mapper) {
		return this;
	}

	@Override
	public void validate(ValidationContext context) {
		VirtualTable target = context.existingTable("table", this.table);
		context.existingColumn("from", target, this.from);
		context.checkNewName("to", this.to);
		if (target.column(this.to).isPresent()) {
			throw context.invalid("to", "column \"" + this.to + "\" already exists in table \"" + this.table + "\"");
		}
		target.renameColumn(this.from, this.to);
	}

	@Override
	public void start(StartContext context) {
		// Only the new version's view carries the new name.
	}

	@Override
	public void complete(CompleteContext context) {
		VirtualTable before = context.tableBefore(this.table);
		VirtualColumn column = before.column(this.from).orElseThrow();
		context.renameColumn(before.physicalName(), column.physicalName(), this.to);
	}

	@Override
	public void rollback(RollbackContext context) {
		// Nothing physical was renamed.
	}

}
