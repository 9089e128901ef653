package dev.pgroll4j.core.operations;

import java.util.Locale;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import dev.pgroll4j.core.sql.Sql;
import dev.pgroll4j.core.schema.IndexSnapshot;
import dev.pgroll4j.core.schema.VirtualTable;

/**
 * {@code set_replica_identity}: applied to the table at start (it concerns logical replication, not either
 * version's view). Unlike pgroll, rollback restores the previous replica identity.
 */
public record SetReplicaIdentity(@Nullable String table, @Nullable ReplicaIdentity identity) implements Operation {

	@Override
	public SetReplicaIdentity mapSql(SqlMapper mapper) {
		return this;
	}

	@Override
	public void validate(ValidationContext context) {
		VirtualTable target = context.existingTable("table", this.table);
		context.required("identity", this.identity);
		String type = Clauses.option(context, "identity.type", context.required("identity.type", this.identity.type()),
				Set.of("NOTHING", "DEFAULT", "INDEX", "FULL"), null);
		String index = type.equals("INDEX") ? context.required("identity.index", this.identity.index()) : null;
		if (index != null) {
			IndexSnapshot found = target.index(index)
				.orElseThrow(() -> context.invalid("identity.index", "index \"" + index
						+ "\" does not exist on table \"" + this.table + "\""));
			// PostgreSQL's rules for a replica identity index, checked here so nothing runs if they are broken.
			boolean keyColumnsNotNull = found.columns().stream()
				.allMatch((physical) -> physical != null && target.columnByPhysicalName(physical)
					.map((column) -> !column.nullable())
					.orElse(false));
			if (!found.unique() || found.predicate() != null || !keyColumnsNotNull) {
				throw context.invalid("identity.index", "index \"" + index + "\" cannot identify rows: a replica "
						+ "identity index must be unique, not partial, and on NOT NULL columns only");
			}
		}
		target.setReplicaIdentity(type.substring(0, 1).toLowerCase(Locale.ROOT), index);
	}

	@Override
	public void start(StartContext context) {
		VirtualTable after = context.after().table(this.table).orElseThrow();
		String sql = "ALTER TABLE " + context.qualified(after.physicalName()) + " REPLICA IDENTITY "
				+ clause(after.replicaIdentity(), after.replicaIdentityIndex());
		String index = after.replicaIdentityIndex();
		if (index != null && after.isIndexCreatedInMigration(index) && !after.createdInMigration()) {
			// The index is built concurrently once the start transaction commits; wait for it.
			context.executeConcurrently(sql, null);
		}
		else {
			context.execute(sql);
		}
	}

	@Override
	public void complete(CompleteContext context) {
		// Already in effect since start.
	}

	@Override
	public void rollback(RollbackContext context) {
		VirtualTable before = context.tableBefore(this.table);
		context.execute("ALTER TABLE IF EXISTS " + context.qualified(before.physicalName()) + " REPLICA IDENTITY "
				+ clause(before.replicaIdentity(), before.replicaIdentityIndex()));
	}

	private static String clause(String code, String index) {
		return switch (code) {
			case "n" -> "NOTHING";
			case "f" -> "FULL";
			case "i" -> "USING INDEX " + Sql.ident(index);
			default -> "DEFAULT";
		};
	}

}
