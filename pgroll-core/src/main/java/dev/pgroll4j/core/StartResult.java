package dev.pgroll4j.core;

import java.time.Duration;

/**
 * The outcome of a successful start.
 *
 * @param migration the migration name
 * @param versionSchema the new version schema that clients of the new version use
 * @param backfilledRows rows rewritten by the backfill
 * @param duration wall-clock time of the whole start
 */
public record StartResult(String migration, String versionSchema, long backfilledRows, Duration duration) {
}
