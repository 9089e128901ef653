/**
 * What the pgroll starter runs in an application: the migration files it ships ({@link PgrollMigrations}), the
 * migration at start-up ({@link PgrollMigrationInitializer}, which runs a {@link PgrollMigrationStrategy}), the
 * engine's events ({@link PgrollMigrationEvents}) and the qualifier of a data source for DDL
 * ({@link PgrollDataSource}). API: applications may define, replace or inject these beans. The auto-configuration
 * in {@code dev.pgroll4j.spring.autoconfigure} wires them; nothing here depends on it.
 */
@NullMarked
package dev.pgroll4j.spring;

import org.jspecify.annotations.NullMarked;
