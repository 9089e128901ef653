package dev.pgroll4j.core.operations;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.pgroll4j.core.schema.ConstraintSnapshot;
import dev.pgroll4j.core.schema.ConstraintType;
import dev.pgroll4j.core.schema.VirtualColumn;
import dev.pgroll4j.core.schema.VirtualTable;
import dev.pgroll4j.core.sql.Sql;

/**
 * Dropping a check, foreign key or unique constraint: the constraint's columns are duplicated without it, so the
 * new version is free of it at once while the old version keeps it; {@code down} must map new-version writes to
 * values that satisfy it. On a table created in the same migration the constraint is simply dropped.
 */
final class ConstraintDrop {

	private final String table;

	private final String name;

	private final Map<String, String> up;

	private final Map<String, String> down;

	private final boolean singleExpressions;

	/**
	 * @param singleExpressions whether the file gives one {@code up} and one {@code down} (drop_constraint), so
	 * errors name those fields rather than {@code up.<column>}
	 */
	ConstraintDrop(String table, String name, Map<String, String> up, Map<String, String> down,
			boolean singleExpressions) {
		this.table = table;
		this.name = name;
		this.up = up;
		this.down = down;
		this.singleExpressions = singleExpressions;
	}

	private String field(String field, String column) {
		return this.singleExpressions ? field : field + "." + column;
	}

	/** The constraint to drop, checked to be of a kind that can be dropped this way. */
	ConstraintSnapshot constraint(ValidationContext context, VirtualTable target) {
		context.checkName("name", context.required("name", this.name));
		ConstraintSnapshot constraint = target.constraint(this.name)
			.orElseThrow(() -> context.invalid("name", "constraint \"" + this.name + "\" does not exist on table \""
					+ target.name() + "\""));
		if (!Set.of(ConstraintType.CHECK, ConstraintType.FOREIGN_KEY,
				ConstraintType.UNIQUE).contains(constraint.type())) {
			throw context.invalid("name", "constraint \"" + this.name + "\" is not a check, foreign key or unique "
					+ "constraint");
		}
		return constraint;
	}

	/** Visible names of the constraint's columns. */
	static List<String> columns(VirtualTable table, ConstraintSnapshot constraint) {
		return constraint.columns().stream()
			.map((physical) -> table.columnByPhysicalName(physical).orElseThrow().name())
			.toList();
	}

	void validate(ValidationContext context, VirtualTable target, ConstraintSnapshot constraint) {
		List<String> columns = columns(target, constraint);
		if (target.createdInMigration()) {
			target.removeConstraint(this.name);
			if (constraint.index() != null) {
				target.removeIndex(constraint.index());
			}
			return;
		}
		MultiColumnSql.validate(context, "up", this.up, columns, false);
		MultiColumnSql.validate(context, "down", this.down, columns, true);
		ColumnDuplication duplication = duplication(context.schema().table(this.table).orElseThrow(), context, columns);
		duplication.validate(context, "name");
		Map<String, String> oldTypes = ValidationContext.columnTypes(target);
		for (String column : columns) {
			context.checkValue(field("up", column), up(column), this.table, oldTypes, oldTypes.get(column));
		}
		duplication.apply(target);
		Map<String, String> newTypes = ValidationContext.columnTypes(target);
		for (String column : columns) {
			context.checkDownValue(field("down", column), this.down.get(column), this.table, newTypes,
					newTypes.get(column));
		}
	}

	private ColumnDuplication duplication(VirtualTable before, ValidationContext context, List<String> columns) {
		return new ColumnDuplication(context.schema(), before, columns, Map.of(), Set.of(this.name));
	}

	private String up(String column) {
		String expression = (this.up != null) ? this.up.get(column) : null;
		return (expression == null || expression.isBlank()) ? Sql.ident(column) : expression;
	}

	void start(StartContext context) {
		VirtualTable before = context.tableBefore(this.table);
		if (before.createdInMigration()) {
			context.execute("ALTER TABLE " + context.qualified(before.physicalName()) + " DROP CONSTRAINT "
					+ Sql.ident(this.name));
			return;
		}
		List<String> columns = columns(before, before.constraint(this.name).orElseThrow());
		new ColumnDuplication(context.before(), before, columns, Map.of(), Set.of(this.name)).start(context);
		VirtualTable after = context.after().table(this.table).orElseThrow();
		for (String column : columns) {
			VirtualColumn old = before.column(column).orElseThrow();
			context.upTrigger(before, ColumnDuplication.temporary(before, old), up(column));
			context.downTrigger(after, old.physicalName(), this.down.get(column));
		}
		context.backfill(before.physicalName());
	}

	void complete(CompleteContext context) {
		VirtualTable before = context.tableBefore(this.table);
		if (!before.createdInMigration()) {
			List<String> columns = columns(before, before.constraint(this.name).orElseThrow());
			new ColumnDuplication(context.before(), before, columns, Map.of(), Set.of(this.name)).complete(context);
		}
	}

	void rollback(RollbackContext context) {
		VirtualTable before = context.tableBefore(this.table);
		if (!before.createdInMigration()) {
			List<String> columns = columns(before, before.constraint(this.name).orElseThrow());
			new ColumnDuplication(context.before(), before, columns, Map.of(), Set.of(this.name)).rollback(context);
		}
	}

	static Map<String, String> single(String column, String sql) {
		Map<String, String> map = new LinkedHashMap<>();
		if (sql != null) {
			map.put(column, sql);
		}
		return map;
	}

}
