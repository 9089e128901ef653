package dev.pgroll4j.core;

/**
 * Progress of the backfill of one table.
 *
 * @param migration the migration name
 * @param table the physical table
 * @param rowsDone rows rewritten so far
 * @param rowsTotal estimated rows to rewrite (from table statistics), at least {@code rowsDone}
 * @param finished whether this table is done
 */
public record BackfillProgress(String migration, String table, long rowsDone, long rowsTotal, boolean finished) {
}
