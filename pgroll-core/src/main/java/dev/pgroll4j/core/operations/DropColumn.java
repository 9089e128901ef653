package dev.pgroll4j.core.operations;

import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.pgroll4j.core.SqlFragment;
import dev.pgroll4j.core.sql.SqlText;
import dev.pgroll4j.core.schema.VirtualColumn;
import dev.pgroll4j.core.schema.VirtualSchema;
import dev.pgroll4j.core.schema.VirtualTable;

/**
 * {@code drop_column}: the new version no longer sees the column; complete drops it. While both versions run,
 * {@code down} gives the column a value for rows written through the new version, so the old version keeps
 * working.
 */
public record DropColumn(@Nullable String table, @Nullable String column, @Nullable String down) implements Operation {

	@Override
	public DropColumn mapSql(SqlMapper mapper) {
		return new DropColumn(this.table, this.column, mapper.map("down", SqlFragment.Kind.DOWN, this.down));
	}

	@Override
	public void validate(ValidationContext context) {
		VirtualTable target = context.existingTable("table", this.table);
		VirtualColumn dropped = context.existingColumn("column", target, this.column);
		if (this.down != null && !this.down.isBlank() && !target.createdInMigration()) {
			Clauses.requireTriggerableTable(context, "down", target, "down");
		}
		List<VirtualSchema.ForeignKey> referencing = context.schema()
			.foreignKeysTo(target.physicalName(), dropped.physicalName());
		if (!referencing.isEmpty()) {
			VirtualSchema.ForeignKey key = referencing.get(0);
			throw context.invalid("column", "column \"" + this.column + "\" is referenced by foreign key \""
					+ key.constraint().name() + "\" of table \"" + key.table().name() + "\"; drop that constraint first");
		}
		for (VirtualColumn other : target.columns()) {
			if (other.isGenerated() && other != dropped && SqlText.mentions(other.generatedExpression(),
					dropped.name())) {
				throw context.invalid("column", "column \"" + this.column + "\" is used by generated column \""
						+ other.name() + "\"; drop or change that column first");
			}
		}
		if (!target.createdInMigration()) {
			List<String> dependents = context.dependentsOf(target.physicalName(), dropped.physicalName(), false);
			if (!dependents.isEmpty()) {
				throw context.invalid("column", "column \"" + this.column + "\" is used by "
						+ String.join(", ", dependents) + ", which would block dropping it at complete; drop or change "
						+ "them first");
			}
		}
		boolean needsValue = !dropped.nullable() && dropped.defaultExpression() == null && !dropped.isIdentity()
				&& !dropped.isGenerated();
		if (needsValue && (this.down == null || this.down.isBlank())) {
			throw context.invalid("down", "is required: column \"" + this.column + "\" is NOT NULL without a default, "
					+ "so rows inserted through the new version need a value for it");
		}
		target.hideColumn(this.column);
		if (this.down != null && !this.down.isBlank()) {
			context.checkDownValue("down", this.down, target.name(), ValidationContext.columnTypes(target),
					dropped.type());
		}
	}

	@Override
	public void start(StartContext context) {
		if (this.down != null && !this.down.isBlank()) {
			VirtualTable before = context.tableBefore(this.table);
			String physical = before.column(this.column).orElseThrow().physicalName();
			context.downTrigger(context.after().table(this.table).orElseThrow(), physical, this.down);
		}
	}

	@Override
	public void complete(CompleteContext context) {
		VirtualTable before = context.tableBefore(this.table);
		String physical = before.column(this.column).orElseThrow().physicalName();
		context.execute("ALTER TABLE " + context.table(before.physicalName()) + " DROP COLUMN "
				+ context.column(before.physicalName(), physical));
	}

	@Override
	public void rollback(RollbackContext context) {
		// The column was only hidden; the engine removes the trigger that filled it.
	}

}
