package dev.pgroll4j.core.operations;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

import dev.pgroll4j.core.schema.ConstraintType;
import dev.pgroll4j.core.schema.VirtualColumn;
import dev.pgroll4j.core.schema.VirtualSchema;
import dev.pgroll4j.core.schema.VirtualTable;
import dev.pgroll4j.core.sql.ColumnTypes;
import dev.pgroll4j.core.sql.Sql;
import dev.pgroll4j.core.sql.SqlText;

/** SQL clauses and checks shared by the operations that define columns and constraints. */
final class Clauses {

	static final Set<String> REFERENTIAL_ACTIONS = Set.of("NO ACTION", "RESTRICT", "CASCADE", "SET NULL",
			"SET DEFAULT");

	/** PARTIAL is in the SQL standard and pgroll's schema, but PostgreSQL does not implement it. */
	static final Set<String> MATCH_TYPES = Set.of("SIMPLE", "FULL");

	static final Set<String> IDENTITY_KINDS = Set.of("ALWAYS", "BY DEFAULT");

	static final Set<String> INDEX_METHODS = Set.of("BTREE", "HASH", "GIST", "SPGIST", "GIN", "BRIN");

	private Clauses() {
	}

	/**
	 * Refuses tables where a sync trigger or a concurrent index build cannot do its job: with table inheritance a
	 * trigger on the parent does not see the children's rows; partitioned tables cannot build indexes
	 * CONCURRENTLY.
	 */
	static void requireTriggerableTable(ValidationContext context, String field, VirtualTable table, String what) {
		if (!table.inheritanceTables().isEmpty()) {
			throw context.invalid(field, "table \"" + table.name() + "\" takes part in table inheritance (with "
					+ String.join(", ", table.inheritanceTables()) + "); " + what + " needs a trigger on the table, "
					+ "which would not see the rows of inheriting tables, so this is not supported");
		}
	}

	static void requireConcurrentIndexes(ValidationContext context, String field, VirtualTable table, String what) {
		if (table.isPartitioned() && !table.createdInMigration()) {
			throw context.invalid(field, "table \"" + table.name() + "\" is partitioned; " + what
					+ " needs an index built CONCURRENTLY, which PostgreSQL does not support on partitioned tables");
		}
	}

	/** Upper-cases an enumerated option, or fails naming the allowed values. Null and empty mean the default. */
	static String option(ValidationContext context, String field, String value, Set<String> allowed,
			String defaultValue) {
		if (value == null || value.isEmpty()) {
			return defaultValue;
		}
		String normalized = value.strip().toUpperCase(Locale.ROOT);
		if (normalized.equals("PARTIAL") && allowed == MATCH_TYPES) {
			throw context.invalid(field, "MATCH PARTIAL is not implemented by PostgreSQL; use SIMPLE or FULL");
		}
		if (!allowed.contains(normalized)) {
			throw context.invalid(field, "\"" + value + "\" is not one of " + String.join(", ", sorted(allowed)));
		}
		return normalized;
	}

	static String optionOrDefault(String value, String defaultValue) {
		return (value == null || value.isEmpty()) ? defaultValue : value.strip().toUpperCase(Locale.ROOT);
	}

	private static List<String> sorted(Set<String> values) {
		List<String> list = new ArrayList<>(values);
		list.sort(null);
		return list;
	}

	/** Fails unless a fragment that is not passed through the SQL mapper is a single expression. */
	static void checkFragment(ValidationContext context, String field, String sql) {
		if (sql == null || sql.isEmpty()) {
			return;
		}
		String problem = SqlText.expressionProblem(sql);
		if (problem != null) {
			throw context.invalid(field, problem);
		}
	}

	/**
	 * Checks a column definition's own fields (name, type, generated, identity, check name, reference) for a new
	 * column of {@code table}.
	 */
	static void validateColumn(ValidationContext context, String path, ColumnDefinition column, String tableName,
			VirtualSchema schema) {
		context.required(path, column);
		context.checkNewName(path + ".name", column.name());
		context.required(path + ".type", column.type());
		context.checkType(path + ".type", column.type());
		if (column.generated() != null) {
			GeneratedDefinition generated = column.generated();
			boolean hasExpression = generated.expression() != null && !generated.expression().isEmpty();
			if (hasExpression && generated.identity() != null) {
				throw context.invalid(path + ".generated",
						"a column is either generated from an expression or an identity column, not both");
			}
			if (!hasExpression && generated.identity() == null) {
				throw context.invalid(path + ".generated", "needs an expression or an identity");
			}
			if (generated.identity() != null) {
				option(context, path + ".generated.identity.user_specified_values",
						generated.identity().userSpecifiedValues(), IDENTITY_KINDS, "ALWAYS");
				checkFragment(context, path + ".generated.identity.sequence_options",
						generated.identity().sequenceOptions());
			}
			if (column.defaultValue() != null) {
				throw context.invalid(path + ".default", "a generated column cannot have a default");
			}
		}
		if (column.check() != null) {
			context.checkNewName(path + ".check.name", column.check().name());
			context.required(path + ".check.constraint", column.check().constraint());
		}
		if (column.references() != null) {
			validateReference(context, path + ".references", column.references(), schema, tableName,
					column.name());
		}
	}

