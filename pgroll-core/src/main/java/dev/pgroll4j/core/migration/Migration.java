package dev.pgroll4j.core.migration;

import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.pgroll4j.core.VersionSelection;
import dev.pgroll4j.core.operations.Operation;

/**
 * A parsed migration.
 *
 * @param name the migration name: the file name without its extension, or the file's {@code name} key
 * @param versionSchema the file's {@code version_schema}, or {@code null} to use the name
 * @param operations the operations, in file order
 * @param source where it came from (a file name or path), used in every error message
 * @param json the migration as a JSON document ({@code operations} and optional {@code version_schema}), the form
 * stored in the history
 */
public record Migration(String name, @Nullable String versionSchema, List<Operation> operations, String source,
		String json) {

	public Migration {
		operations = List.copyOf(operations);
	}

	/** The suffix of this migration's version schema: {@code version_schema} if set, else the name. */
	public String versionName() {
		return (this.versionSchema != null && !this.versionSchema.isEmpty()) ? this.versionSchema : this.name;
	}

	/** The version schema of this migration for a migrated schema: {@code <schema>_<version name>}. */
	public String versionSchemaFor(String schema) {
		return VersionSelection.versionSchemaName(schema, versionName());
	}

}
