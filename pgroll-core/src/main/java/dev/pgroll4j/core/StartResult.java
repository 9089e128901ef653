package dev.pgroll4j.core;

import java.time.Duration;
import java.util.List;

/**
 * The outcome of a successful start.
 *
 * @param migration the migration name; of a rollout, its last migration's
 * @param versionSchema the new version schema that clients of the new version use
 * @param backfilledRows rows rewritten by the backfill
 * @param duration wall-clock time of the whole start
 * @param warnings problems that did not stop the start, such as a {@code down} expression that names a column
 * that does not exist
 * @param migrations the migrations started, in order: the one migration, or every migration of the rollout
 */
public record StartResult(String migration, String versionSchema, long backfilledRows, Duration duration,
		List<String> warnings, List<String> migrations) {

	/** The outcome of starting one migration. */
	public StartResult(String migration, String versionSchema, long backfilledRows, Duration duration,
			List<String> warnings) {
		this(migration, versionSchema, backfilledRows, duration, warnings, List.of(migration));
	}

	public StartResult {
		warnings = List.copyOf(warnings);
		migrations = List.copyOf(migrations);
	}

}
