package dev.pgroll4j.core.operations;

import java.util.Set;

import dev.pgroll4j.core.internal.Sql;
import dev.pgroll4j.core.schema.VirtualTable;

/**
 * {@code set_replica_identity}: applied to the table at start (it concerns logical replication, not either
 * version's view). Unlike pgroll, rollback restores the previous replica identity.
 */
public record SetReplicaIdentity(String table, ReplicaIdentity identity) implements Operation {

	@Override
	public String kind() {
		return "set_replica_identity";
	}

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
		String index = null;
		if (type.equals("INDEX")) {
			index = context.required("identity.index", this.identity.index());
			if (target.index(index).isEmpty()) {
				throw context.invalid("identity.index", "index \"" + index + "\" does not exist on table \""
						+ this.table + "\"");
			}
		}
		target.setReplicaIdentity(type.substring(0, 1).toLowerCase(), index);
	}

	@Override
	public void start(StartContext context) {
		VirtualTable after = context.after().table(this.table).orElseThrow();
		context.execute("ALTER TABLE " + context.qualified(after.physicalName()) + " REPLICA IDENTITY "
				+ clause(after.replicaIdentity(), after.replicaIdentityIndex()));
	}

	@Override
	public void complete(CompleteContext context) {
		// Already in effect since start.
	}

	@Override
	public void rollback(RollbackContext context) {
		VirtualTable before = context.before().table(this.table).orElseThrow();
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
