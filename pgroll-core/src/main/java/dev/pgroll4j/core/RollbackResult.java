package dev.pgroll4j.core;

import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The outcome of a successful rollback.
 *
 * @param migration the migration that was rolled back (of a rollout, its last); it leaves no trace in the history
 * @param droppedVersionSchema the version schema it had created
 * @param duration wall-clock time
 * @param migrations the migrations rolled back, in order: the one migration, or every migration of the rollout
 */
public record RollbackResult(String migration, @Nullable String droppedVersionSchema, Duration duration,
		List<String> migrations) {

	/** The outcome of rolling back one migration. */
	public RollbackResult(String migration, @Nullable String droppedVersionSchema, Duration duration) {
		this(migration, droppedVersionSchema, duration, List.of(migration));
	}

	public RollbackResult {
		migrations = List.copyOf(migrations);
	}

}
