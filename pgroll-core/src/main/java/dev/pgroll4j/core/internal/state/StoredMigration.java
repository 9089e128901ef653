package dev.pgroll4j.core.internal.state;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import dev.pgroll4j.core.VersionSelection;
import dev.pgroll4j.core.internal.catalog.CreatedObjects;
import dev.pgroll4j.core.migration.Migration;
import dev.pgroll4j.core.migration.MigrationParser;
import dev.pgroll4j.core.schema.SchemaSnapshot;

/**
 * A row of the migrations table. Its documents (the migration, the base schema, what to undo) are read from their
 * stored JSON only when asked for, so that a row another tool wrote costs nothing, and fails nothing, until a verb
 * needs what it holds. Rows read for a summary ({@link StateStore#newest}) hold no documents.
 */
public final class StoredMigration {

	private final String name;

	private final @Nullable String migration;

	private final @Nullable String parent;

	private final boolean done;

	private final OffsetDateTime createdAt;

	private final OffsetDateTime updatedAt;

	private final String type;

	private final @Nullable String baseSchema;

	private final String versionName;

	private final @Nullable String inferredUndo;

	private final boolean startFinished;

	private final @Nullable String rollout;

	private final @Nullable Boolean versionSchemaExists;

	StoredMigration(String name, @Nullable String migration, @Nullable String parent, boolean done,
			OffsetDateTime createdAt, OffsetDateTime updatedAt, String type, @Nullable String baseSchema,
			String versionName, @Nullable String inferredUndo, boolean startFinished, @Nullable String rollout,
			@Nullable Boolean versionSchemaExists) {
		this.name = name;
		this.migration = migration;
		this.parent = parent;
		this.done = done;
		this.createdAt = createdAt;
		this.updatedAt = updatedAt;
		this.type = type;
		this.baseSchema = baseSchema;
		this.versionName = versionName;
		this.inferredUndo = inferredUndo;
		this.startFinished = startFinished;
		this.rollout = rollout;
		this.versionSchemaExists = versionSchemaExists;
	}

	public String name() {
		return this.name;
	}

	/** The migration before it, or {@code null} for the first. */
	public @Nullable String parent() {
		return this.parent;
	}

	public boolean done() {
		return this.done;
	}

	public OffsetDateTime createdAt() {
		return this.createdAt;
	}

	public OffsetDateTime updatedAt() {
		return this.updatedAt;
	}

	/** {@code pgroll}, or {@code inferred} and {@code baseline} for rows pgroll writes that hold nothing to run. */
	public String type() {
		return this.type;
	}

	/** The version schema's name without the schema prefix: the migration's {@code version_schema}, or its name. */
	public String versionName() {
		return this.versionName;
	}

	/** The version schema of this migration of {@code schema}. */
	public String versionSchema(String schema) {
		return VersionSelection.versionSchemaName(schema, this.versionName);
	}

	/** False while (or if, after a crash) a start is past its DDL but not finished. */
	public boolean startFinished() {
		return this.startFinished;
	}

	/**
	 * The first migration of the rollout it was started in (its own name if it was the first), or {@code null} when
	 * it was started alone or by another tool.
	 */
	public @Nullable String rollout() {
		return this.rollout;
	}

	/** Whether its version schema exists, where the query asked ({@link StateStore#newest}); else {@code null}. */
	public @Nullable Boolean versionSchemaExists() {
		return this.versionSchemaExists;
	}

	/** Whether the history holds the same document as the file (equal as JSON: jsonb orders keys its own way). */
	public boolean sameContentAs(Migration file) {
		return HistoryJson.sameContent(file.json(), stored(this.migration));
	}

	/**
	 * Where the file differs from the migration the history holds, by path (history on the left, file on the
	 * right).
	 */
	public MigrationDiff differencesFrom(Migration file) {
		return MigrationDiff.between(stored(this.migration), file.json());
	}

	/**
	 * The migration the history holds, parsed.
	 * @param source how errors name it
	 */
	public Migration migration(String source) {
		return MigrationParser.parseJson(this.name, source, stored(this.migration));
	}

	/** Whether the row records the schema as it was when the migration started (this engine's rows do). */
	public boolean recordsBaseSchema() {
		return this.baseSchema != null;
	}

	/** The schema as it was when the migration started; only where {@link #recordsBaseSchema}. */
	public SchemaSnapshot baseSchema() {
		return HistoryJson.readSchema(Objects.requireNonNull(this.baseSchema, "no base schema recorded"));
	}

	/** Whether the row records what a {@code sql} operation without {@code down} created. */
	public boolean recordsUndo() {
		return this.inferredUndo != null;
	}

	/**
	 * What a {@code sql} operation without {@code down} created, as recorded (not yet checked against the schema,
	 * see {@link CreatedObjects#recorded}); only where {@link #recordsUndo}.
	 * @param refused the start of the error message when the record is neither identities nor the previous
	 * release's statements
	 */
	public List<CreatedObjects.Identity> inferredUndo(String refused) {
		return HistoryJson.readUndo(Objects.requireNonNull(this.inferredUndo, "no undo recorded"), refused);
	}

	private String stored(@Nullable String document) {
		return Objects.requireNonNull(document, () -> "the row of migration \"" + this.name
				+ "\" was read without its documents");
	}

}
