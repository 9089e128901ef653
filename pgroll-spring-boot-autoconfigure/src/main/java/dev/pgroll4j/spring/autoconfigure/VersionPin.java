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
