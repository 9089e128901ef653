package dev.pgroll4j.core.operations;

/** One key column of {@code create_index}, with its collation, operator class, order and NULLS placement. */
public record IndexColumn(String column, String collate, String sort, String nulls, OperatorClass opclass) {
}
