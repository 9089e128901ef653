package dev.pgroll4j.core.internal.engine;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import dev.pgroll4j.core.ForeignObjectsException;
import dev.pgroll4j.core.internal.catalog.CreatedObjects;
import dev.pgroll4j.core.internal.catalog.Ownership;
import dev.pgroll4j.core.internal.jdbc.RetryingTransactions;
import dev.pgroll4j.core.internal.sync.VersionSchemas;

/**
 * What complete or rollback drops besides its operations' own statements (a version schema with the engine's
 * views in it, the sync triggers, what a {@code sql} operation created), and the check that nothing the engine did
 * not create is in the way. The check runs before any DDL, and again inside the transaction just before the drops,
 * with the engine's views locked so that no trigger or rule can be added to them in between; the drops themselves
 * never cascade, so whatever slips in after the check fails them and rolls the transaction back.
 *
 * @param schema the migrated schema
 * @param verb {@code complete} or {@code roll back}
 * @param migration how messages name the active rollout ({@code migration "a"}, or the rollout of several)
 * @param versionSchema the version schema it drops, or {@code null}
 * @param viewNames the names the engine gave the views there
 * @param namedLikeTables whether a view named like the table it reads is the engine's too
 * @param created the objects a {@code sql} operation without {@code down} created, which rollback drops
 * @param remaining the version schema that stays, or {@code null}
 */
record Drops(String schema, String verb, String migration, @Nullable String versionSchema, Set<String> viewNames,
		boolean namedLikeTables, List<CreatedObjects.Identity> created, @Nullable String remaining) {

	/**
	 * The check before any DDL.
	 * @return the engine's views in the version schema, by name
	 */
	Map<String, Long> check(Connection connection) throws SQLException {
		return check(connection, null);
	}

	/**
	 * The check just before the drops, which locks the engine's views in the transaction.
	 * @return the engine's views in the version schema, by name
	 */
	Map<String, Long> checkAndLock(RetryingTransactions.Tx tx) throws SQLException {
		return check(tx.connection(), tx);
	}

	/**
	 * Refuses, listing them, when objects the engine did not create live in the version schema, or depend on the
	 * engine's views there, on the sync triggers or on what a {@code sql} operation created.
	 */
	private Map<String, Long> check(Connection connection, RetryingTransactions.@Nullable Tx lockWith)
			throws SQLException {
		String dropped = this.versionSchema;
		Map<String, Long> views = (dropped != null)
				? Ownership.ownViews(connection, this.schema, dropped, this.viewNames, this.namedLikeTables) : Map.of();
		if (lockWith != null && dropped != null && !views.isEmpty()) {
			VersionSchemas.lockViews(lockWith, dropped, views.keySet(), "dropping version schema \"" + dropped + "\"");
		}
		List<Ownership.Foreign> foreign = new ArrayList<>();
		if (dropped != null) {
			String recreate = "drop it, and create it again on the tables of schema \"" + this.schema + "\""
					+ ((this.remaining != null) ? " or the views of version schema \"" + this.remaining + "\"" : "")
					+ " once " + this.verb + " is done";
			String target = Ownership.quoted(connection, this.schema);
			for (Ownership.Foreign object : Ownership.ofVersionSchema(connection, dropped, views.values())) {
				String move = (object.dependsOn() == null) ? Ownership.move(object, target) : null;
				String advice = (object.dependsOn() == null)
						? ((move != null) ? "move it with " + move : "move it to another schema or drop it")
						: (object.type().equals("trigger") || object.type().equals("rule"))
								? "drop it; the version schema's views are the engine's and go with it" : recreate;
				foreign.add(object.advised(advice));
			}
		}
		for (Ownership.Foreign object : Ownership.ofTriggers(connection,
				Ownership.triggerObjects(connection, this.schema))) {
			foreign.add(object.advised("drop it; the sync triggers, their functions and the backfill marker go "
					+ "with the migration"));
		}
		for (Ownership.Foreign object : Ownership.ofCreated(connection,
				CreatedObjects.resolve(connection, this.schema, this.created), views.values())) {
			foreign.add(object.advised("drop it, or change it so that it no longer depends on that: rollback drops "
					+ "what the migration's sql operation created"));
		}
		if (!foreign.isEmpty()) {
			throw refusal(foreign);
		}
		return views;
	}

	private ForeignObjectsException refusal(List<Ownership.Foreign> foreign) {
		List<String> dropped = new ArrayList<>();
		if (this.versionSchema != null) {
			dropped.add("version schema \"" + this.versionSchema + "\"");
		}
		dropped.add("the sync triggers");
		if (!this.created.isEmpty()) {
			dropped.add("what the sql operation created");
		}
		String noun = this.verb.equals("roll back") ? "rollback" : this.verb;
		String last = dropped.remove(dropped.size() - 1);
		String what = dropped.isEmpty() ? last : String.join(", ", dropped) + " and " + last;
		return Ownership.refusal("cannot " + this.verb + " " + this.migration + ": " + noun + " drops "
				+ what + ", but these objects, which the engine did not create, are in the way:", foreign,
				"Nothing was changed; " + this.migration + " is still active. Move or drop these "
						+ "objects, then " + this.verb + " again.");
	}

}
