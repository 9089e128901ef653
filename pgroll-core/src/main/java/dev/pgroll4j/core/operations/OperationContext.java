package dev.pgroll4j.core.operations;

import dev.pgroll4j.core.sql.Sql;
import dev.pgroll4j.core.schema.VirtualSchema;

/** What every phase of an operation knows: the migrated schema and the virtual schema around the operation. */
public interface OperationContext {

	/** The physical schema being migrated. */
	String schemaName();

	/** The schema as the earlier operations of the migration left it. */
	VirtualSchema before();

	/** The schema after this operation. */
	VirtualSchema after();

	/** {@code "schema"."name"} for a physical table (or index) name. */
	default String qualified(String physicalName) {
		return Sql.qualified(schemaName(), physicalName);
	}

}
