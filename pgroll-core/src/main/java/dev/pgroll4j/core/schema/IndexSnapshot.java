package dev.pgroll4j.core.schema;

import java.util.List;

/**
 * An index as read from the catalog.
 *
 * @param columns key columns in order; {@code null} entries stand for expressions
 * @param constraint the constraint this index backs, if any
 */
public record IndexSnapshot(String name, boolean unique, boolean primary, boolean valid, List<String> columns,
		String predicate, String method, String definition, String constraint) {
}
