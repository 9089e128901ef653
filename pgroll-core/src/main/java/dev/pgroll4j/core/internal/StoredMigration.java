package dev.pgroll4j.core.internal;

import java.time.OffsetDateTime;

/** A row of the migrations table. */
public record StoredMigration(String name, String migrationJson, String parent, boolean done,
		OffsetDateTime createdAt, OffsetDateTime updatedAt, String type, String baseSchemaJson, String versionName,
		String inferredUndoJson) {
}
