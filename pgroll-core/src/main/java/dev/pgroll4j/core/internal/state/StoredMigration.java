package dev.pgroll4j.core.internal.state;

import java.time.OffsetDateTime;

/**
 * A row of the migrations table.
 *
 * @param startFinished false while (or if, after a crash) a start is past its DDL but not finished
 * @param versionSchemaExists whether its version schema exists, where the query asked; else {@code null}
 */
public record StoredMigration(String name, String migrationJson, String parent, boolean done,
		OffsetDateTime createdAt, OffsetDateTime updatedAt, String type, String baseSchemaJson, String versionName,
		String inferredUndoJson, boolean startFinished, Boolean versionSchemaExists) {
}
