/**
 * Questions to PostgreSQL's catalog: the schema as it is ({@link dev.pgroll4j.core.internal.catalog.SchemaReader}),
 * probes that check SQL before it runs, grants, what a migration's user SQL created, and which objects the engine
 * owns and may drop.
 *
 * <p>Internal to pgroll4j, not API: it may change in any release without notice. Use {@link dev.pgroll4j.core.Pgroll}.
 */
@NullMarked
package dev.pgroll4j.core.internal.catalog;

import org.jspecify.annotations.NullMarked;
