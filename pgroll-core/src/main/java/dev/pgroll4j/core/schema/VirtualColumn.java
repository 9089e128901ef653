package dev.pgroll4j.core.schema;

import org.jspecify.annotations.Nullable;

/**
 * A column as one version of the schema sees it.
 *
 * @param name the name the version uses
 * @param physicalName the column in the table that holds the data
 * @param position sort key that keeps view columns in table order
 * @param createdInMigration whether the active migration added the physical column
 * @param ownedSequence the sequence of a serial or identity column, or {@code null}
 * @param viewDefault a default this version's view sets because it differs from the physical column's;
 * {@code "NULL"} stands for "no default"; {@code null} when the view shows the physical default
 * @param viewComment a comment this version's view sets because it differs from the physical column's ({@code ""}
 * for "no comment"), or {@code null}
 */
public record VirtualColumn(String name, String physicalName, String type, boolean nullable,
		@Nullable String defaultExpression, @Nullable String comment, @Nullable String identity,
		@Nullable String generatedExpression, int position, boolean createdInMigration, @Nullable String ownedSequence,
		@Nullable String viewDefault, @Nullable String viewComment) {

	/** A column that the migration creates, visible under its own name. */
	public static VirtualColumn created(String name, String physicalName, String type, boolean nullable,
			String defaultExpression, String comment, String identity, String generatedExpression, int position) {
		return new VirtualColumn(name, physicalName, type, nullable, defaultExpression, comment, identity,
				generatedExpression, position, true, null, null, null);
	}

	static VirtualColumn of(ColumnSnapshot column) {
		return new VirtualColumn(column.name(), column.name(), column.type(), column.nullable(),
				column.defaultExpression(), column.comment(), column.identity(), column.generatedExpression(),
				column.position(), false, column.ownedSequence(), null, null);
	}

	public VirtualColumn withName(String newName) {
		return new VirtualColumn(newName, this.physicalName, this.type, this.nullable, this.defaultExpression,
				this.comment, this.identity, this.generatedExpression, this.position, this.createdInMigration,
				this.ownedSequence, this.viewDefault, this.viewComment);
	}

	public VirtualColumn withPosition(int newPosition) {
		return new VirtualColumn(this.name, this.physicalName, this.type, this.nullable, this.defaultExpression,
				this.comment, this.identity, this.generatedExpression, newPosition, this.createdInMigration,
				this.ownedSequence, this.viewDefault, this.viewComment);
	}

	/** This column as its duplicate: another physical column with the given shape, in the same place. */
	public VirtualColumn duplicatedAs(String temporary, String newType, boolean newNullable, String newDefault,
			String newComment) {
		return new VirtualColumn(this.name, temporary, newType, newNullable, newDefault, newComment, this.identity,
				this.generatedExpression, this.position, true, this.ownedSequence, null, null);
	}

	/** This column with a default and comment that only this version's view shows. */
	public VirtualColumn withViewSettings(String defaultForView, String commentForView) {
		return new VirtualColumn(this.name, this.physicalName, this.type, this.nullable,
				(defaultForView != null) ? ("NULL".equals(defaultForView) ? null : defaultForView)
						: this.defaultExpression,
				(commentForView != null) ? (commentForView.isEmpty() ? null : commentForView) : this.comment,
				this.identity, this.generatedExpression,
				this.position, this.createdInMigration, this.ownedSequence, defaultForView, commentForView);
	}

	public boolean isIdentity() {
		return this.identity != null && !this.identity.isEmpty();
	}

	public boolean isGenerated() {
		return this.generatedExpression != null;
	}

}
