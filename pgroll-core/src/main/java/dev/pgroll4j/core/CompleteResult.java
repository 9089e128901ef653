package dev.pgroll4j.core;

import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The outcome of a successful complete.
 *
 * @param migration the migration name; of a rollout, its last migration's
 * @param versionSchema the version schema that stays
 * @param droppedVersionSchema the previous version schema, now dropped; {@code null} if there was none
 * @param duration wall-clock time
 * @param migrations the migrations completed, in order: the one migration, or every migration of the rollout
 */
public record CompleteResult(String migration, String versionSchema, @Nullable String droppedVersionSchema,
		Duration duration, List<String> migrations) {

	/** The outcome of completing one migration. */
	public CompleteResult(String migration, String versionSchema, @Nullable String droppedVersionSchema,
			Duration duration) {
		this(migration, versionSchema, droppedVersionSchema, duration, List.of(migration));
	}

	public CompleteResult {
		migrations = List.copyOf(migrations);
	}

}
