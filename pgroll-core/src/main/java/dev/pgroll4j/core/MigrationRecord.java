package dev.pgroll4j.core;

import java.time.OffsetDateTime;

import org.jspecify.annotations.Nullable;

/**
 * One row of the migration history.
 *
 * @param name the migration name
 * @param versionSchema the version schema named after it (it may since have been dropped); a migration before the
 * last of a rollout never had one, as no release ships it
 * @param parent the migration before it, {@code null} for the first
 * @param done whether it is complete; the one migration that is not is the active one
 * @param type {@code pgroll}, or {@code inferred}/{@code baseline} for rows written by pgroll itself
 * @param startFinished false while its start is still building indexes, backfilling or validating, or if the
 * process running that start died (then {@code repair} rolls it back)
 * @param rollout the first migration of the rollout it was started in (a release's migrations start together, see
 * {@link Pgroll#start(java.util.List)}), or {@code null} when it was started alone
 */
public record MigrationRecord(String name, String versionSchema, @Nullable String parent, boolean done,
		OffsetDateTime createdAt, OffsetDateTime updatedAt, String type, boolean startFinished,
		@Nullable String rollout) {
}
