package dev.pgroll4j.spring;

import java.util.List;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.core.Ordered;

import dev.pgroll4j.core.MigrateResult;
import dev.pgroll4j.core.MigrationRecord;
import dev.pgroll4j.core.MigrationStatus;
import dev.pgroll4j.core.Pgroll;

/**
 * Runs the migrations while the context starts, before any bean that uses the database (JPA, JdbcTemplate,
 * JdbcClient wait for it), as Boot's Flyway initializer does. It returns once the start has finished, backfill
 * included: this release's version schema only exists from then on, so the application never serves a request, a
 * scheduled job or a message from rows that do not hold its version's values yet.
 *
 * <p>A release's pending migrations start as one rollout, so the version schema of the release still running keeps
 * serving it until the rollout is completed; start-up logs which one that is.
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
			logRollout(done);
		}
	}

	/**
	 * Says which version schema stays for the release still running, which an operator needs to know before
	 * completing. Only the database knows it, so it is read back, and only when start-up left something active.
	 */
	private void logRollout(MigrateResult done) {
		List<String> active = done.started().stream().filter((name) -> !done.completed().contains(name)).toList();
		if (active.isEmpty()) {
			return;
		}
		MigrationStatus status = this.pgroll.status(1);
		List<MigrationRecord> rollout = status.rollout();
		if (!rollout.stream().map(MigrationRecord::name).toList().equals(active)) {
			// Not what this start-up left active (a strategy of its own, or another instance since): nothing to say.
			return;
		}
		String parent = rollout.get(0).parent();
		if (parent == null || done.started().contains(parent)) {
			// A first deployment: no earlier release can be running.
			return;
		}
		String started = (active.size() == 1) ? "migration " + active.get(0)
				: active.size() + " migrations as one rollout " + active;
		String versionSchema = rollout.get(rollout.size() - 1).versionSchema();
		String previous = status.previousVersionSchema();
		if (previous != null) {
			logger.info("pgroll: started {}: version schema {} serves this release, {} stays for the running release "
					+ "until {} completed or rolled back", started, versionSchema, previous,
					(active.size() == 1) ? "it is" : "the rollout is");
		}
		else {
			logger.info("pgroll: started {}: version schema {} serves this release; no version schema of an earlier "
					+ "release is left", started, versionSchema);
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
