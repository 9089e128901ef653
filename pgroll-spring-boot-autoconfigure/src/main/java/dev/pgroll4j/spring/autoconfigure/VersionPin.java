package dev.pgroll4j.spring.autoconfigure;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * How a connection is pinned to a version schema: {@code search_path} set to the version schema alone (pgroll's
 * convention, which the sync triggers also understand) and {@code pgroll.version_schema} naming it.
 *
 * @param versionSchema the version schema
 */
record VersionPin(String versionSchema) {

	static final String SETTING = "pgroll.version_schema";

	/** What a connection is pinned to, and which server process answers (a pooler may hand out another). */
	static final String CHECK = "SELECT current_setting('search_path'), current_setting('" + SETTING
			+ "', true), pg_backend_pid()";

	/** Pins a session with SET, answering like {@link #CHECK}. */
	static final String SET = "SELECT set_config('search_path', ?, false), set_config('" + SETTING
			+ "', ?, false), pg_backend_pid()";

	/**
	 * Whether a session with these settings is pinned: its {@code search_path} is exactly the version schema, which
	 * (once the schema exists) makes it the first schema of {@code current_schemas(false)}, and
	 * {@code pgroll.version_schema} names it for the sync triggers. The setting is compared rather than
	 * {@code current_schemas}, which leaves out a schema that does not exist yet: a connection may be opened before
	 * migrations create the version schema.
	 */
	boolean pins(String searchPath, String versionSetting) {
		return searchPath().equals(searchPath) && this.versionSchema.equals(versionSetting);
	}

	/** The search path value: the version schema as a quoted identifier. */
	String searchPath() {
		return '"' + this.versionSchema.replace("\"", "\"\"") + '"';
	}

	/**
	 * pgjdbc's {@code options} startup parameter carrying both settings. Startup values are the session's reset
	 * values, so they survive pooled reuse, rolled-back transactions, {@code RESET ALL} and {@code DISCARD ALL}.
	 */
	String startupOptions(String existing) {
		String pin = "-c search_path=" + escape(searchPath()) + " -c " + SETTING + "=" + escape(this.versionSchema);
		return (existing == null || existing.isBlank()) ? pin : existing + " " + pin;
	}

	/** A JDBC URL whose own {@code options} parameter (which overrides driver properties) is extended. */
	String withStartupOptionsInUrl(String url) {
		int query = url.indexOf('?');
		String[] parameters = url.substring(query + 1).split("&");
		StringBuilder rebuilt = new StringBuilder(url.substring(0, query + 1));
		for (int i = 0; i < parameters.length; i++) {
			String parameter = parameters[i];
			if (parameter.startsWith("options=")) {
				String existing = URLDecoder.decode(parameter.substring("options=".length()), StandardCharsets.UTF_8);
				parameter = "options=" + URLEncoder.encode(startupOptions(existing), StandardCharsets.UTF_8)
					.replace("+", "%20");
			}
			rebuilt.append((i > 0) ? "&" : "").append(parameter);
		}
		return rebuilt.toString();
	}

	static boolean hasOptionsInUrl(String url) {
		int query = (url != null) ? url.indexOf('?') : -1;
		return query >= 0 && ("&" + url.substring(query + 1)).contains("&options=");
	}

	/** The server splits {@code options} at unescaped spaces. */
	private static String escape(String value) {
		return value.replace("\\", "\\\\").replace(" ", "\\ ");
	}

}
