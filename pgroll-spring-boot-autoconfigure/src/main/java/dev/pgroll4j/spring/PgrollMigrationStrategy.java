package dev.pgroll4j.spring;

import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.pgroll4j.core.MigrateResult;
import dev.pgroll4j.core.Pgroll;
import dev.pgroll4j.core.migration.Migration;

/**
 * What start-up does with the local migrations. Register a bean to replace the default, which is
 * {@link Pgroll#migrate} with the options from the {@code pgroll.*} properties (for example to only validate, or
 * to migrate from a separate job and have the application merely check).
 */
@FunctionalInterface
public interface PgrollMigrationStrategy {

	/**
	 * Runs (or checks) the migrations at start-up.
	 * @param pgroll the engine
	 * @param migrations the application's migrations, oldest first
	 * @return what start-up did, or {@code null} to report nothing
	 */
	@Nullable MigrateResult migrate(Pgroll pgroll, List<Migration> migrations);

}
