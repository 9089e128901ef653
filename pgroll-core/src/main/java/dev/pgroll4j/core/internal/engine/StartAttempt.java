package dev.pgroll4j.core.internal.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import dev.pgroll4j.core.internal.sync.Triggers;
import dev.pgroll4j.core.schema.VirtualSchema;

/**
 * What one attempt of the start transaction collected from the operations for the steps that follow it: the sync
 * triggers, the statements that run after the transaction commits, the tables to backfill. A retried transaction
 * starts a new attempt, so nothing is collected twice.
 */
final class StartAttempt {

	/** The migrated schema. */
	final String schema;

	final Triggers triggers;

	/** Statements (such as {@code CREATE INDEX CONCURRENTLY}) that run once the transaction committed. */
	final List<Deferred> concurrent = new ArrayList<>();

	/** Statements that run once the backfill is done. */
	final List<Deferred> afterBackfill = new ArrayList<>();

	/** The physical tables to backfill, in the order the operations asked. */
	final Set<String> backfills = new LinkedHashSet<>();

	/** For each backfilled table, the operations whose up expressions its trigger runs. */
	final Map<String, Set<String>> fillers = new HashMap<>();

	/** The schema as user SQL left it, re-read from the catalog, or {@code null} when the plan says it all. */
	@Nullable VirtualSchema refreshed;

	StartAttempt(String schema, Triggers triggers) {
		this.schema = schema;
		this.triggers = triggers;
	}

	/**
	 * A statement that runs outside the start transaction.
	 * @param undo what removes a half-built result before a retry or a rollback, or {@code null}
	 */
	record Deferred(String sql, @Nullable String undo, String origin) {
	}

}
