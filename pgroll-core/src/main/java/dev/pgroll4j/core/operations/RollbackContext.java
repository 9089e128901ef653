package dev.pgroll4j.core.operations;

/** What an operation can do while its migration rolls back; statements run in one transaction. */
public interface RollbackContext extends OperationContext {

	void execute(String sql);

	void executeUserSql(String sql);

	/** Drops what user SQL run with {@code inferUndo} created at start. */
	void undoInferred();

}
