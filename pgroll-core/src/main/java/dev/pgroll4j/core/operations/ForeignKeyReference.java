package dev.pgroll4j.core.operations;

/** A column-level foreign key: {@code column REFERENCES table (column)}. */
public record ForeignKeyReference(String name, String table, String column, String onDelete, String onUpdate,
		String matchType, Boolean deferrable, Boolean initiallyDeferred) {

	public boolean isDeferrable() {
		return Boolean.TRUE.equals(this.deferrable);
	}

	public boolean isInitiallyDeferred() {
		return Boolean.TRUE.equals(this.initiallyDeferred);
	}

}
