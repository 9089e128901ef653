package dev.pgroll4j.core.schema;

/**
 * A column as one version of the schema sees it.
 *
 * @param name the name the version uses
 * @param physicalName the column in the table that holds the data
 * @param position sort key that keeps view columns in table order
 * @param createdInMigration whether the active migration added the physical column
 */
public record VirtualColumn(String name, String physicalName, String type, boolean nullable,
		String defaultExpression, String comment, String identity, String generatedExpression, int position,
		boolean createdInMigration) {

	static VirtualColumn of(ColumnSnapshot column) {
		return new VirtualColumn(column.name(), column.name(), column.type(), column.nullable(),
				column.defaultExpression(), column.comment(), column.identity(), column.generatedExpression(),
				column.position(), false);
	}

	public VirtualColumn withName(String newName) {
		return new VirtualColumn(newName, this.physicalName, this.type, this.nullable, this.defaultExpression,
				this.comment, this.identity, this.generatedExpression, this.position, this.createdInMigration);
	}

	public boolean isIdentity() {
		return this.identity != null && !this.identity.isEmpty();
	}

	public boolean isGenerated() {
		return this.generatedExpression != null;
	}

}
