package dev.pgroll4j.spring.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

import dev.pgroll4j.core.Pgroll;
import dev.pgroll4j.spring.PgrollMigrations;
import dev.pgroll4j.spring.health.PgrollHealthIndicator;

/**
 * The {@code pgroll} health indicator ({@code management.health.pgroll.enabled}).
 */
@AutoConfiguration(after = PgrollAutoConfiguration.class)
@ConditionalOnClass({ Pgroll.class, HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean(Pgroll.class)
@ConditionalOnEnabledHealthIndicator("pgroll")
public final class PgrollHealthContributorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "pgrollHealthIndicator")
	PgrollHealthIndicator pgrollHealthIndicator(Pgroll pgroll, PgrollMigrations migrations) {
		return new PgrollHealthIndicator(pgroll, migrations);
	}

}
