package dev.pgroll4j.core;

/**
 * Rewrites or rejects every SQL fragment a migration file supplies (up, down, defaults, checks, predicates, raw
 * SQL) before validation. Throw any runtime exception to reject a fragment; the migration then fails validation
 * with that exception's message, naming the file, operation and field, and nothing is executed.
 */
@FunctionalInterface
public interface SqlTransformer {

	SqlTransformer IDENTITY = (fragment) -> fragment.sql();

	/** Returns the SQL to use instead of {@code fragment.sql()}. */
	String transform(SqlFragment fragment);

}
