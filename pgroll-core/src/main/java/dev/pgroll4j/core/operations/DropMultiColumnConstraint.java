package dev.pgroll4j.core.operations;

import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.pgroll4j.core.SqlFragment;
import dev.pgroll4j.core.schema.VirtualTable;

/**
 * {@code drop_multicolumn_constraint}: drops a check, foreign key or unique constraint over any number of columns.
 * {@code down} needs an entry for every column of the constraint; {@code up} entries default to the column.
 */
public record DropMultiColumnConstraint(@Nullable String table, @Nullable String name, @Nullable Map<String, String> up,
		@Nullable Map<String, String> down) implements Operation {

	@Override
	public DropMultiColumnConstraint mapSql(SqlMapper mapper) {
		return new DropMultiColumnConstraint(this.table, this.name,
				CreateConstraint.mapAll(mapper, "up", SqlFragment.Kind.UP, this.up),
				CreateConstraint.mapAll(mapper, "down", SqlFragment.Kind.DOWN, this.down));
	}

	private ConstraintDrop drop() {
		return new ConstraintDrop(this.table, this.name, this.up, this.down, false);
	}

	@Override
	public void validate(ValidationContext context) {
		VirtualTable target = context.existingTable("table", this.table);
		ConstraintDrop drop = drop();
		drop.validate(context, target, drop.constraint(context, target));
	}

	@Override
	public void start(StartContext context) {
		drop().start(context);
	}

	@Override
	public void complete(CompleteContext context) {
		drop().complete(context);
	}

	@Override
	public void rollback(RollbackContext context) {
		drop().rollback(context);
	}

}
