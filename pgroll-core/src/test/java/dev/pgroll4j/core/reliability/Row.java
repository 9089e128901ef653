package dev.pgroll4j.core.reliability;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One row as one version sees it: column name to value, immutable. Values are compared by their text so that the
 * model need not know which Java type the driver picks for a column ({@code 5} and {@code 5L} are equal).
 */
final class Row {

	private final Map<String, Object> values;

	private Row(Map<String, Object> values) {
		this.values = Collections.unmodifiableMap(values);
	}

	static Row of(Map<String, ?> values) {
		return new Row(new LinkedHashMap<>(values));
	}

	Object get(String column) {
		if (!this.values.containsKey(column)) {
			throw new IllegalArgumentException("no column " + column + " in " + this);
		}
		return this.values.get(column);
	}

	/** The value as text, null for SQL NULL. */
	String text(String column) {
		Object value = get(column);
		return (value != null) ? value.toString() : null;
	}

	int integer(String column) {
		return Integer.parseInt(text(column));
	}

	Map<String, Object> values() {
		return this.values;
	}

	Row with(String column, Object value) {
		Map<String, Object> copy = new LinkedHashMap<>(this.values);
		copy.put(column, value);
		return new Row(copy);
	}

	Row withAll(Map<String, ?> changes) {
		Map<String, Object> copy = new LinkedHashMap<>(this.values);
		copy.putAll(changes);
		return new Row(copy);
	}

	Row without(String column) {
		Map<String, Object> copy = new LinkedHashMap<>(this.values);
		copy.remove(column);
		return new Row(copy);
	}

	Row renamed(String from, String to) {
		Map<String, Object> copy = new LinkedHashMap<>();
		this.values.forEach((column, value) -> copy.put(column.equals(from) ? to : column, value));
		return new Row(copy);
	}

	/** Columns whose values differ, as {@code column: expected -> actual}; empty when the rows agree. */
	String differences(Row actual) {
		StringBuilder differences = new StringBuilder();
		for (String column : this.values.keySet()) {
			String expected = text(column);
			String found = actual.values.containsKey(column) ? actual.text(column) : "<missing column>";
			if (!Objects.equals(expected, found)) {
				differences.append((differences.length() > 0) ? ", " : "")
					.append(column)
					.append(": ")
					.append(expected)
					.append(" -> ")
					.append(found);
			}
		}
		return differences.toString();
	}

	@Override
	public String toString() {
		return this.values.toString();
	}

}
