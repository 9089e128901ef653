package dev.pgroll4j.core.operations;

import org.jspecify.annotations.Nullable;

import dev.pgroll4j.core.sql.Sql;
import dev.pgroll4j.core.schema.ConstraintSnapshot;
import dev.pgroll4j.core.schema.IndexSnapshot;
import dev.pgroll4j.core.schema.VirtualTable;

/**
 * {@code rename_constraint}: renamed at complete. Any constraint kind can be renamed, primary keys and exclusion
 * constraints included; for those backed by an index, PostgreSQL renames the index too.
 */
public record RenameConstraint(@Nullable String table, @Nullable String from,
		@Nullable String to) implements Operation {

	@Override
	public RenameConstraint mapSql(SqlMapper mapper) {
		return this;
	}

	@Override
	public void validate(ValidationContext context) {
		VirtualTable target = context.existingTable("table", this.table);
		context.checkName("from", context.required("from", this.from));
		ConstraintSnapshot constraint = target.constraint(this.from)
			.orElseThrow(() -> context.invalid("from", "constraint \"" + this.from + "\" does not exist on table \""
					+ this.table + "\""));
		context.checkNewName("to", this.to);
		if (target.constraint(this.to).isPresent()) {
			throw context.invalid("to", "constraint \"" + this.to + "\" already exists on table \"" + this.table
					+ "\"");
		}
		if (constraint.index() != null && context.schema().isOccupied(this.to)) {
			throw context.invalid("to", "a relation named \"" + this.to + "\" already exists in schema \""
					+ context.schema().name() + "\"; the constraint's index would take that name");
		}
		target.removeConstraint(this.from);
		target.addConstraint(new ConstraintSnapshot(this.to, constraint.type(), constraint.columns(),
				constraint.definition(), constraint.validated(), constraint.referencedSchema(),
				constraint.referencedTable(), constraint.referencedColumns(),
				(constraint.index() != null) ? this.to : null));
		if (constraint.index() != null) {
			IndexSnapshot index = target.index(constraint.index()).orElse(null);
			if (index != null) {
				target.removeIndex(index.name());
				target.addIndex(new IndexSnapshot(this.to, index.unique(), index.primary(), index.valid(),
						index.columns(), index.predicate(), index.method(), index.definition(), this.to,
								index.usedColumns()));
			}
			context.schema().occupy(this.to);
		}
	}

	@Override
	public void start(StartContext context) {
		// The old version may refer to the constraint by name until complete.
	}

	@Override
	public void complete(CompleteContext context) {
		String physical = context.tableBefore(this.table).physicalName();
		context.execute("ALTER TABLE " + context.table(physical) + " RENAME CONSTRAINT " + Sql.ident(this.from)
				+ " TO " + Sql.ident(this.to));
	}

	@Override
	public void rollback(RollbackContext context) {
		// Nothing was renamed.
	}

}
