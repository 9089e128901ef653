package dev.pgroll4j.core;

import java.time.Duration;

/**
 * Learns what the engine does, for metrics, logs or readiness. Called on the migrating thread; must be quick and
 * must not throw (exceptions are logged and ignored).
 */
public interface MigrationListener {

	MigrationListener NONE = new MigrationListener() {
	};

	/**
	 * A migration's version schema exists and clients of the new version can connect: the backfill is done, so
	 * every row already holds the values the new version reads. Called just before {@link #started}.
	 */
	default void versionSchemaCreated(String migration, String versionSchema) {
	}

	default void started(StartResult result) {
	}

	default void completed(CompleteResult result) {
	}

	default void rolledBack(RollbackResult result) {
	}

	/**
	 * A start, complete or rollback failed.
	 * @param operation {@code start}, {@code complete} or {@code rollback}
	 * @param migration the migration, or {@code null} if it is not known
	 */
	default void failed(String operation, String migration, Duration duration, RuntimeException failure) {
	}

}
