package dev.pgroll4j.core.internal.state;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import tools.jackson.databind.JsonNode;

/**
 * Where two migration documents differ, by path ({@code operations[4].add_column.column.default: 'EUR' → 'USD'}):
 * what the history holds on the left, what the file holds on the right. Both are compared as JSON trees, so the
 * order of keys does not matter (jsonb orders them its own way); only what a reader could have changed shows.
 */
public final class MigrationDiff {

	/** How many differences a message lists before "and N more". */
	public static final int SHOWN = 10;

	/** Longest value shown in full; longer ones (SQL, whole operations) are cut. */
	private static final int VALUE_LIMIT = 120;

	private static final String ABSENT = "(absent)";

	private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

	private final List<String> differences;

	private MigrationDiff(List<String> differences) {
		this.differences = List.copyOf(differences);
	}

	/**
	 * The differences between two migration documents.
	 * @param stored the migration as the history holds it
	 * @param file the migration as its file holds it
	 */
	public static MigrationDiff between(String stored, String file) {
		List<String> differences = new ArrayList<>();
		compare("", HistoryJson.tree(stored), HistoryJson.tree(file), differences);
		return new MigrationDiff(differences);
	}

	/** Every difference, one per line, in the file's order. */
	public List<String> differences() {
		return this.differences;
	}

	/**
	 * The first {@link #SHOWN} differences, each on a line of its own indented by two spaces, then how many more
	 * there are.
	 */
	public String describe() {
		if (this.differences.isEmpty()) {
			// Cannot happen for documents that are not equal; said rather than left blank all the same.
			return "\n  (no difference by path)";
		}
		StringBuilder text = new StringBuilder();
		this.differences.stream().limit(SHOWN).forEach((line) -> text.append("\n  ").append(line));
		if (this.differences.size() > SHOWN) {
			text.append("\n  and ").append(this.differences.size() - SHOWN).append(" more");
		}
		return text.toString();
	}

	private static void compare(String path, JsonNode stored, JsonNode file, List<String> differences) {
		if (stored.isObject() && file.isObject()) {
			// The file's keys first, in its order, then those only the history has.
			Set<String> keys = new LinkedHashSet<>();
			file.properties().stream().map(Map.Entry::getKey).forEach(keys::add);
			stored.properties().stream().map(Map.Entry::getKey).forEach(keys::add);
			for (String key : keys) {
				String child = path + key(path, key);
				JsonNode before = stored.get(key);
				JsonNode after = file.get(key);
				if (before == null || after == null) {
					differences.add(child + ": " + show(before) + " → " + show(after));
				}
				else {
					compare(child, before, after, differences);
				}
			}
		}
		else if (stored.isArray() && file.isArray()) {
			if (stored.size() != file.size()) {
				differences.add(name(path) + ": " + stored.size() + " → " + file.size() + " elements");
			}
			for (int i = 0; i < Math.max(stored.size(), file.size()); i++) {
				String child = path + "[" + i + "]";
				if (i >= stored.size() || i >= file.size()) {
					differences.add(child + ": " + show(stored.get(i)) + " → " + show(file.get(i)));
				}
				else {
					compare(child, stored.get(i), file.get(i), differences);
				}
			}
		}
		else if (!stored.equals(file)) {
			differences.add(name(path) + ": " + show(stored) + " → " + show(file));
		}
	}

	/** {@code .key}, or {@code ["a key"]} for keys that are not plain names. */
	private static String key(String path, String key) {
		if (PLAIN_KEY.matcher(key).matches()) {
			return path.isEmpty() ? key : "." + key;
		}
		return "[" + HistoryJson.quoted(key) + "]";
	}

	private static String name(String path) {
		return path.isEmpty() ? "(the document)" : path;
	}

	/** A string in single quotes, anything else as compact JSON, cut when long. */
	private static String show(@Nullable JsonNode value) {
		if (value == null || value.isMissingNode()) {
			return ABSENT;
		}
		String text = value.isString() ? "'" + value.asString() + "'" : HistoryJson.compact(value);
		text = text.replace("\n", "\\n");
		return (text.length() <= VALUE_LIMIT) ? text : text.substring(0, VALUE_LIMIT) + "…";
	}

}
