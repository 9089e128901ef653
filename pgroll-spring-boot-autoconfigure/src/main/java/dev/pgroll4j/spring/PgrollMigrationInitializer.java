package dev.pgroll4j.spring;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.core.Ordered;

import dev.pgroll4j.core.MigrateResult;
import dev.pgroll4j.core.Pgroll;

/**
 * Runs the migrations while the context starts, before any bean that uses the database (JPA, JdbcTemplate,
 * JdbcClient wait for it), as Boot's Flyway initializer does. It returns once the start has finished, backfill
 * included: this release's version schema only exists from then on, so the application never serves a request, a
 * scheduled job or a message from rows that do not hold its version's values yet.
 */
public class PgrollMigrationInitializer implements InitializingBean, Ordered {

	private static final Logger logger = LoggerFactory.getLogger(PgrollMigrationInitializer.class);

	private final Pgroll pgroll;

	private final PgrollMigrations migrations;

	private final PgrollMigrationStrategy strategy;

	private volatile @Nullable MigrateResult result;

	public PgrollMigrationInitializer(Pgroll pgroll, PgrollMigrations migrations, PgrollMigrationStrategy strategy) {
		this.pgroll = pgroll;
		this.migrations = migrations;
		this.strategy = strategy;
	}

	@Override
	public void afterPropertiesSet() {
		if (this.migrations.migrations().isEmpty()) {
			logger.info("no pgroll migrations found");
			return;
		}
		MigrateResult done = this.strategy.migrate(this.pgroll, this.migrations.migrations());
		this.result = done;
		if (done != null) {
			logger.info("pgroll: {} (version schema {}, started {}, completed {})", done.outcome(),
					done.versionSchema(), done.started(), done.completed());
		}
	}

	/** What start-up did, or {@code null} if there were no migrations or the strategy reported nothing. */
	public @Nullable MigrateResult result() {
		return this.result;
	}

	@Override
	public int getOrder() {
		return 0;
	}

}
