package dev.pgroll4j.core.schema;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * An index as read from the catalog.
 *
 * @param columns key columns in order; {@code null} entries stand for expressions
 * @param constraint the constraint this index backs, if any
 * @param usedColumns every column the index uses: keys, INCLUDE columns, and columns in its expressions and
 * predicate
 */
public record IndexSnapshot(String name, boolean unique, boolean primary, boolean valid, List<String> columns,
		@Nullable String predicate, @Nullable String method, @Nullable String definition, @Nullable String constraint,
		List<String> usedColumns) {

	/** Every column the index uses; for indexes described without that list, its key columns. */
	public List<String> allColumns() {
		return (this.usedColumns != null) ? this.usedColumns
				: this.columns.stream().filter((column) -> column != null).toList();
	}

}
