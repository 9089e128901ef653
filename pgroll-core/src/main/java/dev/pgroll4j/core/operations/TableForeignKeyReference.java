package dev.pgroll4j.core.operations;

import java.util.List;

import org.jspecify.annotations.Nullable;

/** The target of a table-level foreign key constraint. */
public record TableForeignKeyReference(@Nullable String table, @Nullable List<String> columns,
		@Nullable String matchType, @Nullable String onDelete, @Nullable String onUpdate,
		@Nullable List<String> onDeleteSetColumns) {
}
