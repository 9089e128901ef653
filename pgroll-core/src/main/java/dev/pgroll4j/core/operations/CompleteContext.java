package dev.pgroll4j.core.operations;

/**
 * What an operation can do while its migration completes. Operations address objects by the physical names they
 * had during the migration; renames done by earlier operations are tracked here, so {@link #table} and
 * {@link #column} always return the current name.
 */
public interface CompleteContext extends OperationContext {

	/** The current qualified name of a table, given its physical name during the migration. */
	String table(String physicalTable);

	/** The current quoted name of a column, given physical names during the migration. */
	String column(String physicalTable, String physicalColumn);

	/**
	 * Validates a NOT VALID constraint. Validation scans the table, so it runs before the complete transaction
	 * under a lock that lets reads and writes through.
	 */
	void validateConstraint(String physicalTable, String constraint);

	/** Runs a statement in the complete transaction. */
	void execute(String sql);

	void renameTable(String physicalTable, String newName);

	void renameColumn(String physicalTable, String physicalColumn, String newName);

	void executeUserSql(String sql);

}
