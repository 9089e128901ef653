package dev.pgroll4j.core;

import java.time.Duration;
import java.util.List;

/**
 * The outcome of a successful start.
 *
 * @param migration the migration name
 * @param versionSchema the new version schema that clients of the new version use
 * @param backfilledRows rows rewritten by the backfill
 * @param duration wall-clock time of the whole start
 * @param warnings problems that did not stop the start, such as a {@code down} expression that names a column
 * that does not exist
 */
public record StartResult(String migration, String versionSchema, long backfilledRows, Duration duration,
		List<String> warnings) {
}
