package dev.pgroll4j.spring;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;
import org.springframework.core.io.support.ResourcePatternResolver;
import org.springframework.core.io.support.ResourcePatternUtils;

import dev.pgroll4j.core.VersionSelection;
import dev.pgroll4j.core.migration.Migration;
import dev.pgroll4j.core.migration.MigrationLoader;
import dev.pgroll4j.core.migration.MigrationParser;

/**
 * The migration files this application ships, sorted by name, and the version schema they lead to: the one every
 * connection of the application is pinned to.
 *
 * @param migrations the local migrations
 * @param versionSchema the version schema of the newest one, or {@code null} when there are none
 */
public record PgrollMigrations(List<Migration> migrations, @Nullable String versionSchema) {

	/** The version of the newest migration, which connections select, or {@code null} when there are none. */
	public @Nullable VersionSelection versionSelection() {
		return (this.versionSchema != null) ? new VersionSelection(this.versionSchema) : null;
	}

	/**
	 * Loads the files of every location, as bytes that the engine decodes as strict UTF-8 and reads no further than
	 * one byte past its size limit.
	 * @param locations Spring resource locations of folders of migration files ({@code pgroll.locations})
	 * @param schema the migrated schema ({@code pgroll.schema}), which names the version schemas
	 * @param resourceLoader what resolves the locations
	 */
	public static PgrollMigrations load(List<String> locations, String schema, ResourceLoader resourceLoader) {
		ResourcePatternResolver resolver = ResourcePatternUtils.getResourcePatternResolver(resourceLoader);
		Map<String, byte[]> files = new LinkedHashMap<>();
		for (String location : locations) {
			String folder = location.endsWith("/") ? location : location + "/";
			try {
				for (Resource resource : resolver.getResources(folder + "*")) {
					String name = resource.getFilename();
					if (name != null && resource.isReadable() && MigrationParser.Format.of(name) != null) {
						try (InputStream in = resource.getInputStream()) {
							files.put(folder + name, MigrationLoader.read(folder + name, in));
						}
					}
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException("cannot read pgroll migrations at " + location, ex);
			}
		}
		List<Migration> migrations = MigrationLoader.fromBytes(files);
		String versionSchema = migrations.isEmpty() ? null
				: migrations.get(migrations.size() - 1).versionSchemaFor(schema);
		return new PgrollMigrations(migrations, versionSchema);
	}

}
