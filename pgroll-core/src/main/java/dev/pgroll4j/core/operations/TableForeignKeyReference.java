package dev.pgroll4j.core.operations;

import java.util.List;

/** The target of a table-level foreign key constraint. */
public record TableForeignKeyReference(String table, List<String> columns, String matchType, String onDelete,
		String onUpdate, List<String> onDeleteSetColumns) {
}
