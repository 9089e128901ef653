package dev.pgroll4j.spring.autoconfigure;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import dev.pgroll4j.core.Pgroll;
import dev.pgroll4j.spring.PgrollInstance;
import dev.pgroll4j.spring.PgrollMigrationEvents;
import dev.pgroll4j.spring.PgrollMigrationInitializer;
import dev.pgroll4j.spring.PgrollMigrations;
import dev.pgroll4j.spring.actuate.PgrollEndpoint;
import dev.pgroll4j.spring.actuate.PgrollEndpointWebExtension;

/**
 * The {@code pgroll} actuator endpoint, when it is available (accessible and exposed).
 */
@AutoConfiguration(after = PgrollAutoConfiguration.class)
@ConditionalOnClass({ Pgroll.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnAvailableEndpoint(PgrollEndpoint.class)
public final class PgrollEndpointAutoConfiguration {

	@Bean
	@ConditionalOnBean(Pgroll.class)
	@ConditionalOnMissingBean
	PgrollEndpoint pgrollEndpoint(Pgroll pgroll, PgrollMigrations migrations, PgrollMigrationEvents events,
			ObjectProvider<PgrollMigrationInitializer> initializer, ObjectProvider<PgrollInstance> instance) {
		return new PgrollEndpoint(pgroll, migrations, events, initializer.getIfAvailable(),
				instance.getIfAvailable());
	}

	@Bean
	@ConditionalOnBean(PgrollEndpoint.class)
	@ConditionalOnMissingBean
	PgrollEndpointWebExtension pgrollEndpointWebExtension(PgrollEndpoint endpoint) {
		return new PgrollEndpointWebExtension(endpoint);
	}

}
