package dev.pgroll4j.core;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * The outcome of a successful rollback.
 *
 * @param migration the migration that was rolled back; it leaves no trace in the history
 * @param droppedVersionSchema the version schema it had created
 * @param duration wall-clock time
 */
public record RollbackResult(String migration, @Nullable String droppedVersionSchema, Duration duration) {
}
