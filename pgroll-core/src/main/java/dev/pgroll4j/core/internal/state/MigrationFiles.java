package dev.pgroll4j.core.internal.state;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.pgroll4j.core.migration.Migration;

/**
 * The migration files an engine checks the history against before it runs anything stored there: the configured
 * ones, those it started, and those it was given to migrate. Only the files vouch for the SQL; the history may have
 * been edited since.
 */
public final class MigrationFiles {

	/** By name; more than one where the same name came with different content. */
	private final Map<String, List<Migration>> byName = new ConcurrentHashMap<>();

	public MigrationFiles(List<Migration> configured) {
		configured.forEach(this::add);
	}

	public void add(Migration migration) {
		this.byName.compute(migration.name(), (name, known) -> {
			if (known != null
					&& known.stream().anyMatch((file) -> HistoryJson.sameContent(file.json(), migration.json()))) {
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

}
