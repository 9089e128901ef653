package dev.pgroll4j.core.operations;

import java.util.Map;

import dev.pgroll4j.core.MigrationValidationException;
import dev.pgroll4j.core.schema.VirtualColumn;
import dev.pgroll4j.core.schema.VirtualSchema;
import dev.pgroll4j.core.schema.VirtualTable;

/**
 * What an operation sees while it validates. Errors are raised through {@link #invalid}, which names the file,
 * the operation and the field. When the engine replays a migration for complete or rollback the database probes
 * do nothing; the checks ran when the migration started.
 */
public interface ValidationContext {

	/** The schema as the earlier operations of the migration left it; validation applies its change here. */
	VirtualSchema schema();

	/** An exception naming this operation and {@code field}, for the caller to throw. */
	MigrationValidationException invalid(String field, String detail);

	/** Fails unless {@code value} is present (and, for text, not empty). */
	default <T> T required(String field, T value) {
		if (value == null || (value instanceof String text && text.isEmpty())) {
			throw invalid(field, "is required");
		}
		return value;
	}

	/** Fails unless {@code name} can name an existing object. */
	void checkName(String field, String name);

	/** Fails unless {@code name} can name a new object (as {@link #checkName}, and not a reserved name). */
	void checkNewName(String field, String name);

	/** The visible table of that name, or a failure naming {@code field}. */
	default VirtualTable existingTable(String field, String name) {
		required(field, name);
		return schema().table(name)
			.orElseThrow(() -> invalid(field, "table \"" + name + "\" does not exist in schema \""
					+ schema().name() + "\""));
	}

	/** The visible column of that table, or a failure naming {@code field}. */
	default VirtualColumn existingColumn(String field, VirtualTable table, String name) {
		required(field, name);
		return table.column(name)
			.orElseThrow(() -> invalid(field, "column \"" + name + "\" does not exist in table \""
					+ table.name() + "\""));
	}

	/** Fails unless PostgreSQL knows the type (serial types included). */
	void checkType(String field, String type);

	/**
	 * Fails unless {@code sql} can be assigned to a column of {@code type} when the given columns (name to type) are
	 * in scope, as {@code up} and {@code down} are in the sync trigger.
	 */
	void checkValue(String field, String sql, String table, Map<String, String> columns, String type);

	/**
	 * As {@link #checkValue}, for a {@code down} expression. pgroll never checks {@code down}, and files written
	 * for it may carry one that names a column that does not exist (only writes through the new version would
	 * fail); such an unresolved reference is reported as a warning unless strict checks are configured.
	 */
	void checkDownValue(String field, String sql, String table, Map<String, String> columns, String type);

	/** Fails unless {@code sql} is a valid DEFAULT of a column of {@code type}. */
	void checkDefault(String field, String sql, String type);

	/** Fails unless {@code sql} is a valid CHECK constraint over the given columns. */
	void checkCondition(String field, String sql, Map<String, String> columns);

	/** Fails unless {@code sql} can generate a stored column of {@code type} from the given columns. */
	void checkGenerated(String field, String sql, Map<String, String> columns, String type);

	/** Fails unless {@code sql} is a valid partial-index predicate over the given columns. */
	void checkPredicate(String field, String sql, Map<String, String> columns);

	/**
	 * Objects that depend on a physical column and would block dropping it at complete (views outside this tool's
	 * version schemas, policies, triggers), and with {@code includeLostOnDrop} also those that would silently go
	 * with it (extended statistics). Described as "view s.v", "policy p", ...; empty when replaying.
	 */
	java.util.List<String> dependentsOf(String physicalTable, String physicalColumn, boolean includeLostOnDrop);

	/** Column name to type, for {@link #checkExpression}: the visible columns of {@code table}. */
	static Map<String, String> columnTypes(VirtualTable table) {
		Map<String, String> types = new java.util.LinkedHashMap<>();
		table.columns().forEach((column) -> types.put(column.name(), column.type()));
		return types;
	}

}
