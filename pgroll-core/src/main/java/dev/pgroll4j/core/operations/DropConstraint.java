package dev.pgroll4j.core.operations;

import org.jspecify.annotations.Nullable;

import dev.pgroll4j.core.SqlFragment;
import dev.pgroll4j.core.schema.ConstraintSnapshot;
import dev.pgroll4j.core.schema.VirtualTable;

/**
 * {@code drop_constraint} (deprecated in pgroll in favour of {@code drop_multicolumn_constraint}): drops a
 * single-column check, foreign key or unique constraint, with one {@code up} and one {@code down}.
 */
public record DropConstraint(@Nullable String table, @Nullable String name, @Nullable String up,
		@Nullable String down) implements Operation {

	@Override
	public DropConstraint mapSql(SqlMapper mapper) {
		return new DropConstraint(this.table, this.name, mapper.map("up", SqlFragment.Kind.UP, this.up),
				mapper.map("down", SqlFragment.Kind.DOWN, this.down));
	}

	/** The same drop with the single column's up and down as maps; the column comes from the constraint. */
	private ConstraintDrop drop(VirtualTable target) {
		ConstraintSnapshot constraint = target.constraint(this.name).orElseThrow();
		String column = ConstraintDrop.columns(target, constraint).get(0);
		return new ConstraintDrop(this.table, this.name, ConstraintDrop.single(column, this.up),
				ConstraintDrop.single(column, this.down), true);
	}

	@Override
	public void validate(ValidationContext context) {
		VirtualTable target = context.existingTable("table", this.table);
		ConstraintSnapshot constraint = new ConstraintDrop(this.table, this.name, null, null, true).constraint(context,
				target);
		if (constraint.columns().size() != 1) {
			throw context.invalid("name", "constraint \"" + this.name + "\" covers " + constraint.columns().size()
					+ " columns; use drop_multicolumn_constraint");
		}
		if (this.down == null || this.down.isBlank()) {
			throw context.invalid("down", "is required: writes through the new version must still satisfy the "
					+ "constraint in the old version");
		}
		drop(target).validate(context, target, constraint);
	}

	@Override
	public void start(StartContext context) {
		drop(context.tableBefore(this.table)).start(context);
	}

	@Override
	public void complete(CompleteContext context) {
		drop(context.tableBefore(this.table)).complete(context);
	}

	@Override
	public void rollback(RollbackContext context) {
		drop(context.tableBefore(this.table)).rollback(context);
	}

}
