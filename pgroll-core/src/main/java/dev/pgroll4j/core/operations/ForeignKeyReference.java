package dev.pgroll4j.core.operations;

import org.jspecify.annotations.Nullable;

/** A column-level foreign key: {@code column REFERENCES table (column)}. */
public record ForeignKeyReference(@Nullable String name, @Nullable String table, @Nullable String column,
		@Nullable String onDelete, @Nullable String onUpdate, @Nullable String matchType, @Nullable Boolean deferrable,
		@Nullable Boolean initiallyDeferred) {

	public boolean isDeferrable() {
		return Boolean.TRUE.equals(this.deferrable);
	}

	public boolean isInitiallyDeferred() {
		return Boolean.TRUE.equals(this.initiallyDeferred);
	}

}
