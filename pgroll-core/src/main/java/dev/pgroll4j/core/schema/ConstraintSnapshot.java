package dev.pgroll4j.core.schema;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A constraint as read from the catalog.
 *
 * @param type the kind of constraint (stored as pg_constraint.contype's letter)
 * @param referencedSchema for foreign keys, the schema of the referenced table
 * @param index the index that backs a primary key, unique or exclusion constraint
 */
public record ConstraintSnapshot(String name, ConstraintType type, List<String> columns, @Nullable String definition,
		boolean validated, @Nullable String referencedSchema, @Nullable String referencedTable,
		List<String> referencedColumns, @Nullable String index) {
}
