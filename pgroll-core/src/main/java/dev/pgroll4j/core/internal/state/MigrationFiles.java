package dev.pgroll4j.core.internal.state;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import dev.pgroll4j.core.migration.Migration;

/**
 * The migration files an engine checks the history against before it runs anything stored there: the configured
 * ones, those it started, and those it was given to migrate. Only the files vouch for the SQL; the history may have
 * been edited since.
 */
public final class MigrationFiles {

	private static final ObjectMapper JSON = JsonMapper.builder().build();

	/** By name; more than one where the same name came with different content. */
	private final Map<String, List<Migration>> byName = new ConcurrentHashMap<>();

	public MigrationFiles(List<Migration> configured) {
		configured.forEach(this::add);
	}

	public void add(Migration migration) {
		this.byName.compute(migration.name(), (name, known) -> {
			if (known != null && known.stream().anyMatch((file) -> sameContent(file.json(), migration.json()))) {
				return known;
			}
			List<Migration> files = (known != null) ? new ArrayList<>(known) : new ArrayList<>();
			files.add(migration);
			return List.copyOf(files);
		});
	}

	/** The files of that name, in the order they became known. */
	public List<Migration> named(String name) {
		return this.byName.getOrDefault(name, List.of());
	}

	/** Equal as JSON documents, as the history stores them (jsonb orders keys its own way). */
	public static boolean sameContent(String json, String other) {
		return JSON.readTree(json).equals(JSON.readTree(other));
	}

	/** A stored document as one line, keys in the history's order. */
	public static String compact(String json) {
		return JSON.writeValueAsString(JSON.readTree(json));
	}

}
