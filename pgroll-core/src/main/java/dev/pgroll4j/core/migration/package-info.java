/**
 * Migration files: {@link dev.pgroll4j.core.migration.MigrationLoader} finds them, {@link
 * dev.pgroll4j.core.migration.MigrationParser} reads pgroll's JSON and YAML into a
 * {@link dev.pgroll4j.core.migration.Migration}, refusing what is malformed, oversized or ambiguous. API.
 */
@NullMarked
package dev.pgroll4j.core.migration;

import org.jspecify.annotations.NullMarked;
