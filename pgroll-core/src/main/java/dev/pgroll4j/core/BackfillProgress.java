package dev.pgroll4j.core;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Progress of the backfill of one table.
 *
 * @param migration the migration name
 * @param table the physical table
 * @param rowsDone rows rewritten so far
 * @param rowsTotal estimated rows to rewrite (from table statistics), at least {@code rowsDone}
 * @param finished whether this table is done
 * @param elapsed time spent on this table so far, throttling pauses included
 * @param rowsPerSecond rows rewritten per second so far, 0 before the first batch
 * @param estimatedRemaining time left at that rate for the estimated rows, zero once finished, {@code null} before
 * the first batch
 */
public record BackfillProgress(String migration, String table, long rowsDone, long rowsTotal, boolean finished,
		Duration elapsed, double rowsPerSecond, @Nullable Duration estimatedRemaining) {

	/** Progress after {@code rowsDone} rows in {@code elapsed}, with the rate and the time left derived. */
	public static BackfillProgress of(String migration, String table, long rowsDone, long rowsTotal, boolean finished,
			Duration elapsed) {
		long total = Math.max(rowsDone, rowsTotal);
		double seconds = elapsed.toNanos() / 1e9;
		double rate = (rowsDone > 0 && seconds > 0) ? rowsDone / seconds : 0;
		Duration remaining = finished ? Duration.ZERO
				: (rate > 0) ? Duration.ofNanos((long) ((total - rowsDone) / rate * 1e9)) : null;
		return new BackfillProgress(migration, table, rowsDone, total, finished, elapsed, rate, remaining);
	}

}
