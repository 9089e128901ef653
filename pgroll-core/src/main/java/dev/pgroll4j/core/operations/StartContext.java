package dev.pgroll4j.core.operations;

import dev.pgroll4j.core.sql.Sql;
import dev.pgroll4j.core.schema.VirtualTable;

/** What an operation can do while a migration starts. Statements run in the start transaction, in order. */
public interface StartContext extends OperationContext {

	void execute(String sql);

	/**
	 * Runs {@code sql} (such as {@code CREATE INDEX CONCURRENTLY}) after the start transaction has committed.
	 * {@code undo} removes a half-built result before a retry or a rollback.
	 */
	void executeConcurrently(String sql, String undo);

	/**
	 * Runs {@code sql} once the backfill has finished, outside the start transaction, such as a foreign key that
	 * must see every row's new column filled. {@code undo} removes its result on rollback.
	 */
	void executeAfterBackfill(String sql, String undo);

	/**
	 * Validates a constraint added NOT VALID once the backfill has filled its column, without blocking reads or
	 * writes; existing rows that violate it fail the start, which is then rolled back. Complete finds it valid.
	 */
	default void validateAfterBackfill(String physicalTable, String constraint) {
		executeAfterBackfill("ALTER TABLE " + qualified(physicalTable) + " VALIDATE CONSTRAINT "
				+ Sql.ident(constraint), null);
	}

	/**
	 * Runs user SQL from a {@code sql} operation. With {@code inferUndo}, the relations, types and functions it
	 * creates in the schema are recorded, so that a rollback can drop exactly those.
	 */
	void executeUserSql(String sql, boolean inferUndo);

	/**
	 * Whether a default expression ({@code field} names it for errors) is volatile, so that adding it to an existing table would rewrite the table
	 * (PostgreSQL only stores non-volatile defaults as a "missing value").
	 */
	boolean isVolatileDefault(String field, String type, String expression);

	/**
	 * Writes through the old version set {@code targetColumn} (physical) of {@code table} to {@code expression},
	 * which sees the columns of {@code table} (as the old version names them) as variables.
	 */
	void upTrigger(VirtualTable table, String targetColumn, String expression);

	/**
	 * Writes through the new version set {@code targetColumn} (physical) of {@code table} to {@code expression},
	 * which sees the columns of {@code table} (as the new version names them) as variables.
	 */
	void downTrigger(VirtualTable table, String targetColumn, String expression);

	/** Rewrites existing rows of a physical table once start has committed, so up triggers fill them. */
	void backfill(String physicalTable);

	/** Re-reads the schema from the catalog after user SQL changed it; the new version schema shows the result. */
	void refreshSchema();

}
