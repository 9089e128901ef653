package dev.pgroll4j.core.internal.engine;

import java.util.List;

import dev.pgroll4j.core.operations.RollbackContext;

/**
 * One operation's view of the rollback: its statements are collected to run, with the other operations' (last
 * operation first), in the rollback transaction.
 */
final class RollbackPhase extends OperationPhase implements RollbackContext {

	private final List<PlannedStatement> statements;

	private final String origin;

	private final List<String> inferredUndo;

	/**
	 * @param inferredUndo the statements that drop what the migration's {@code sql} operation created, as recorded
	 */
	RollbackPhase(String schema, List<PlannedStatement> statements, Plan.Step step, String origin,
			List<String> inferredUndo) {
		super(schema, step);
		this.statements = statements;
		this.origin = origin;
		this.inferredUndo = inferredUndo;
	}

	@Override
	public void undoInferred() {
		this.inferredUndo.forEach((sql) -> this.statements.add(new PlannedStatement(sql, this.origin
				+ ", undoing what up created")));
	}

	@Override
	public void execute(String sql) {
		this.statements.add(new PlannedStatement(sql, this.origin));
	}

	@Override
	public void executeUserSql(String sql) {
		this.statements.add(new PlannedStatement(sql, this.origin + ", field down", true));
	}

}
