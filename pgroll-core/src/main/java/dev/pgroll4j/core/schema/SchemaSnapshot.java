package dev.pgroll4j.core.schema;

import java.util.List;

/**
 * The physical tables of one schema as read from the catalog. Outside a migration the physical schema is also
 * what every version sees, so a snapshot taken at start is the base from which complete and rollback replay the
 * migration's virtual changes.
 *
 * @param name the schema name
 * @param exists whether the schema existed; start creates a missing one and rollback removes it again
 * @param tables ordinary and partitioned tables (not partitions), by name
 * @param occupiedNames names of every relation and type in the schema; a new table or index may not take one
 */
public record SchemaSnapshot(String name, boolean exists, List<TableSnapshot> tables, List<String> occupiedNames) {
}
