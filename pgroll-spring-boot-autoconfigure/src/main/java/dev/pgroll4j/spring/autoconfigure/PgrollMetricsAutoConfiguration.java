package dev.pgroll4j.spring.autoconfigure;

import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import dev.pgroll4j.core.Pgroll;
import dev.pgroll4j.spring.metrics.PgrollMetrics;

/**
 * pgroll's Micrometer meters. The metrics bean is a {@link MeterBinder}, which Boot binds to its registry, and a
 * migration listener, which the engine reports to from the first migration at start-up on.
 */
@AutoConfiguration(after = PgrollAutoConfiguration.class)
@ConditionalOnClass({ Pgroll.class, MeterBinder.class })
@ConditionalOnBean(Pgroll.class)
public final class PgrollMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	PgrollMetrics pgrollMetrics(PgrollProperties properties, ObjectProvider<Pgroll> pgroll) {
		return new PgrollMetrics(properties.getSchema(), () -> pgroll.getObject().status(1));
	}

}
