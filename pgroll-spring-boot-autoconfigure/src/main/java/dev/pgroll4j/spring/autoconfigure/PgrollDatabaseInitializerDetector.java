package dev.pgroll4j.spring.autoconfigure;

import java.util.Set;

import org.springframework.boot.sql.init.dependency.AbstractBeansOfTypeDatabaseInitializerDetector;

import dev.pgroll4j.spring.PgrollMigrationInitializer;

/**
 * Marks {@link PgrollMigrationInitializer} as a database initializer, so that beans that use the database (JPA,
 * JdbcTemplate, JdbcClient, ...) are created only after the application's version schema exists.
 *
 * <p>Boot makes each detector's initializers depend on those of the detector ordered before it. Flyway's
 * initializer detector is ordered 1: at 2, pgroll migrates after Flyway, on the tables a team's existing Flyway
 * migrations create (at the same order the two would run in whatever order the classpath lists them).
 */
class PgrollDatabaseInitializerDetector extends AbstractBeansOfTypeDatabaseInitializerDetector {

	@Override
	protected Set<Class<?>> getDatabaseInitializerBeanTypes() {
		return Set.of(PgrollMigrationInitializer.class);
	}

	@Override
	public int getOrder() {
		return 2;
	}

}
