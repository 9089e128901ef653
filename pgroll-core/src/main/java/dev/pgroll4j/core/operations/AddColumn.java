package dev.pgroll4j.core.operations;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.pgroll4j.core.SqlFragment;
import dev.pgroll4j.core.schema.ConstraintSnapshot;
import dev.pgroll4j.core.schema.ConstraintType;
import dev.pgroll4j.core.schema.IndexSnapshot;
import dev.pgroll4j.core.schema.VirtualSchema;
import dev.pgroll4j.core.schema.VirtualTable;
import dev.pgroll4j.core.sql.InternalNames;
import dev.pgroll4j.core.sql.Sql;
import dev.pgroll4j.core.sql.SqlText;

/**
 * {@code add_column}: a new column, visible only to the new version until complete.
 *
 * <p>Start adds it under a temporary name with nothing that scans or rewrites the table: a non-volatile default
 * becomes PostgreSQL's stored "missing value"; NOT NULL, CHECK and FOREIGN KEY are added NOT VALID; UNIQUE is an
 * index built concurrently. {@code up} (or a volatile default) fills the column for existing rows and for rows
 * written through the old version. Complete validates, attaches and renames.
 */
public record AddColumn(@Nullable String table, @Nullable ColumnDefinition column,
		@Nullable String up) implements Operation {

	@Override
	public AddColumn mapSql(SqlMapper mapper) {
		return new AddColumn(this.table, (this.column != null) ? this.column.mapSql(mapper, "column") : null,
				mapper.map("up", SqlFragment.Kind.UP, this.up));
	}

	@Override
	public void validate(ValidationContext context) {
		VirtualSchema schema = context.schema();
		VirtualTable target = context.existingTable("table", this.table);
		context.required("column", this.column);
		Clauses.validateColumn(context, "column", this.column, target.name(), schema);
		String name = this.column.name();
		if (target.column(name).isPresent()) {
			throw context.invalid("column.name", "column \"" + name + "\" already exists in table \"" + this.table
					+ "\"");
		}
		if (target.hasPhysicalColumn(temporaryColumn())) {
			throw context.invalid("column.name", "table \"" + this.table + "\" still has a column \""
					+ temporaryColumn() + "\" from an earlier migration");
		}
		if (!target.createdInMigration()) {
			Clauses.requireTriggerableTable(context, "table", target, "adding a column");
			if (this.column.isUnique()) {
				Clauses.requireConcurrentIndexes(context, "column.unique", target, "a unique column");
			}
		}
		if (this.column.isPrimaryKey()) {
			throw context.invalid("column.pk", "adding a primary key column to an existing table is not supported; "
					+ "add the column, then create the primary key with create_constraint");
		}
		if (this.column.generated() != null) {
			throw context.invalid("column.generated", "adding a generated or identity column to an existing table "
					+ "rewrites the whole table under an exclusive lock, which this tool does not do");
		}
		if (this.column.isSerial()) {
			throw context.invalid("column.type", "a serial column would fill every existing row under an exclusive "
					+ "lock; add an integer column with a nextval() default and up instead");
		}
		boolean hasDefault = this.column.defaultValue() != null;
		if (!this.column.isNullable() && !hasDefault && isBlank(this.up)) {
			throw context.invalid("up", "is required: the column is NOT NULL and has no default, so existing rows and "
					+ "rows written through the old version need a value");
		}
		String type = Clauses.valueType(this.column);
		if (hasDefault) {
			context.checkDefault("column.default", this.column.defaultValue(), type);
		}
		if (!isBlank(this.up)) {
			context.checkValue("up", this.up, target.name(), ValidationContext.columnTypes(target), type);
		}
		if (this.column.check() != null) {
			if (target.constraint(this.column.check().name()).isPresent()) {
				throw context.invalid("column.check.name", "constraint \"" + this.column.check().name()
						+ "\" already exists on table \"" + this.table + "\"");
			}
			Map<String, String> newColumns = new LinkedHashMap<>(ValidationContext.columnTypes(target));
			newColumns.put(name, type);
			context.checkCondition("column.check.constraint", this.column.check().constraint(), newColumns);
		}
		if (this.column.references() != null && target.constraint(this.column.references().name()).isPresent()) {
			throw context.invalid("column.references.name", "constraint \"" + this.column.references().name()
					+ "\" already exists on table \"" + this.table + "\"");
		}
		if (this.column.isUnique() && schema.isOccupied(InternalNames.uniqueIndex(target.physicalName(), name))) {
			throw context.invalid("column.unique", "an index named \""
					+ InternalNames.uniqueIndex(target.physicalName(), name) + "\" is left over from an earlier "
					+ "migration");
		}
		apply(schema, target);
	}

	private void apply(VirtualSchema schema, VirtualTable target) {
		String physical = temporaryColumn();
		String uniqueName = this.column.isUnique() ? uniqueConstraintName(schema, target) : null;
		target.addColumn(Clauses.virtualColumn(this.column, physical, target.nextPosition(),
				this.column.isNullable(), this.column.defaultValue()));
		if (this.column.check() != null) {
			target.addConstraint(new ConstraintSnapshot(this.column.check().name(), ConstraintType.CHECK,
					List.of(physical), null,
					false, null, null, List.of(), null));
		}
		if (this.column.references() != null) {
			ForeignKeyReference reference = this.column.references();
			VirtualTable referenced = schema.table(reference.table()).orElseThrow();
			String referencedColumn = referenced.column(reference.column()).orElseThrow().physicalName();
			target.addConstraint(new ConstraintSnapshot(reference.name(), ConstraintType.FOREIGN_KEY,
					List.of(physical), null, false,
					schema.name(), referenced.physicalName(), List.of(referencedColumn), null));
		}
		if (uniqueName != null) {
			target.addConstraint(new ConstraintSnapshot(uniqueName, ConstraintType.UNIQUE, List.of(physical), null,
					true, null, null,
					List.of(), uniqueName));
			target.addIndex(new IndexSnapshot(uniqueName, true, false, true, List.of(physical), null, "btree", null,
					uniqueName, null));
			schema.occupy(uniqueName);
			schema.occupy(InternalNames.uniqueIndex(target.physicalName(), this.column.name()));
		}
	}

	/** PostgreSQL's {@code <table>_<column>_key}, or the first free variant of it, as PostgreSQL would pick. */
	private String uniqueConstraintName(VirtualSchema schema, VirtualTable target) {
		String base = InternalNames.uniqueConstraint(target.name(), this.column.name());
		String candidate = base;
		for (int i = 1; schema.isOccupied(candidate) || target.constraint(candidate).isPresent(); i++) {
			candidate = base + i;
		}
		return candidate;
	}

	private String temporaryColumn() {
		return InternalNames.temporaryColumn(this.column.name());
	}

	@Override
	public void start(StartContext context) {
		VirtualTable before = context.tableBefore(this.table);
		String physicalTable = before.physicalName();
		String table = context.qualified(physicalTable);
		String temporary = temporaryColumn();
		String type = this.column.type();
		String defaultValue = this.column.defaultValue();
		boolean volatileDefault = defaultValue != null && context.isVolatileDefault("column.default", type,
				defaultValue);

		StringBuilder add = new StringBuilder("ALTER TABLE ").append(table).append(" ADD COLUMN ")
			.append(Sql.ident(temporary)).append(' ').append(type);
		if (defaultValue != null && !volatileDefault) {
			add.append(" DEFAULT ").append(defaultValue);
		}
		context.execute(add.toString());
		if (volatileDefault) {
			// Only new rows get the default; existing rows are filled by the backfill, batch by batch.
			context.execute("ALTER TABLE " + table + " ALTER COLUMN " + Sql.ident(temporary) + " SET DEFAULT "
					+ defaultValue);
		}
		if (this.column.comment() != null) {
			context.execute("COMMENT ON COLUMN " + table + "." + Sql.ident(temporary) + " IS "
					+ Sql.literal(this.column.comment()));
		}
		if (!this.column.isNullable()) {
			context.execute("ALTER TABLE " + table + " ADD CONSTRAINT " + Sql.ident(notNullCheck()) + " CHECK ("
					+ Sql.ident(temporary) + " IS NOT NULL) NOT VALID");
		}
		if (this.column.check() != null) {
			Map<String, String> physicalNames = new LinkedHashMap<>(before.physicalNamesByColumn());
			physicalNames.put(this.column.name(), temporary);
			String expression = SqlText.renameColumns(this.column.check().constraint(), physicalNames);
			context.execute("ALTER TABLE " + table + " ADD CONSTRAINT " + Sql.ident(this.column.check().name())
					+ " CHECK (" + expression + ")" + (this.column.check().isNoInherit() ? " NO INHERIT" : "")
					+ " NOT VALID");
		}
		if (this.column.references() != null) {
			context.execute("ALTER TABLE " + table + " ADD CONSTRAINT " + Sql.ident(this.column.references().name())
					+ " FOREIGN KEY (" + Sql.ident(temporary) + ") "
					+ Clauses.referencesSql(this.column.references(), context.schemaName(), context.before())
					+ " NOT VALID");
		}
		if (this.column.isUnique()) {
			String index = InternalNames.uniqueIndex(physicalTable, this.column.name());
			String on = Sql.ident(index) + " ON " + table + " (" + Sql.ident(temporary) + ")";
			if (before.createdInMigration()) {
				context.execute("CREATE UNIQUE INDEX " + on);
			}
			else {
				context.executeConcurrently("CREATE UNIQUE INDEX CONCURRENTLY " + on,
						"DROP INDEX CONCURRENTLY IF EXISTS " + Sql.qualified(context.schemaName(), index));
			}
		}
		String fill = !isBlank(this.up) ? this.up : (volatileDefault ? defaultValue : null);
		if (fill != null) {
			context.upTrigger(before, temporary, fill);
			if (!before.createdInMigration()) {
				context.backfill(physicalTable);
			}
		}
		if (!before.createdInMigration()) {
			if (!this.column.isNullable()) {
				context.validateAfterBackfill(physicalTable, notNullCheck());
			}
			if (this.column.check() != null) {
				context.validateAfterBackfill(physicalTable, this.column.check().name());
			}
			if (this.column.references() != null) {
				context.validateAfterBackfill(physicalTable, this.column.references().name());
			}
		}
	}

	@Override
	public void complete(CompleteContext context) {
		VirtualTable before = context.tableBefore(this.table);
		String physicalTable = before.physicalName();
		String temporary = temporaryColumn();
		if (!this.column.isNullable()) {
			context.validateConstraint(physicalTable, notNullCheck());
			// SET NOT NULL finds the validated check and skips its own scan of the table.
			context.execute("ALTER TABLE " + context.table(physicalTable) + " ALTER COLUMN "
					+ context.column(physicalTable, temporary) + " SET NOT NULL");
			context.execute("ALTER TABLE " + context.table(physicalTable) + " DROP CONSTRAINT "
					+ Sql.ident(notNullCheck()));
		}
		if (this.column.check() != null) {
			context.validateConstraint(physicalTable, this.column.check().name());
		}
		if (this.column.references() != null) {
			context.validateConstraint(physicalTable, this.column.references().name());
		}
		if (this.column.isUnique()) {
			String name = uniqueConstraintName(context.before(), before);
			context.execute("ALTER TABLE " + context.table(physicalTable) + " ADD CONSTRAINT " + Sql.ident(name)
					+ " UNIQUE USING INDEX " + Sql.ident(InternalNames.uniqueIndex(physicalTable, this.column.name())));
		}
		context.renameColumn(physicalTable, temporary, this.column.name());
		if (!this.column.isNullable()) {
			context.execute(Sql.renameNotNullConstraint(context.table(physicalTable), this.column.name(),
					InternalNames.notNullConstraint(before.name(), this.column.name())));
		}
	}

	@Override
	public void rollback(RollbackContext context) {
		VirtualTable before = context.tableBefore(this.table);
		// Dropping the column also drops its constraints and its unique index, valid or not.
		context.execute("ALTER TABLE IF EXISTS " + context.qualified(before.physicalName())
				+ " DROP COLUMN IF EXISTS " + Sql.ident(temporaryColumn()));
	}

	private String notNullCheck() {
		return InternalNames.notNullCheck(this.column.name());
	}

	private static boolean isBlank(String text) {
		return text == null || text.isBlank();
	}

}
