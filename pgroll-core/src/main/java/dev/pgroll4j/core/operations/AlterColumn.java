package dev.pgroll4j.core.operations;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import com.fasterxml.jackson.annotation.JsonProperty;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.StringNode;

import dev.pgroll4j.core.SqlFragment;
import dev.pgroll4j.core.schema.ConstraintSnapshot;
import dev.pgroll4j.core.schema.ConstraintType;
import dev.pgroll4j.core.schema.IndexSnapshot;
import dev.pgroll4j.core.schema.VirtualColumn;
import dev.pgroll4j.core.schema.VirtualSchema;
import dev.pgroll4j.core.schema.VirtualTable;
import dev.pgroll4j.core.sql.Sql;
import dev.pgroll4j.core.sql.SqlText;

/**
 * {@code alter_column}: any combination of a new type, NOT NULL set or dropped, a new or dropped default, a
 * unique constraint, a check, a foreign key and a comment.
 *
 * <p>A change that only concerns the comment or the default needs no new column: the new version's view gets it
 * at start and the table at complete. Anything else replaces the column with a duplicate (see
 * {@link ColumnDuplication}) that {@code up} fills from the old version's writes and {@code down} maps back. On a
 * table created earlier in the same migration, the column is changed in place.
 */
public record AlterColumn(@Nullable String table, @Nullable String column, @Nullable String up, @Nullable String down,
		@Nullable String type, @Nullable Boolean nullable, @JsonProperty("default") @Nullable JsonNode defaultValue,
		@Nullable JsonNode comment, @Nullable UniqueDefinition unique, @Nullable CheckDefinition check,
		@Nullable ForeignKeyReference references) implements Operation {

	@Override
	public AlterColumn mapSql(SqlMapper mapper) {
		JsonNode mappedDefault = this.defaultValue;
		if (this.defaultValue != null && this.defaultValue.isString()) {
			mappedDefault = StringNode.valueOf(mapper.map("default", SqlFragment.Kind.DEFAULT,
					this.defaultValue.asString()));
		}
		return new AlterColumn(this.table, this.column, mapper.map("up", SqlFragment.Kind.UP, this.up),
				mapper.map("down", SqlFragment.Kind.DOWN, this.down), this.type, this.nullable, mappedDefault,
				this.comment, this.unique, (this.check != null) ? this.check.mapSql(mapper, "check") : null,
				this.references);
	}

	private boolean setsDefault() {
		return this.defaultValue != null;
	}

	private String newDefault() {
		return (this.defaultValue != null && this.defaultValue.isString()) ? this.defaultValue.asString() : null;
	}

	private boolean setsComment() {
		return this.comment != null;
	}

	private String newComment() {
		return (this.comment != null && this.comment.isString()) ? this.comment.asString() : null;
	}

	/** Whether the change needs a new column; a comment or a default alone does not. */
	private boolean duplicates() {
		return this.type != null || this.nullable != null || this.unique != null || this.check != null
				|| this.references != null;
	}

	private ColumnDuplication.Change change() {
		return new ColumnDuplication.Change(this.type, this.nullable, newDefault(), setsDefault()
				&& newDefault() == null,
				newComment(), setsComment() && newComment() == null);
	}

	private ColumnDuplication duplication(VirtualSchema schema) {
		VirtualTable target = schema.table(this.table).orElseThrow();
		return new ColumnDuplication(schema, target, List.of(this.column), Map.of(this.column, change()), Set.of());
	}

	@Override
	public void validate(ValidationContext context) {
		VirtualSchema schema = context.schema();
		VirtualTable target = context.existingTable("table", this.table);
		VirtualColumn current = context.existingColumn("column", target, this.column);
		if (this.defaultValue != null && !this.defaultValue.isString() && !this.defaultValue.isNull()) {
			throw context.invalid("default", "must be a string (an SQL expression) or null (no default)");
		}
		if (this.comment != null && !this.comment.isString() && !this.comment.isNull()) {
			throw context.invalid("comment", "must be a string or null (no comment)");
		}
		if (!duplicates() && !setsDefault() && !setsComment()) {
			throw context.invalid(null, "changes nothing: give at least one of type, nullable, default, comment, "
					+ "unique, check, references");
		}
		if (this.type != null) {
			context.checkType("type", this.type);
		}
		String finalType = (this.type != null) ? this.type : current.type();
		if (newDefault() != null && current.isIdentity()) {
			throw context.invalid("default", "column \"" + this.column + "\" is an identity column, which draws its "
					+ "values from its sequence and cannot have a default");
		}
		if (newDefault() != null) {
			context.checkDefault("default", newDefault(), finalType);
		}
		else if (this.type != null && !setsDefault() && current.defaultExpression() != null && !current.isIdentity()) {
			context.checkDefault("type", current.defaultExpression(), finalType);
		}
		if (Boolean.FALSE.equals(this.nullable) && !current.nullable()) {
			throw context.invalid("nullable", "column \"" + this.column + "\" is already NOT NULL");
		}
		if (Boolean.TRUE.equals(this.nullable) && current.nullable()) {
			throw context.invalid("nullable", "column \"" + this.column + "\" is already nullable");
		}
		if (Boolean.TRUE.equals(this.nullable) && current.isIdentity()) {
			throw context.invalid("nullable", "an identity column cannot be nullable");
		}
		validateNewConstraints(context, target, current, finalType);

		if (target.createdInMigration()) {
			target.addColumn(alteredInPlace(current));
			addNewConstraints(target, current.physicalName());
			return;
		}
		if (!duplicates()) {
			target.addColumn(current.withViewSettings(
					setsDefault() ? ((newDefault() != null) ? newDefault() : "NULL") : null,
					setsComment() ? ((newComment() != null) ? newComment() : "") : null));
			return;
		}
		if (Boolean.FALSE.equals(this.nullable) && isBlank(this.up)) {
			throw context.invalid("up", "is required when setting NOT NULL: rows that hold NULL need a value");
		}
		if (Boolean.TRUE.equals(this.nullable) && isBlank(this.down)) {
			throw context.invalid("down",
					"is required when dropping NOT NULL: the old version's column stays NOT NULL, "
					+ "so NULLs written through the new version need a value");
		}
		ColumnDuplication duplication = duplication(schema);
		duplication.validate(context, "column");
		context.checkValue("up", upExpression(), target.name(), ValidationContext.columnTypes(target), finalType);
		String temporary = ColumnDuplication.temporary(target, current);
		duplication.apply(target);
		context.checkDownValue("down", downExpression(), target.name(), ValidationContext.columnTypes(target),
				current.type());
		addNewConstraints(target, temporary);
	}

	private void validateNewConstraints(ValidationContext context, VirtualTable target, VirtualColumn current,
			String finalType) {
		if (this.unique != null) {
			context.checkNewName("unique.name", this.unique.name());
			requireFreeConstraintName(context, "unique.name", target, this.unique.name());
			if (context.schema().isOccupied(this.unique.name())) {
				throw context.invalid("unique.name", "a relation named \"" + this.unique.name()
						+ "\" already exists in schema \"" + context.schema().name() + "\"");
			}
		}
		if (this.check != null) {
			context.checkNewName("check.name", this.check.name());
			context.required("check.constraint", this.check.constraint());
			requireFreeConstraintName(context, "check.name", target, this.check.name());
			Map<String, String> columns = new LinkedHashMap<>(ValidationContext.columnTypes(target));
			columns.put(this.column, finalType);
			context.checkCondition("check.constraint", this.check.constraint(), columns);
		}
		if (this.references != null) {
			Clauses.validateReference(context, "references", this.references, context.schema(), this.table,
					this.column);
			requireFreeConstraintName(context, "references.name", target, this.references.name());
		}
	}

	private static void requireFreeConstraintName(ValidationContext context, String field, VirtualTable target,
			String name) {
		if (target.constraint(name).isPresent()) {
			throw context.invalid(field, "constraint \"" + name + "\" already exists on table \"" + target.name()
					+ "\"");
		}
	}

	private VirtualColumn alteredInPlace(VirtualColumn current) {
		ColumnDuplication.Change change = change();
		return current.duplicatedAs(current.physicalName(), (change.type() != null) ? change.type() : current.type(),
				(change.nullable() != null) ? change.nullable() : current.nullable(),
				change.dropDefault() ? null
						: (change.defaultValue() != null) ? change.defaultValue() : current.defaultExpression(),
				change.dropComment() ? null : (change.comment() != null) ? change.comment() : current.comment());
	}

	/** Records the constraints this operation adds, on the physical column that will carry them. */
	private void addNewConstraints(VirtualTable target, String physicalColumn) {
		if (this.unique != null) {
			target.addConstraint(new ConstraintSnapshot(this.unique.name(), ConstraintType.UNIQUE,
					List.of(physicalColumn), null, true,
					null, null, List.of(), this.unique.name()));
			target.addCreatedIndex(new IndexSnapshot(this.unique.name(), true, false, true, List.of(physicalColumn),
					null, "btree", null, this.unique.name(), null));
		}
		if (this.check != null) {
			target.addConstraint(new ConstraintSnapshot(this.check.name(), ConstraintType.CHECK,
					List.of(physicalColumn), null, false,
					null, null, List.of(), null));
		}
		if (this.references != null) {
			target.addConstraint(new ConstraintSnapshot(this.references.name(), ConstraintType.FOREIGN_KEY,
					List.of(physicalColumn), null,
					false, null, this.references.table(), List.of(this.references.column()), null));
		}
	}

	private String upExpression() {
		return isBlank(this.up) ? Sql.ident(this.column) : this.up;
	}

	private String downExpression() {
		return isBlank(this.down) ? Sql.ident(this.column) : this.down;
	}

	private static boolean isBlank(String text) {
		return text == null || text.isBlank();
	}

	@Override
	public void start(StartContext context) {
		VirtualTable before = context.tableBefore(this.table);
		VirtualColumn current = before.column(this.column).orElseThrow();
		String table = context.qualified(before.physicalName());
		if (before.createdInMigration()) {
			alterInPlace(context, table, current);
			return;
		}
		if (!duplicates()) {
			return; // the new version's view carries the new default and comment until complete
		}
		duplication(context.before()).start(context);
		String temporary = ColumnDuplication.temporary(before, current);
		addConstraints(context, before, table, temporary, true);
		VirtualTable after = context.after().table(this.table).orElseThrow();
		context.upTrigger(before, temporary, upExpression());
		context.downTrigger(after, current.physicalName(), downExpression());
		context.backfill(before.physicalName());
		if (this.check != null) {
			context.validateAfterBackfill(before.physicalName(), this.check.name());
		}
		if (this.references != null) {
			context.validateAfterBackfill(before.physicalName(), this.references.name());
		}
	}

	private void alterInPlace(StartContext context, String table, VirtualColumn current) {
		String column = Sql.ident(current.physicalName());
		if (this.type != null) {
			// The table is new and empty: no rows to convert.
			context.execute("ALTER TABLE " + table + " ALTER COLUMN " + column + " TYPE " + this.type + " USING NULL");
		}
		if (this.nullable != null) {
			context.execute("ALTER TABLE " + table + " ALTER COLUMN " + column
					+ (this.nullable ? " DROP NOT NULL" : " SET NOT NULL"));
		}
		if (setsDefault()) {
			context.execute("ALTER TABLE " + table + " ALTER COLUMN " + column
					+ ((newDefault() != null) ? " SET DEFAULT " + newDefault() : " DROP DEFAULT"));
		}
		if (setsComment()) {
			context.execute("COMMENT ON COLUMN " + table + "." + column + " IS " + Sql.literal(newComment()));
		}
		addConstraints(context, context.tableBefore(this.table), table, current.physicalName(),
				false);
	}

	/** Unique, check and foreign key of this operation, on the column that carries the new values. */
	private void addConstraints(StartContext context, VirtualTable before, String table, String physicalColumn,
			boolean existingTable) {
		String column = Sql.ident(physicalColumn);
		if (this.unique != null) {
			String on = Sql.ident(this.unique.name()) + " ON " + table + " (" + column + ")";
			if (existingTable) {
				context.executeConcurrently("CREATE UNIQUE INDEX CONCURRENTLY " + on,
						"DROP INDEX CONCURRENTLY IF EXISTS " + Sql.qualified(context.schemaName(), this.unique.name()));
			}
			else {
				context.execute("ALTER TABLE " + table + " ADD CONSTRAINT " + Sql.ident(this.unique.name())
						+ " UNIQUE (" + column + ")");
			}
		}
		String notValid = existingTable ? " NOT VALID" : "";
		if (this.check != null) {
			Map<String, String> physical = new LinkedHashMap<>(before.physicalNamesByColumn());
			physical.put(this.column, physicalColumn);
			context.execute("ALTER TABLE " + table + " ADD CONSTRAINT " + Sql.ident(this.check.name()) + " CHECK ("
					+ SqlText.renameColumns(this.check.constraint(), physical) + ")"
					+ (this.check.isNoInherit() ? " NO INHERIT" : "") + notValid);
		}
		if (this.references != null) {
			context.execute("ALTER TABLE " + table + " ADD CONSTRAINT " + Sql.ident(this.references.name())
					+ " FOREIGN KEY (" + column + ") "
					+ Clauses.referencesSql(this.references, context.schemaName(), context.before()) + notValid);
		}
	}

	@Override
	public void complete(CompleteContext context) {
		VirtualTable before = context.tableBefore(this.table);
		if (before.createdInMigration()) {
			return;
		}
		String physicalTable = before.physicalName();
		VirtualColumn current = before.column(this.column).orElseThrow();
		if (!duplicates()) {
			String column = context.column(physicalTable, current.physicalName());
			if (setsDefault()) {
				context.execute("ALTER TABLE " + context.table(physicalTable) + " ALTER COLUMN " + column
						+ ((newDefault() != null) ? " SET DEFAULT " + newDefault() : " DROP DEFAULT"));
			}
			if (setsComment()) {
				context.execute("COMMENT ON COLUMN " + context.table(physicalTable) + "." + column + " IS "
						+ Sql.literal(newComment()));
			}
			return;
		}
		if (this.check != null) {
			context.validateConstraint(physicalTable, this.check.name());
		}
		if (this.references != null) {
			context.validateConstraint(physicalTable, this.references.name());
		}
		duplication(context.before()).complete(context);
		if (this.unique != null) {
			context.execute("ALTER TABLE " + context.table(physicalTable) + " ADD CONSTRAINT "
					+ Sql.ident(this.unique.name()) + " UNIQUE USING INDEX " + Sql.ident(this.unique.name()));
		}
	}

	@Override
	public void rollback(RollbackContext context) {
		VirtualTable before = context.tableBefore(this.table);
		if (before.createdInMigration() || !duplicates()) {
			return; // nothing physical changed, or the new table goes as a whole
		}
		duplication(context.before()).rollback(context);
	}

	/** {@code unique: {name: ...}} of alter_column. */
	public record UniqueDefinition(String name) {
	}

}
