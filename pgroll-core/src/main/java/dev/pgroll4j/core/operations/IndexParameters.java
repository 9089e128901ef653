package dev.pgroll4j.core.operations;

import java.util.List;

import org.jspecify.annotations.Nullable;

/** Index options of a unique, primary key or exclusion constraint. */
public record IndexParameters(@Nullable String tablespace, @Nullable String storageParameters,
		@Nullable List<String> includeColumns) {
}