	static void validateReference(ValidationContext context, String path, ForeignKeyReference reference,
			VirtualSchema schema, String ownTable, String ownColumn) {
		context.checkNewName(path + ".name", reference.name());
		context.required(path + ".table", reference.table());
		context.required(path + ".column", reference.column());
		option(context, path + ".on_delete", reference.onDelete(), REFERENTIAL_ACTIONS, "NO ACTION");
		option(context, path + ".on_update", reference.onUpdate(), REFERENTIAL_ACTIONS, "NO ACTION");
		option(context, path + ".match_type", reference.matchType(), MATCH_TYPES, "SIMPLE");
		if (reference.table().equals(ownTable) && schema.table(ownTable).isEmpty()) {
			return; // a self-reference to the table being created; its columns are checked with the table
		}
		VirtualTable target = context.existingTable(path + ".table", reference.table());
		String column = context.existingColumn(path + ".column", target, reference.column()).physicalName();
		requireUniqueTarget(context, path + ".column", target, List.of(column));
	}

	/**
	 * Fails unless the physical columns of {@code target} are exactly its primary key, a unique constraint or a
	 * unique index, which PostgreSQL requires of a foreign key's referenced columns.
	 */
	static void requireUniqueTarget(ValidationContext context, String field, VirtualTable target,
			List<String> physicalColumns) {
		Set<String> wanted = Set.copyOf(physicalColumns);
		boolean unique = target.constraints().stream()
			.anyMatch((c) -> (c.type() == ConstraintType.PRIMARY_KEY || c.type() == ConstraintType.UNIQUE)
					&& Set.copyOf(c.columns()).equals(wanted))
				|| target.indexes().stream()
					.anyMatch((i) -> i.unique() && i.predicate() == null
							&& i.columns().stream().allMatch(Objects::nonNull)
							&& Set.copyOf(i.columns()).equals(wanted));
		if (!unique) {
			throw context.invalid(field, "a foreign key must reference a primary key or unique columns, and table \""
					+ target.name() + "\" has none on (" + String.join(", ", physicalColumns) + ")");
		}
	}

	/** Physical names of the given columns of a table as this version names them. */
	static List<String> physicalColumns(VirtualTable table, List<String> columns) {
		return columns.stream().map((c) -> table.column(c).map(VirtualColumn::physicalName).orElse(c)).toList();
	}

	/**
	 * {@code "c" type [identity | generated] [DEFAULT x] [NOT NULL]} plus inline check and foreign key. UNIQUE and
	 * PRIMARY KEY are left to the caller.
	 */
	static String columnSql(ColumnDefinition column, String columnName, String schemaName, VirtualSchema schema,
			boolean includeNotNull) {
		StringBuilder sql = new StringBuilder(Sql.ident(columnName)).append(' ').append(column.type());
		if (column.isIdentity()) {
			IdentityDefinition identity = column.generated().identity();
			sql.append(" GENERATED ").append(optionOrDefault(identity.userSpecifiedValues(), "ALWAYS"))
				.append(" AS IDENTITY");
			if (identity.sequenceOptions() != null && !identity.sequenceOptions().isBlank()) {
				sql.append(" (").append(SqlText.terminated(identity.sequenceOptions())).append(')');
			}
		}
		else if (column.isGeneratedExpression()) {
			sql.append(" GENERATED ALWAYS AS (").append(column.generated().expression()).append(") STORED");
		}
		if (column.defaultValue() != null) {
			sql.append(" DEFAULT ").append(column.defaultValue());
		}
		if (includeNotNull && !column.isNullable()) {
			sql.append(" NOT NULL");
		}
		if (column.references() != null) {
			sql.append(" CONSTRAINT ").append(Sql.ident(column.references().name())).append(' ');
			sql.append(referencesSql(column.references(), schemaName, schema));
		}
		if (column.check() != null) {
			sql.append(" CONSTRAINT ").append(Sql.ident(column.check().name())).append(" CHECK (")
				.append(column.check().constraint()).append(')');
			if (column.check().isNoInherit()) {
				sql.append(" NO INHERIT");
			}
		}
		return sql.toString();
	}

	/** {@code REFERENCES "s"."t" ("c") MATCH ... ON DELETE ... ON UPDATE ... [DEFERRABLE ...]}. */
	static String referencesSql(ForeignKeyReference reference, String schemaName, VirtualSchema schema) {
		String table = reference.table();
		String column = reference.column();
		VirtualTable target = schema.table(table).orElse(null);
		if (target != null) {
			table = target.physicalName();
			column = target.column(column).map(VirtualColumn::physicalName).orElse(column);
		}
		StringBuilder sql = new StringBuilder("REFERENCES ").append(Sql.qualified(schemaName, table)).append(" (")
			.append(Sql.ident(column)).append(')');
		sql.append(" MATCH ").append(optionOrDefault(reference.matchType(), "SIMPLE"));
		sql.append(" ON DELETE ").append(optionOrDefault(reference.onDelete(), "NO ACTION"));
		sql.append(" ON UPDATE ").append(optionOrDefault(reference.onUpdate(), "NO ACTION"));
		sql.append(deferrableSql(reference.isDeferrable(), reference.isInitiallyDeferred()));
		return sql.toString();
	}

	static String deferrableSql(boolean deferrable, boolean initiallyDeferred) {
		if (!deferrable) {
			return "";
		}
		return initiallyDeferred ? " DEFERRABLE INITIALLY DEFERRED" : " DEFERRABLE INITIALLY IMMEDIATE";
	}

	/** The type a column's value has in expressions (serial types are integers). */
	static String valueType(ColumnDefinition column) {
		return ColumnTypes.castable(column.type());
	}

	static VirtualColumn virtualColumn(ColumnDefinition column, String physicalName, int position,
			boolean nullable, String defaultExpression) {
		String identity = column.isIdentity()
				? (optionOrDefault(column.generated().identity().userSpecifiedValues(), "ALWAYS").equals("ALWAYS")
						? "a" : "d")
				: "";
		return VirtualColumn.created(column.name(), physicalName, valueType(column), nullable, defaultExpression,
				column.comment(), identity, column.isGeneratedExpression() ? column.generated().expression() : null,
				position);
	}

}
