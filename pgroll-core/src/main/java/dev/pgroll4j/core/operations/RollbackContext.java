package dev.pgroll4j.core.operations;

import dev.pgroll4j.core.schema.VirtualSchema;

/** What an operation can do while its migration rolls back; statements run in one transaction. */
public interface RollbackContext {

	String schemaName();

	VirtualSchema before();

	VirtualSchema after();

	default String qualified(String physicalTable) {
		return dev.pgroll4j.core.internal.Sql.qualified(schemaName(), physicalTable);
	}

	void execute(String sql);

	void executeUserSql(String sql);

	/** Drops what user SQL run with {@code inferUndo} created at start. */
	void undoInferred();

}
