package dev.pgroll4j.core.internal.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.pgroll4j.core.operations.CompleteContext;
import dev.pgroll4j.core.sql.Sql;

/**
 * One operation's view of the complete: it collects the operation's statements into the {@link Collected} of the
 * whole migration, and names objects by what the earlier operations renamed them to.
 */
final class CompletePhase extends OperationPhase implements CompleteContext {

	private final Collected collected;

	private final String origin;

	private CompletePhase(Collected collected, Plan.Step step, String origin) {
		super(collected.schema, step);
		this.collected = collected;
		this.origin = origin;
	}

	@Override
	public String table(String physicalTable) {
		return Sql.qualified(schemaName(), this.collected.tableNames.getOrDefault(physicalTable, physicalTable));
	}

	@Override
	public String column(String physicalTable, String physicalColumn) {
		return Sql.ident(this.collected.columnNames.getOrDefault(physicalTable, Map.of())
			.getOrDefault(physicalColumn, physicalColumn));
	}

	@Override
	public void validateConstraint(String physicalTable, String constraint) {
		this.collected.validations.add(new PlannedStatement("ALTER TABLE " + Sql.qualified(schemaName(), physicalTable)
				+ " VALIDATE CONSTRAINT " + Sql.ident(constraint), this.origin));
	}

	@Override
	public void execute(String sql) {
		this.collected.statements.add(new PlannedStatement(sql, this.origin));
	}

	@Override
	public void renameTable(String physicalTable, String newName) {
		this.collected.statements.add(new PlannedStatement("ALTER TABLE " + table(physicalTable) + " RENAME TO "
				+ Sql.ident(newName), this.origin));
		this.collected.tableNames.put(physicalTable, newName);
	}

	@Override
	public void renameColumn(String physicalTable, String physicalColumn, String newName) {
		this.collected.statements.add(new PlannedStatement("ALTER TABLE " + table(physicalTable) + " RENAME COLUMN "
				+ column(physicalTable, physicalColumn) + " TO " + Sql.ident(newName), this.origin));
		this.collected.columnNames.computeIfAbsent(physicalTable, (k) -> new HashMap<>())
			.put(physicalColumn, newName);
	}

	@Override
	public void executeUserSql(String sql) {
		this.collected.statements.add(new PlannedStatement(sql, this.origin + ", field up", true));
	}

	/**
	 * What the operations of one complete collected, in order: the constraint validations, which run first, each
	 * in its own transaction, and the statements of the complete transaction; and the renames so far.
	 */
	static final class Collected {

		private final String schema;

		private final Map<String, String> tableNames = new HashMap<>();

		private final Map<String, Map<String, String>> columnNames = new HashMap<>();

		final List<PlannedStatement> validations = new ArrayList<>();

		final List<PlannedStatement> statements = new ArrayList<>();

		Collected(String schema) {
			this.schema = schema;
		}

		CompleteContext forStep(Plan.Step step, String origin) {
			return new CompletePhase(this, step, origin);
		}

	}

}
