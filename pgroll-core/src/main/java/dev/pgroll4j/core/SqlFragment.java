package dev.pgroll4j.core;

/**
 * One user-written SQL fragment of a migration.
 *
 * @param migration the migration name
 * @param operationIndex index of the operation in {@code operations}
 * @param operation the operation kind, such as {@code add_column}
 * @param field the field, such as {@code up} or {@code column.default}
 * @param kind what the fragment is
 * @param sql the fragment as written
 */
public record SqlFragment(String migration, int operationIndex, String operation, String field, Kind kind,
		String sql) {

	/** The role a fragment plays. */
	public enum Kind {

		UP, DOWN, DEFAULT, CHECK, GENERATED, PREDICATE, EXCLUDE_ELEMENTS, STORAGE_PARAMETERS, OPCLASS_PARAMETER,
		RAW_SQL

	}

}
