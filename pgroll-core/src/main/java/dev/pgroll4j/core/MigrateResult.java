package dev.pgroll4j.core;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * What {@link Pgroll#migrate} did.
 *
 * @param outcome how the database related to the local migrations
 * @param versionSchema the version schema of the newest local migration, the one this application should use;
 * {@code null} when there are no local migrations
 * @param started migrations started, oldest first
 * @param completed migrations completed, oldest first (including one left active earlier)
 */
public record MigrateResult(Outcome outcome, @Nullable String versionSchema, List<String> started,
		List<String> completed) {

	/** How the database related to the local migrations. */
	public enum Outcome {

		/** There are no local migrations. */
		NO_MIGRATIONS,

		/** Every local migration had been started already. */
		UP_TO_DATE,

		/** Pending local migrations were started (and all but the last completed). */
		MIGRATED,

		/**
		 * The database has migrations newer than the local ones (an older application instance is starting during
		 * a rollout); nothing was changed and this application's version schema still exists.
		 */
		DATABASE_AHEAD

	}

}
