package dev.pgroll4j.core.schema;

import java.util.List;

/**
 * A constraint as read from the catalog.
 *
 * @param type pg_constraint.contype: {@code p}, {@code u}, {@code c}, {@code f}, {@code x}, or {@code n} for the
 * named NOT NULL constraints of PostgreSQL 18
 * @param referencedSchema for foreign keys, the schema of the referenced table
 * @param index the index that backs a primary key, unique or exclusion constraint
 */
public record ConstraintSnapshot(String name, String type, List<String> columns, String definition,
		boolean validated, String referencedSchema, String referencedTable, List<String> referencedColumns,
		String index) {
}
