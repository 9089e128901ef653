package dev.pgroll4j.core.schema;

import org.jspecify.annotations.Nullable;

/**
 * A column as read from the catalog.
 *
 * @param position attnum, used to keep view columns in table order
 * @param type the type as {@code format_type} prints it, usable in casts and declarations
 * @param identity {@code a} (ALWAYS), {@code d} (BY DEFAULT) or empty
 * @param generatedExpression the expression of a stored generated column, else {@code null}
 * @param typeKind pg_type.typtype: {@code b}ase, {@code c}omposite, {@code d}omain, {@code e}num, ...
 * @param ownedSequence the sequence a serial or identity column owns, or {@code null}
 */
public record ColumnSnapshot(String name, int position, String type, boolean nullable,
		@Nullable String defaultExpression, @Nullable String comment, @Nullable String identity,
		@Nullable String generatedExpression, @Nullable String typeKind, @Nullable String ownedSequence) {
}
