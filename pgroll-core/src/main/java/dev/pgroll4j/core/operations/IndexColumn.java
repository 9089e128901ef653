package dev.pgroll4j.core.operations;

import org.jspecify.annotations.Nullable;

/** One key column of {@code create_index}, with its collation, operator class, order and NULLS placement. */
public record IndexColumn(@Nullable String column, @Nullable String collate, @Nullable String sort,
		@Nullable String nulls, @Nullable OperatorClass opclass) {
}
