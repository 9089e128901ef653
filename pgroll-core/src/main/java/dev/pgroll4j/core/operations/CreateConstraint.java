package dev.pgroll4j.core.operations;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import dev.pgroll4j.core.SqlFragment;
import dev.pgroll4j.core.schema.ConstraintSnapshot;
import dev.pgroll4j.core.schema.ConstraintType;
import dev.pgroll4j.core.schema.IndexSnapshot;
import dev.pgroll4j.core.schema.VirtualColumn;
import dev.pgroll4j.core.schema.VirtualTable;
import dev.pgroll4j.core.sql.Sql;
import dev.pgroll4j.core.sql.SqlText;

/**
 * {@code create_constraint}: a unique, check, foreign key or primary key constraint over one or more columns.
 * The columns are duplicated (see {@link ColumnDuplication}); the constraint is built on the copies without
 * blocking ({@code NOT VALID}, or a unique index built concurrently), so only the new version's writes must
 * satisfy it; {@code up} makes old-version writes and existing rows satisfy it, {@code down} maps back.
 */
public record CreateConstraint(@Nullable String table, @Nullable String name, @Nullable String type,
		@Nullable List<String> columns, @Nullable String check, @Nullable Boolean noInherit,
		@Nullable TableForeignKeyReference references, @Nullable IndexParameters indexParameters,
		@Nullable Map<String, String> up, @Nullable Map<String, String> down) implements Operation {

	private static final Set<String> TYPES = Set.of("unique", "check", "foreign_key", "primary_key");


	@Override
	public CreateConstraint mapSql(SqlMapper mapper) {
		return new CreateConstraint(this.table, this.name, this.type, this.columns,
				mapper.map("check", SqlFragment.Kind.CHECK, this.check), this.noInherit, this.references,
				this.indexParameters, mapAll(mapper, "up", SqlFragment.Kind.UP, this.up),
				mapAll(mapper, "down", SqlFragment.Kind.DOWN, this.down));
	}

	static Map<String, String> mapAll(SqlMapper mapper, String field, SqlFragment.Kind kind, Map<String, String> sql) {
		if (sql == null) {
			return null;
		}
		Map<String, String> mapped = new LinkedHashMap<>();
		sql.forEach((column, expression) -> mapped.put(column, mapper.map(field + "." + column, kind, expression)));
		return mapped;
	}

	private boolean isNoInherit() {
		return Boolean.TRUE.equals(this.noInherit);
	}

	@Override
	public void validate(ValidationContext context) {
		VirtualTable target = context.existingTable("table", this.table);
		context.checkNewName("name", this.name);
		String kind = context.required("type", this.type);
		if (!TYPES.contains(kind)) {
			throw context.invalid("type", "\"" + kind + "\" is not one of check, foreign_key, primary_key, unique");
		}
		if (target.constraint(this.name).isPresent()) {
			throw context.invalid("name", "constraint \"" + this.name + "\" already exists on table \"" + this.table
					+ "\"");
		}
		boolean buildsIndex = kind.equals("unique") || kind.equals("primary_key");
		if (buildsIndex && context.schema().isOccupied(this.name)) {
			throw context.invalid("name", "a relation named \"" + this.name + "\" already exists in schema \""
					+ context.schema().name() + "\"; the constraint's index would take that name");
		}
		if (this.columns == null || this.columns.isEmpty()) {
			throw context.invalid("columns", "a constraint needs at least one column");
		}
		Set<String> seen = new HashSet<>();
		for (int i = 0; i < this.columns.size(); i++) {
			VirtualColumn column = context.existingColumn("columns[" + i + "]", target, this.columns.get(i));
			if (!seen.add(column.name())) {
				throw context.invalid("columns[" + i + "]", "column \"" + column.name() + "\" is listed twice");
			}
		}
		if (kind.equals("primary_key") && !target.primaryKey().isEmpty()) {
			throw context.invalid("type", "table \"" + this.table + "\" already has a primary key");
		}
		if (kind.equals("check")) {
			context.required("check", this.check);
		}
		else if (this.check != null) {
			throw context.invalid("check", "only applies to check constraints");
		}
		if (kind.equals("foreign_key")) {
			validateForeignKey(context);
		}
		else if (this.references != null) {
			throw context.invalid("references", "only applies to foreign key constraints");
		}
		if (this.indexParameters != null) {
			if (!buildsIndex) {
				throw context.invalid("index_parameters", "only unique and primary key constraints have an index");
			}
			validateIndexParameters(context, target);
		}
		if (target.createdInMigration()) {
			Map<String, String> columnTypes = ValidationContext.columnTypes(target);
			if (kind.equals("check")) {
				context.checkCondition("check", this.check, columnTypes);
			}
			addConstraint(target, this.columns.stream()
				.map((c) -> target.column(c).orElseThrow().physicalName())
				.toList());
			return;
		}
		MultiColumnSql.validate(context, "up", this.up, this.columns, true);
		MultiColumnSql.validate(context, "down", this.down, this.columns, true);
		ColumnDuplication duplication = new ColumnDuplication(context.schema(), target, this.columns, changes(target),
				Set.of());
		duplication.validate(context, "columns");
		Map<String, String> oldTypes = ValidationContext.columnTypes(target);
		for (String column : this.columns) {
			context.checkValue("up." + column, this.up.get(column), this.table, oldTypes, oldTypes.get(column));
		}
		duplication.apply(target);
		Map<String, String> newTypes = ValidationContext.columnTypes(target);
		for (String column : this.columns) {
			context.checkDownValue("down." + column, this.down.get(column), this.table, newTypes, newTypes.get(column));
		}
		if (kind.equals("check")) {
			context.checkCondition("check", this.check, newTypes);
		}
		addConstraint(target, this.columns.stream()
			.map((c) -> target.column(c).orElseThrow().physicalName())
			.toList());
	}

	private void validateForeignKey(ValidationContext context) {
		TableForeignKeyReference reference = context.required("references", this.references);
		VirtualTable referenced = context.existingTable("references.table", reference.table());
		if (reference.columns() == null || reference.columns().size() != this.columns.size()) {
			throw context.invalid("references.columns", "must list as many columns as the constraint ("
					+ this.columns.size() + ")");
		}
		for (int i = 0; i < reference.columns().size(); i++) {
			context.existingColumn("references.columns[" + i + "]", referenced, reference.columns().get(i));
		}
		Clauses.requireUniqueTarget(context, "references.columns", referenced,
				Clauses.physicalColumns(referenced, reference.columns()));
		Clauses.option(context, "references.match_type", reference.matchType(), Clauses.MATCH_TYPES, "SIMPLE");
		Clauses.option(context, "references.on_update", reference.onUpdate(), Clauses.REFERENTIAL_ACTIONS,
				"NO ACTION");
		String onDelete = Clauses.option(context, "references.on_delete", reference.onDelete(),
				Clauses.REFERENTIAL_ACTIONS, "NO ACTION");
		if (reference.onDeleteSetColumns() != null && !reference.onDeleteSetColumns().isEmpty()) {
			if (!onDelete.equals("SET NULL") && !onDelete.equals("SET DEFAULT")) {
				throw context.invalid("references.on_delete_set_columns",
						"is only allowed with on_delete SET NULL or SET DEFAULT");
			}
			for (String column : reference.onDeleteSetColumns()) {
				if (!this.columns.contains(column)) {
					throw context.invalid("references.on_delete_set_columns", "column \"" + column
							+ "\" is not one of the constraint's columns");
				}
			}
		}
	}

	private void validateIndexParameters(ValidationContext context, VirtualTable target) {
		if (this.indexParameters.includeColumns() != null) {
			for (int i = 0; i < this.indexParameters.includeColumns().size(); i++) {
				context.existingColumn("index_parameters.include_columns[" + i + "]", target,
						this.indexParameters.includeColumns().get(i));
			}
		}
		if (this.indexParameters.tablespace() != null && !this.indexParameters.tablespace().isEmpty()) {
			context.checkName("index_parameters.tablespace", this.indexParameters.tablespace());
		}
		Clauses.checkFragment(context, "index_parameters.storage_parameters",
				this.indexParameters.storageParameters());
	}

	private void addConstraint(VirtualTable target, List<String> physicalColumns) {
		ConstraintType type = switch (this.type) {
			case "unique" -> ConstraintType.UNIQUE;
			case "primary_key" -> ConstraintType.PRIMARY_KEY;
			case "check" -> ConstraintType.CHECK;
			default -> ConstraintType.FOREIGN_KEY;
		};
		boolean buildsIndex = type.buildsIndex();
		List<String> referencedColumns = List.of();
		String referencedTable = null;
		if (this.references != null) {
			referencedTable = this.references.table();
			referencedColumns = this.references.columns();
		}
		// Checks and foreign keys start NOT VALID and are validated at complete.
		boolean validated = type != ConstraintType.CHECK && type != ConstraintType.FOREIGN_KEY;
		target.addConstraint(new ConstraintSnapshot(this.name, type, physicalColumns, null, validated, null,
				referencedTable, referencedColumns, buildsIndex ? this.name : null));
		if (buildsIndex) {
			target.addCreatedIndex(new IndexSnapshot(this.name, true, type == ConstraintType.PRIMARY_KEY, true,
					physicalColumns, null, "btree", null, this.name, null));
		}
		if (type == ConstraintType.PRIMARY_KEY) {
			target.setPrimaryKey(physicalColumns);
		}
	}

	@Override
	public void start(StartContext context) {
		VirtualTable before = context.tableBefore(this.table);
		String table = context.qualified(before.physicalName());
		if (before.createdInMigration()) {
			List<String> physical = this.columns.stream()
				.map((c) -> before.column(c).orElseThrow().physicalName())
				.toList();
			context.execute("ALTER TABLE " + table + " ADD CONSTRAINT " + Sql.ident(this.name) + " "
					+ definition(context, before, physical));
			return;
		}
		ColumnDuplication duplication = new ColumnDuplication(context.before(), before, this.columns,
				changes(before), Set.of());
		duplication.start(context);
		List<String> temporary = this.columns.stream()
			.map((c) -> ColumnDuplication.temporary(before, before.column(c).orElseThrow()))
			.toList();
		switch (this.type) {
			case "unique", "primary_key" -> context.executeConcurrently("CREATE UNIQUE INDEX CONCURRENTLY "
					+ Sql.ident(this.name) + " ON " + table + " (" + Sql.idents(temporary) + ")"
					+ indexOptions(before, true),
					"DROP INDEX CONCURRENTLY IF EXISTS " + Sql.qualified(context.schemaName(), this.name));
			default -> context.execute("ALTER TABLE " + table + " ADD CONSTRAINT " + Sql.ident(this.name) + " "
					+ definition(context, before, temporary) + " NOT VALID");
		}
		VirtualTable after = context.after().table(this.table).orElseThrow();
		for (String column : this.columns) {
			VirtualColumn old = before.column(column).orElseThrow();
			context.upTrigger(before, ColumnDuplication.temporary(before, old), this.up.get(column));
			context.downTrigger(after, old.physicalName(), this.down.get(column));
		}
		context.backfill(before.physicalName());
		if (this.type.equals("check") || this.type.equals("foreign_key")) {
			context.validateAfterBackfill(before.physicalName(), this.name);
		}
	}

	/** Primary key columns become NOT NULL; the copies of the others keep their nullability. */
	private Map<String, ColumnDuplication.Change> changes(VirtualTable before) {
		Map<String, ColumnDuplication.Change> changes = new LinkedHashMap<>();
		if ("primary_key".equals(this.type)) {
			for (String column : this.columns) {
				if (before.column(column).orElseThrow().nullable()) {
					changes.put(column, new ColumnDuplication.Change(null, false, null, false, null, false));
				}
			}
		}
		return changes;
	}

	/** The constraint clause over the given physical columns. */
	private String definition(StartContext context, VirtualTable before, List<String> physical) {
		return switch (this.type) {
			case "unique" -> "UNIQUE (" + Sql.idents(physical) + ")" + indexOptions(before, false);
			case "primary_key" -> "PRIMARY KEY (" + Sql.idents(physical) + ")" + indexOptions(before, false);
			case "check" -> {
				Map<String, String> renames = new LinkedHashMap<>(before.physicalNamesByColumn());
				for (int i = 0; i < this.columns.size(); i++) {
					renames.put(this.columns.get(i), physical.get(i));
				}
				yield "CHECK (" + SqlText.renameColumns(this.check,
						renames) + ")" + (isNoInherit() ? " NO INHERIT" : "");
			}
			default -> {
				VirtualTable referenced = context.tableBefore(this.references.table());
				List<String> referencedColumns = Clauses.physicalColumns(referenced, this.references.columns());
				StringBuilder sql = new StringBuilder("FOREIGN KEY (").append(Sql.idents(physical))
					.append(") REFERENCES ")
					.append(context.qualified(referenced.physicalName()))
					.append(" (")
					.append(Sql.idents(referencedColumns))
					.append(") MATCH ")
					.append(Clauses.optionOrDefault(this.references.matchType(), "SIMPLE"))
					.append(" ON DELETE ")
					.append(Clauses.optionOrDefault(this.references.onDelete(), "NO ACTION"));
				if (this.references.onDeleteSetColumns() != null && !this.references.onDeleteSetColumns().isEmpty()) {
					sql.append(" (").append(Sql.idents(Clauses.physicalColumns(before,
							this.references.onDeleteSetColumns()).stream().map((c) -> physicalFor(c, before, physical))
						.toList())).append(')');
				}
				sql.append(" ON UPDATE ").append(Clauses.optionOrDefault(this.references.onUpdate(), "NO ACTION"));
				yield sql.toString();
			}
		};
	}

	/** The column that carries the constraint for an old physical column: its copy when duplicated. */
	private String physicalFor(String oldPhysical, VirtualTable before, List<String> physical) {
		for (int i = 0; i < this.columns.size(); i++) {
			if (before.column(this.columns.get(i)).orElseThrow().physicalName().equals(oldPhysical)) {
				return physical.get(i);
			}
		}
		return oldPhysical;
	}

	/**
	 * INCLUDE, WITH and TABLESPACE of the constraint's index, which pgroll accepts but ignores. Included columns are
	 * named as the table physically has them; with {@code duplicated}, a column of the constraint is its copy.
	 */
	private String indexOptions(VirtualTable before, boolean duplicated) {
		if (this.indexParameters == null) {
			return "";
		}
		StringBuilder sql = new StringBuilder();
		if (this.indexParameters.includeColumns() != null && !this.indexParameters.includeColumns().isEmpty()) {
			List<String> included = this.indexParameters.includeColumns().stream().map((name) -> {
				VirtualColumn column = before.column(name).orElseThrow();
				return (duplicated && this.columns.contains(name)) ? ColumnDuplication.temporary(before, column)
						: column.physicalName();
			}).toList();
			sql.append(" INCLUDE (").append(Sql.idents(included)).append(')');
		}
		if (this.indexParameters.storageParameters() != null && !this.indexParameters.storageParameters().isBlank()) {
			sql.append(" WITH (").append(SqlText.terminated(this.indexParameters.storageParameters())).append(')');
		}
		if (this.indexParameters.tablespace() != null && !this.indexParameters.tablespace().isEmpty()) {
			sql.append(" TABLESPACE ").append(Sql.ident(this.indexParameters.tablespace()));
		}
		return sql.toString();
	}

	@Override
	public void complete(CompleteContext context) {
		VirtualTable before = context.tableBefore(this.table);
		if (before.createdInMigration()) {
			return;
		}
		String physicalTable = before.physicalName();
		if (this.type.equals("check") || this.type.equals("foreign_key")) {
			context.validateConstraint(physicalTable, this.name);
		}
		new ColumnDuplication(context.before(), before, this.columns, changes(before), Set.of()).complete(context);
		if (this.type.equals("unique") || this.type.equals("primary_key")) {
			context.execute("ALTER TABLE " + context.table(physicalTable) + " ADD CONSTRAINT " + Sql.ident(this.name)
					+ (this.type.equals("unique") ? " UNIQUE" : " PRIMARY KEY") + " USING INDEX " + Sql.ident(this.name));
		}
	}

	@Override
	public void rollback(RollbackContext context) {
		VirtualTable before = context.tableBefore(this.table);
		if (!before.createdInMigration()) {
			new ColumnDuplication(context.before(), before, this.columns, changes(before), Set.of()).rollback(context);
		}
	}

}
