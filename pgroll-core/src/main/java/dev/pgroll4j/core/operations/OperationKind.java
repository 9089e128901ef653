package dev.pgroll4j.core.operations;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Every operation this engine knows, under its key in a migration file (pgroll's spelling). The parser reads a file's
 * operations through it and each operation reports its kind from it, so a new operation is registered once.
 */
public enum OperationKind {

	CREATE_TABLE("create_table", CreateTable.class),
	ADD_COLUMN("add_column", AddColumn.class),
	DROP_COLUMN("drop_column", DropColumn.class),
	RENAME_TABLE("rename_table", RenameTable.class),
	RENAME_COLUMN("rename_column", RenameColumn.class),
	DROP_TABLE("drop_table", DropTable.class),
	CREATE_INDEX("create_index", CreateIndex.class),
	DROP_INDEX("drop_index", DropIndex.class),
	RENAME_CONSTRAINT("rename_constraint", RenameConstraint.class),
	SET_REPLICA_IDENTITY("set_replica_identity", SetReplicaIdentity.class),
	SQL("sql", RawSql.class),
	ALTER_COLUMN("alter_column", AlterColumn.class),
	CREATE_CONSTRAINT("create_constraint", CreateConstraint.class),
	DROP_CONSTRAINT("drop_constraint", DropConstraint.class),
	DROP_MULTICOLUMN_CONSTRAINT("drop_multicolumn_constraint", DropMultiColumnConstraint.class);

	private final String key;

	private final Class<? extends Operation> type;

	OperationKind(String key, Class<? extends Operation> type) {
		this.key = key;
		this.type = type;
	}

	/** The operation's key in a migration file, such as {@code add_column}. */
	public String key() {
		return this.key;
	}

	/** The record a file's operation of this kind is read into. */
	public Class<? extends Operation> type() {
		return this.type;
	}

	/** The kind a migration file names, if this engine knows it. */
	public static Optional<OperationKind> byKey(String key) {
		return Arrays.stream(values()).filter((kind) -> kind.key.equals(key)).findFirst();
	}

	/** The kind of an operation. */
	public static OperationKind of(Operation operation) {
		for (OperationKind kind : values()) {
			if (kind.type == operation.getClass()) {
				return kind;
			}
		}
		throw new IllegalStateException(operation.getClass().getName() + " is not registered in OperationKind");
	}

	/** Every key, sorted, as an error message lists them. */
	public static List<String> keys() {
		return Arrays.stream(values()).map(OperationKind::key).sorted().toList();
	}

}
