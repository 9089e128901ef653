package dev.pgroll4j.core;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;

/**
 * How a client selects a version of a migrated schema: by its <em>version schema</em>, named
 * {@code <schema>_<version>}, placed alone on the session's {@code search_path} and named in the
 * {@code pgroll.version_schema} setting, which the sync triggers read to tell the new version's writes from the old
 * one's.
 *
 * <p>A plain JDBC client selects a version either per connection, with {@link #apply(Connection)} (a {@code SET},
 * which {@code RESET ALL} and {@code DISCARD ALL} undo), or for every connection a driver opens, with
 * {@link #startupOptions()} as pgjdbc's {@code options} property (startup values are the session's reset values, so
 * they survive pooled reuse).
 *
 * @param versionSchema the version schema
 */
public record VersionSelection(String versionSchema) {

	/** The session setting that names the version schema a session writes through. */
	public static final String SETTING = "pgroll.version_schema";

	public VersionSelection {
		Objects.requireNonNull(versionSchema, "versionSchema");
		if (versionSchema.isEmpty()) {
			throw new IllegalArgumentException("a version schema needs a name");
		}
	}

	/**
	 * The version schema of a version of a migrated schema.
	 * @param schema the migrated schema, for example {@code public}
	 * @param versionName the migration's {@code version_schema}, or its name where it has none
	 * @return {@code <schema>_<versionName>}
	 */
	public static String versionSchemaName(String schema, String versionName) {
		return schema + "_" + versionName;
	}

	/**
	 * The selection of a version of a migrated schema.
	 * @param schema the migrated schema
	 * @param versionName the migration's {@code version_schema}, or its name where it has none
	 * @return the selection of {@code <schema>_<versionName>}
	 */
	public static VersionSelection of(String schema, String versionName) {
		return new VersionSelection(versionSchemaName(schema, versionName));
	}

	/** The {@code search_path} value: the version schema alone, as a quoted identifier. */
	public String searchPath() {
		return '"' + this.versionSchema.replace("\"", "\"\"") + '"';
	}

	/**
	 * pgjdbc's {@code options} startup parameter selecting this version: {@code -c search_path=… -c
	 * pgroll.version_schema=…}, escaped as the server splits it.
	 */
	public String startupOptions() {
		return "-c search_path=" + escapeOption(searchPath()) + " -c " + SETTING + "=" + escapeOption(this.versionSchema);
	}

	/**
	 * An {@code options} value that keeps a client's own startup options and selects this version after them, so
	 * the selection wins where both set {@code search_path}.
	 * @param existing the client's own options, or {@code null}
	 */
	public String startupOptions(String existing) {
		return (existing == null || existing.isBlank()) ? startupOptions() : existing + " " + startupOptions();
	}

	/**
	 * Whether a session whose settings read like this has selected this version: its {@code search_path} is exactly
	 * the version schema and {@code pgroll.version_schema} names it. The setting is compared rather than
	 * {@code current_schemas}, which leaves out a schema that does not exist yet.
	 * @param searchPath the session's {@code current_setting('search_path')}
	 * @param setting the session's {@code current_setting('pgroll.version_schema', true)}, or {@code null}
	 */
	public boolean isSelectedBy(String searchPath, String setting) {
		return searchPath().equals(searchPath) && this.versionSchema.equals(setting);
	}

	/**
	 * Selects this version for the rest of a session (until {@code RESET ALL} or {@code DISCARD ALL}).
	 * @param connection an open connection, in or outside a transaction (committed with it)
	 * @throws SQLException if the server refuses
	 */
	public void apply(Connection connection) throws SQLException {
		try (PreparedStatement statement = connection
			.prepareStatement("SELECT set_config('search_path', ?, false), set_config('" + SETTING + "', ?, false)")) {
			statement.setString(1, searchPath());
			statement.setString(2, this.versionSchema);
			try (ResultSet ignored = statement.executeQuery()) {
				// set_config answers with the new values; nothing to read
			}
		}
	}

	/** The server splits {@code options} at unescaped spaces. */
	private static String escapeOption(String value) {
		return value.replace("\\", "\\\\").replace(" ", "\\ ");
	}

}
