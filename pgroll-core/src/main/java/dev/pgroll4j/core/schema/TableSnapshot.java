package dev.pgroll4j.core.schema;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A table as read from the catalog. Column lists in constraints and indexes use column names.
 *
 * @param replicaIdentity {@code d}efault, {@code n}othing, {@code f}ull or {@code i}ndex, as in pg_class
 * @param partitioned whether it is a partitioned table
 * @param inheritanceTables the tables it inherits from and those that inherit from it (not partitioning)
 */
public record TableSnapshot(String name, @Nullable String comment, List<ColumnSnapshot> columns,
		List<String> primaryKey, List<ConstraintSnapshot> constraints, List<IndexSnapshot> indexes,
		@Nullable String replicaIdentity, @Nullable String replicaIdentityIndex, boolean partitioned,
		List<String> inheritanceTables) {
}
