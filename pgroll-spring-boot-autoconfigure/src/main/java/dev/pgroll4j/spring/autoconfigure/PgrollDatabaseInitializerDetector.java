package dev.pgroll4j.spring.autoconfigure;

import java.util.Set;

import org.springframework.boot.sql.init.dependency.AbstractBeansOfTypeDatabaseInitializerDetector;

import dev.pgroll4j.spring.PgrollMigrationInitializer;

/**
 * Marks {@link PgrollMigrationInitializer} as a database initializer, so that beans that use the database (JPA,
 * JdbcTemplate, JdbcClient, ...) are created only after the application's version schema exists.
 */
class PgrollDatabaseInitializerDetector extends AbstractBeansOfTypeDatabaseInitializerDetector {

	@Override
	protected Set<Class<?>> getDatabaseInitializerBeanTypes() {
		return Set.of(PgrollMigrationInitializer.class);
	}

	@Override
	public int getOrder() {
		return 1;
	}

}
