package dev.pgroll4j.core.operations;

/**
 * One step of a migration. Each implementation keeps its four phases side by side:
 * <ul>
 * <li>{@link #validate} checks the operation against the schema as the earlier operations left it, then applies
 * its change to that virtual schema, so later operations see it. No SQL runs except read-only probes.</li>
 * <li>{@link #start} makes additive changes only (expand), inside the start transaction.</li>
 * <li>{@link #complete} removes what the old version needed and moves things into place (contract).</li>
 * <li>{@link #rollback} undoes {@code start}. It must be safe to run after a start that stopped half-way, so
 * every statement tolerates objects that are already gone.</li>
 * </ul>
 */
public sealed interface Operation permits CreateTable, AddColumn, DropColumn, RenameTable, RenameColumn, DropTable,
		CreateIndex, DropIndex, RenameConstraint, SetReplicaIdentity, RawSql, AlterColumn, CreateConstraint,
		DropConstraint, DropMultiColumnConstraint {

	/** The operation's key in a migration file, such as {@code add_column}. */
	default String kind() {
		return OperationKind.of(this).key();
	}

	/** This operation with every user SQL fragment passed through {@code mapper}. */
	Operation mapSql(SqlMapper mapper);

	void validate(ValidationContext context);

	void start(StartContext context);

	void complete(CompleteContext context);

	void rollback(RollbackContext context);

	/** Whether the operation must be the only one in its migration. */
	default boolean isIsolated() {
		return false;
	}

}
