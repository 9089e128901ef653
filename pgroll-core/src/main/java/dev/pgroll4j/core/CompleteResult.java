package dev.pgroll4j.core;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * The outcome of a successful complete.
 *
 * @param migration the migration name
 * @param versionSchema the version schema that stays
 * @param droppedVersionSchema the previous version schema, now dropped; {@code null} if there was none
 * @param duration wall-clock time
 */
public record CompleteResult(String migration, String versionSchema, @Nullable String droppedVersionSchema,
		Duration duration) {
}
