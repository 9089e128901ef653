package dev.pgroll4j.core.operations;

import dev.pgroll4j.core.schema.VirtualSchema;
import dev.pgroll4j.core.schema.VirtualTable;
import dev.pgroll4j.core.sql.Sql;

/** What every phase of an operation knows: the migrated schema and the virtual schema around the operation. */
public interface OperationContext {

	/** The physical schema being migrated. */
	String schemaName();

	/** The schema as the earlier operations of the migration left it. */
	VirtualSchema before();

	/** The schema after this operation. */
	VirtualSchema after();

	/**
	 * A table as the earlier operations of the migration left it. Validation has checked that every table an
	 * operation names exists, so a missing one is a bug, reported with its name.
	 */
	default VirtualTable tableBefore(String name) {
		return before().table(name)
			.orElseThrow(() -> new IllegalStateException(
					"table \"" + name + "\" is not in the schema before this operation, though validation passed"));
	}

	/** {@code "schema"."name"} for a physical table (or index) name. */
	default String qualified(String physicalName) {
		return Sql.qualified(schemaName(), physicalName);
	}

}
