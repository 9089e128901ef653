package dev.pgroll4j.core.operations;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import dev.pgroll4j.core.schema.ConstraintSnapshot;
import dev.pgroll4j.core.schema.ConstraintType;
import dev.pgroll4j.core.schema.IndexSnapshot;
import dev.pgroll4j.core.schema.VirtualSchema;
import dev.pgroll4j.core.schema.VirtualTable;
import dev.pgroll4j.core.sql.InternalNames;
import dev.pgroll4j.core.sql.Sql;
import dev.pgroll4j.core.sql.SqlText;

/**
 * {@code create_table}: a new table. It is empty and only the new version sees it, so it is created complete in
 * one statement with every constraint valid from the start.
 *
 * <p>Why one file of ~480 lines: pgroll's create_table carries inline columns, constraints, foreign keys,
 * identity and generated columns, each validated and then written into one CREATE TABLE.
 */
public record CreateTable(@Nullable String name, @Nullable List<ColumnDefinition> columns,
		@Nullable List<ConstraintDefinition> constraints, @Nullable String comment) implements Operation {

	private static final Set<String> CONSTRAINT_TYPES = Set.of("unique", "check", "primary_key", "foreign_key",
			"exclude");


	@Override
	public CreateTable mapSql(SqlMapper mapper) {
		List<ColumnDefinition> mappedColumns = null;
		if (this.columns != null) {
			mappedColumns = new ArrayList<>();
			for (int i = 0; i < this.columns.size(); i++) {
				ColumnDefinition column = this.columns.get(i);
				mappedColumns.add((column != null) ? column.mapSql(mapper, "columns[" + i + "]") : null);
			}
		}
		List<ConstraintDefinition> mappedConstraints = null;
		if (this.constraints != null) {
			mappedConstraints = new ArrayList<>();
			for (int i = 0; i < this.constraints.size(); i++) {
				ConstraintDefinition constraint = this.constraints.get(i);
				mappedConstraints.add((constraint != null) ? constraint.mapSql(mapper,
						"constraints[" + i + "]") : null);
			}
		}
		return new CreateTable(this.name, mappedColumns, mappedConstraints, this.comment);
	}

	@Override
	public void validate(ValidationContext context) {
		VirtualSchema schema = context.schema();
		context.checkNewName("name", this.name);
		if (schema.table(this.name).isPresent() || schema.isOccupied(this.name)) {
			throw context.invalid("name", "a table, view, index, sequence or type named \"" + this.name
					+ "\" already exists in schema \"" + schema.name() + "\"");
		}
		if (this.columns == null || this.columns.isEmpty()) {
			throw context.invalid("columns", "a table needs at least one column");
		}
		Map<String, String> columnTypes = new LinkedHashMap<>();
		Set<String> constraintNames = new HashSet<>();
		List<String> primaryKey = new ArrayList<>();
		for (int i = 0; i < this.columns.size(); i++) {
			String path = "columns[" + i + "]";
			ColumnDefinition column = this.columns.get(i);
			Clauses.validateColumn(context, path, column, this.name, schema);
			if (columnTypes.put(column.name(), Clauses.valueType(column)) != null) {
				throw context.invalid(path + ".name", "column \"" + column.name() + "\" is defined twice");
			}
			if (column.isPrimaryKey()) {
				primaryKey.add(column.name());
			}
			if (column.check() != null) {
				addConstraintName(context, path + ".check.name", column.check().name(), constraintNames);
			}
			if (column.references() != null) {
				addConstraintName(context, path + ".references.name", column.references().name(), constraintNames);
			}
		}
		for (int i = 0; i < this.columns.size(); i++) {
			validateColumnExpressions(context, "columns[" + i + "]", this.columns.get(i), columnTypes);
		}
		if (this.constraints != null) {
			for (int i = 0; i < this.constraints.size(); i++) {
				validateConstraint(context, "constraints[" + i + "]", this.constraints.get(i), columnTypes, primaryKey,
						constraintNames);
			}
		}
		VirtualTable created = virtualTable(schema, primaryKey);
		requireUniqueSelfReferences(context, created);
		schema.addTable(created);
	}

	/** Foreign keys of the new table to itself need its own primary key or unique columns as targets. */
	private void requireUniqueSelfReferences(ValidationContext context, VirtualTable created) {
		for (int i = 0; i < this.columns.size(); i++) {
			ForeignKeyReference reference = this.columns.get(i).references();
			if (reference != null && reference.table().equals(this.name)) {
				Clauses.requireUniqueTarget(context, "columns[" + i + "].references.column", created,
						List.of(reference.column()));
			}
		}
		if (this.constraints != null) {
			for (int i = 0; i < this.constraints.size(); i++) {
				TableForeignKeyReference reference = this.constraints.get(i).references();
				if (reference != null && reference.table().equals(this.name)) {
					Clauses.requireUniqueTarget(context, "constraints[" + i + "].references.columns", created,
							reference.columns());
				}
			}
		}
	}

	private void validateColumnExpressions(ValidationContext context, String path, ColumnDefinition column,
			Map<String, String> columnTypes) {
		String type = Clauses.valueType(column);
		if (column.defaultValue() != null) {
			context.checkDefault(path + ".default", column.defaultValue(), type);
		}
		if (column.check() != null) {
			context.checkCondition(path + ".check.constraint", column.check().constraint(), columnTypes);
		}
		if (column.isGeneratedExpression()) {
			context.checkGenerated(path + ".generated.expression", column.generated().expression(), columnTypes,
					type);
		}
		if (column.references() != null && column.references().table().equals(this.name)
				&& !columnTypes.containsKey(column.references().column())) {
			throw context.invalid(path + ".references.column", "column \"" + column.references().column()
					+ "\" does not exist in table \"" + this.name + "\"");
		}
	}

	private void validateConstraint(ValidationContext context, String path, ConstraintDefinition constraint,
			Map<String, String> columnTypes, List<String> columnPrimaryKey, Set<String> constraintNames) {
		context.required(path, constraint);
		context.checkNewName(path + ".name", constraint.name());
		addConstraintName(context, path + ".name", constraint.name(), constraintNames);
		String type = context.required(path + ".type", constraint.type());
		if (!CONSTRAINT_TYPES.contains(type)) {
			throw context.invalid(path + ".type", "\"" + type + "\" is not one of check, exclude, foreign_key, "
					+ "primary_key, unique");
		}
		boolean buildsIndex = type.equals("unique") || type.equals("primary_key") || type.equals("exclude");
		if (buildsIndex && context.schema().isOccupied(constraint.name())) {
			throw context.invalid(path + ".name", "a relation named \"" + constraint.name()
					+ "\" already exists in schema \"" + context.schema().name() + "\"; the constraint's index "
					+ "would take that name");
		}
		if (!type.equals("exclude") && !type.equals("check")) {
			if (constraint.columns() == null || constraint.columns().isEmpty()) {
				throw context.invalid(path + ".columns", "a " + type + " constraint needs columns");
			}
		}
		if (constraint.columns() != null) {
			for (int j = 0; j < constraint.columns().size(); j++) {
				requireColumn(context, path + ".columns[" + j + "]", constraint.columns().get(j), columnTypes);
			}
		}
		if (constraint.indexParameters() != null) {
			IndexParameters parameters = constraint.indexParameters();
			if (!buildsIndex) {
				throw context.invalid(path + ".index_parameters", "only unique, primary_key and exclude "
						+ "constraints have an index");
			}
			if (parameters.includeColumns() != null) {
				for (int j = 0; j < parameters.includeColumns().size(); j++) {
					requireColumn(context, path + ".index_parameters.include_columns[" + j + "]",
							parameters.includeColumns().get(j), columnTypes);
				}
			}
			if (parameters.tablespace() != null && !parameters.tablespace().isEmpty()) {
				context.checkName(path + ".index_parameters.tablespace", parameters.tablespace());
			}
			Clauses.checkFragment(context, path + ".index_parameters.storage_parameters",
					parameters.storageParameters());
		}
		switch (type) {
			case "check" -> {
				context.required(path + ".check", constraint.check());
				if (constraint.isDeferrable() || constraint.isInitiallyDeferred()) {
					throw context.invalid(path + ".deferrable", "check constraints cannot be deferrable");
				}
				if (constraint.isNullsNotDistinct()) {
					throw context.invalid(path + ".nulls_not_distinct", "only applies to unique constraints");
				}
				context.checkCondition(path + ".check", constraint.check(), columnTypes);
			}
			case "primary_key" -> {
				if (!columnPrimaryKey.isEmpty()) {
					throw context.invalid(path, "the primary key is already set by \"pk: true\" on column(s) "
							+ String.join(", ", columnPrimaryKey));
				}
			}
			case "foreign_key" -> validateTableForeignKey(context, path, constraint, columnTypes);
			case "exclude" -> {
				ExcludeDefinition exclude = context.required(path + ".exclude", constraint.exclude());
				if (constraint.columns() != null && !constraint.columns().isEmpty()) {
					throw context.invalid(path + ".columns", "an exclude constraint lists its columns in "
							+ "exclude.elements");
				}
				context.required(path + ".exclude.elements", exclude.elements());
				Clauses.option(context, path + ".exclude.index_method", exclude.indexMethod(),
						Clauses.INDEX_METHODS, "BTREE");
				if (exclude.predicate() != null && !exclude.predicate().isEmpty()) {
					context.checkPredicate(path + ".exclude.predicate", exclude.predicate(), columnTypes);
				}
			}
			default -> {
			}
		}
		if (constraint.isNullsNotDistinct() && !type.equals("unique")) {
			throw context.invalid(path + ".nulls_not_distinct", "only applies to unique constraints");
		}
	}

	private void validateTableForeignKey(ValidationContext context, String path, ConstraintDefinition constraint,
			Map<String, String> columnTypes) {
		TableForeignKeyReference reference = context.required(path + ".references", constraint.references());
		context.required(path + ".references.table", reference.table());
		if (reference.columns() == null || reference.columns().isEmpty()) {
			throw context.invalid(path + ".references.columns", "is required");
		}
		if (reference.columns().size() != constraint.columns().size()) {
			throw context.invalid(path + ".references.columns", "lists " + reference.columns().size()
					+ " column(s) but the constraint has " + constraint.columns().size());
		}
		if (reference.table().equals(this.name)) {
			for (int j = 0; j < reference.columns().size(); j++) {
				requireColumn(context, path + ".references.columns[" + j + "]", reference.columns().get(j),
						columnTypes);
			}
		}
		else {
			VirtualTable target = context.existingTable(path + ".references.table", reference.table());
			for (int j = 0; j < reference.columns().size(); j++) {
				context.existingColumn(path + ".references.columns[" + j + "]", target, reference.columns().get(j));
			}
			Clauses.requireUniqueTarget(context, path + ".references.columns", target,
					Clauses.physicalColumns(target, reference.columns()));
		}
		Clauses.option(context, path + ".references.match_type", reference.matchType(), Clauses.MATCH_TYPES,
				"SIMPLE");
		Clauses.option(context, path + ".references.on_update", reference.onUpdate(),
				Clauses.REFERENTIAL_ACTIONS, "NO ACTION");
		String onDelete = Clauses.option(context, path + ".references.on_delete", reference.onDelete(),
				Clauses.REFERENTIAL_ACTIONS, "NO ACTION");
		if (reference.onDeleteSetColumns() != null && !reference.onDeleteSetColumns().isEmpty()) {
			if (!onDelete.equals("SET NULL") && !onDelete.equals("SET DEFAULT")) {
				throw context.invalid(path + ".references.on_delete_set_columns",
						"is only allowed with on_delete SET NULL or SET DEFAULT");
			}
			for (String column : reference.onDeleteSetColumns()) {
				if (!constraint.columns().contains(column)) {
					throw context.invalid(path + ".references.on_delete_set_columns", "column \"" + column
							+ "\" is not one of the foreign key's columns");
				}
			}
		}
	}

	private static void requireColumn(ValidationContext context, String field, String column,
			Map<String, String> columnTypes) {
		if (column == null || !columnTypes.containsKey(column)) {
			throw context.invalid(field, "column \"" + column + "\" is not defined in this table");
		}
	}

	private static void addConstraintName(ValidationContext context, String field, String name, Set<String> names) {
		if (!names.add(name)) {
			throw context.invalid(field, "constraint name \"" + name + "\" is used twice in this table");
		}
	}

	private VirtualTable virtualTable(VirtualSchema schema, List<String> columnPrimaryKey) {
		List<String> primaryKey = columnPrimaryKey;
		if (this.constraints != null) {
			for (ConstraintDefinition constraint : this.constraints) {
				if (constraint.type().equals("primary_key")) {
					primaryKey = constraint.columns();
				}
			}
		}
		VirtualTable table = new VirtualTable(this.name, this.name, true, this.comment, primaryKey);
		int position = 1;
		for (ColumnDefinition column : this.columns) {
			boolean nullable = column.isNullable() && !column.isPrimaryKey() && !primaryKey.contains(column.name());
			table.addColumn(Clauses.virtualColumn(column, column.name(), position++, nullable, column.defaultValue()));
			if (column.check() != null) {
				table.addConstraint(new ConstraintSnapshot(column.check().name(), ConstraintType.CHECK,
						List.of(column.name()), null,
						true, null, null, List.of(), null));
			}
			if (column.references() != null) {
				ForeignKeyReference reference = column.references();
				table.addConstraint(foreignKey(schema, reference.name(), List.of(column.name()), reference.table(),
						List.of(reference.column())));
			}
			if (column.isUnique()) {
				String unique = InternalNames.uniqueConstraint(this.name, column.name());
				table.addConstraint(new ConstraintSnapshot(unique, ConstraintType.UNIQUE, List.of(column.name()),
						null, true, null, null,
						List.of(), unique));
			}
		}
		if (!columnPrimaryKey.isEmpty()) {
			table.addConstraint(new ConstraintSnapshot(this.name + "_pkey", ConstraintType.PRIMARY_KEY,
					columnPrimaryKey, null, true, null,
					null, List.of(), this.name + "_pkey"));
		}
		if (this.constraints != null) {
			for (ConstraintDefinition constraint : this.constraints) {
				ConstraintType type = switch (constraint.type()) {
					case "unique" -> ConstraintType.UNIQUE;
					case "check" -> ConstraintType.CHECK;
					case "primary_key" -> ConstraintType.PRIMARY_KEY;
					case "foreign_key" -> ConstraintType.FOREIGN_KEY;
					default -> ConstraintType.EXCLUSION;
				};
				boolean buildsIndex = type.buildsIndex();
				List<String> constraintColumns = (constraint.columns() != null) ? constraint.columns() : List.of();
				TableForeignKeyReference reference = constraint.references();
				if (reference != null) {
					table.addConstraint(foreignKey(schema, constraint.name(), constraintColumns, reference.table(),
							reference.columns()));
				}
				else {
					table.addConstraint(new ConstraintSnapshot(constraint.name(), type, constraintColumns, null, true,
							null, null, List.of(), buildsIndex ? constraint.name() : null));
				}
				if (buildsIndex) {
					table.addIndex(new IndexSnapshot(constraint.name(), type != ConstraintType.EXCLUSION,
							type == ConstraintType.PRIMARY_KEY, true,
							constraintColumns, null, null, null, constraint.name(), null));
				}
			}
		}
		return table;
	}

	/** A foreign key as the catalog would show it: referenced table and columns by physical name. */
	private ConstraintSnapshot foreignKey(VirtualSchema schema, String name, List<String> columns, String table,
			List<String> referenced) {
		VirtualTable target = schema.table(table).orElse(null);
		String physicalTable = (target != null) ? target.physicalName() : table;
		List<String> physicalColumns = (target != null) ? Clauses.physicalColumns(target, referenced) : referenced;
		return new ConstraintSnapshot(name, ConstraintType.FOREIGN_KEY, columns, null, true, schema.name(),
				physicalTable, physicalColumns,
				null);
	}

	@Override
	public void start(StartContext context) {
		List<String> parts = new ArrayList<>();
		List<String> primaryKey = new ArrayList<>();
		for (ColumnDefinition column : this.columns) {
			StringBuilder sql = new StringBuilder(
					Clauses.columnSql(column, column.name(), context.schemaName(), context.before(), true));
			if (column.isUnique()) {
				sql.append(" UNIQUE");
			}
			parts.add(sql.toString());
			if (column.isPrimaryKey()) {
				primaryKey.add(column.name());
			}
		}
		if (!primaryKey.isEmpty()) {
			parts.add("PRIMARY KEY (" + Sql.idents(primaryKey) + ")");
		}
		if (this.constraints != null) {
			for (ConstraintDefinition constraint : this.constraints) {
				parts.add(constraintSql(constraint, context));
			}
		}
		context.execute("CREATE TABLE " + context.qualified(this.name) + " (\n  " + String.join(",\n  ", parts)
				+ "\n)");
		if (this.comment != null) {
			context.execute("COMMENT ON TABLE " + context.qualified(this.name) + " IS " + Sql.literal(this.comment));
		}
		for (ColumnDefinition column : this.columns) {
			if (column.comment() != null) {
				context.execute("COMMENT ON COLUMN " + context.qualified(this.name) + "." + Sql.ident(column.name())
						+ " IS " + Sql.literal(column.comment()));
			}
		}
	}

	private String constraintSql(ConstraintDefinition constraint, StartContext context) {
		StringBuilder sql = new StringBuilder("CONSTRAINT ").append(Sql.ident(constraint.name())).append(' ');
		switch (constraint.type()) {
			case "unique" -> {
				sql.append("UNIQUE");
				if (constraint.isNullsNotDistinct()) {
					sql.append(" NULLS NOT DISTINCT");
				}
				sql.append(" (").append(Sql.idents(constraint.columns())).append(')');
				sql.append(indexParametersSql(constraint.indexParameters()));
				sql.append(Clauses.deferrableSql(constraint.isDeferrable(), constraint.isInitiallyDeferred()));
			}
			case "primary_key" -> {
				sql.append("PRIMARY KEY (").append(Sql.idents(constraint.columns())).append(')');
				sql.append(indexParametersSql(constraint.indexParameters()));
				sql.append(Clauses.deferrableSql(constraint.isDeferrable(), constraint.isInitiallyDeferred()));
			}
			case "check" -> {
				sql.append("CHECK (").append(constraint.check()).append(')');
				if (constraint.isNoInherit()) {
					sql.append(" NO INHERIT");
				}
			}
			case "foreign_key" -> {
				TableForeignKeyReference reference = constraint.references();
				String table = reference.table();
				List<String> referenced = reference.columns();
				VirtualTable target = context.before().table(table).orElse(null);
				if (target != null) {
					table = target.physicalName();
					referenced = referenced.stream()
						.map((c) -> target.column(c).map((v) -> v.physicalName()).orElse(c))
						.toList();
				}
				sql.append("FOREIGN KEY (").append(Sql.idents(constraint.columns())).append(") REFERENCES ")
					.append(Sql.qualified(context.schemaName(), table))
					.append(" (")
					.append(Sql.idents(referenced))
					.append(')');
				sql.append(" MATCH ").append(Clauses.optionOrDefault(reference.matchType(), "SIMPLE"));
				sql.append(" ON DELETE ").append(Clauses.optionOrDefault(reference.onDelete(), "NO ACTION"));
				if (reference.onDeleteSetColumns() != null && !reference.onDeleteSetColumns().isEmpty()) {
					sql.append(" (").append(Sql.idents(reference.onDeleteSetColumns())).append(')');
				}
				sql.append(" ON UPDATE ").append(Clauses.optionOrDefault(reference.onUpdate(), "NO ACTION"));
				sql.append(Clauses.deferrableSql(constraint.isDeferrable(), constraint.isInitiallyDeferred()));
			}
			default -> {
				ExcludeDefinition exclude = constraint.exclude();
				String method = (exclude.indexMethod() == null || exclude.indexMethod().isEmpty()) ? "btree"
						: exclude.indexMethod().strip().toLowerCase(Locale.ROOT);
				sql.append("EXCLUDE USING ").append(method).append(" (").append(exclude.elements()).append(')');
				sql.append(indexParametersSql(constraint.indexParameters()));
				if (exclude.predicate() != null && !exclude.predicate().isEmpty()) {
					sql.append(" WHERE (").append(exclude.predicate()).append(')');
				}
				sql.append(Clauses.deferrableSql(constraint.isDeferrable(), constraint.isInitiallyDeferred()));
			}
		}
		return sql.toString();
	}

	private static String indexParametersSql(IndexParameters parameters) {
		if (parameters == null) {
			return "";
		}
		StringBuilder sql = new StringBuilder();
		if (parameters.includeColumns() != null && !parameters.includeColumns().isEmpty()) {
			sql.append(" INCLUDE (").append(Sql.idents(parameters.includeColumns())).append(')');
		}
		if (parameters.storageParameters() != null && !parameters.storageParameters().isBlank()) {
			sql.append(" WITH (").append(SqlText.terminated(parameters.storageParameters())).append(')');
		}
		if (parameters.tablespace() != null && !parameters.tablespace().isEmpty()) {
			sql.append(" USING INDEX TABLESPACE ").append(Sql.ident(parameters.tablespace()));
		}
		return sql.toString();
	}

	@Override
	public void complete(CompleteContext context) {
		// The table was created whole at start; nothing is left to contract.
	}

	@Override
	public void rollback(RollbackContext context) {
		context.execute("DROP TABLE IF EXISTS " + context.qualified(this.name));
	}

}
