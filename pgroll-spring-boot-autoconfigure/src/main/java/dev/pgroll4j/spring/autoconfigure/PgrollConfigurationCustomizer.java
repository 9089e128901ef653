package dev.pgroll4j.spring.autoconfigure;

import dev.pgroll4j.core.PgrollConfiguration;

/**
 * Callback to adjust the engine's configuration (hooks, an SQL transformer, listeners) beyond the
 * {@code pgroll.*} properties. Applied in {@link org.springframework.core.annotation.Order} order, after the
 * properties.
 */
@FunctionalInterface
public interface PgrollConfigurationCustomizer {

	void customize(PgrollConfiguration.Builder configuration);

}
