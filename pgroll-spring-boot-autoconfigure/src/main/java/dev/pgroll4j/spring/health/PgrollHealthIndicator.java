package dev.pgroll4j.spring.health;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

import dev.pgroll4j.core.MigrationRecord;
import dev.pgroll4j.core.MigrationStatus;
import dev.pgroll4j.core.Pgroll;
import dev.pgroll4j.spring.PgrollMigrations;

/**
 * UP while this application's version schema exists (an active migration is normal, not a problem); DOWN once it
 * is gone, for example after the migration this version needs was rolled back, or completed past it. During a
 * migration, {@code rollout} details what the next complete or rollback acts on: its migrations, the version schema
 * they created and the one the running release keeps; {@code instances} counts the live instances of each version
 * schema. Readiness is not this indicator's business: the instance registry turns it to REFUSING_TRAFFIC when this
 * application's version schema is dropped.
 */
public class PgrollHealthIndicator extends AbstractHealthIndicator {

	private final Pgroll pgroll;

	private final PgrollMigrations migrations;

	public PgrollHealthIndicator(Pgroll pgroll, PgrollMigrations migrations) {
		super("pgroll health check failed");
		this.pgroll = pgroll;
		this.migrations = migrations;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		// The newest two: this application's version schema is the latest or, during a rollout, the previous one.
		MigrationStatus status = this.pgroll.status(2);
		String own = this.migrations.versionSchema();
		builder.withDetail("schema", status.schema())
			.withDetail("state", status.state().name())
			.withDetail("latestVersionSchema", String.valueOf(status.latestVersionSchema()));
		if (status.activeMigration() != null) {
			builder.withDetail("activeMigration", status.activeMigration().name());
		}
		if (!status.rollout().isEmpty()) {
			builder.withDetail("rollout", rollout(status));
		}
		if (!status.instances().isEmpty()) {
			Map<String, Long> instances = new TreeMap<>();
			status.instances().forEach((instance) -> instances.merge(instance.versionSchema(), 1L, Long::sum));
			builder.withDetail("instances", instances);
		}
		if (own == null) {
			builder.up();
			return;
		}
		builder.withDetail("versionSchema", own);
		if (own.equals(status.latestVersionSchema()) || own.equals(status.previousVersionSchema())) {
			builder.up();
		}
		else {
			builder.down().withDetail("reason", "version schema " + own + " of this application does not exist");
		}
	}

	/** The same fields as the endpoint's {@code rollout}; the previous version schema only while it exists. */
	private static Map<String, Object> rollout(MigrationStatus status) {
		List<MigrationRecord> rollout = status.rollout();
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("migrations", rollout.stream().map(MigrationRecord::name).toList());
		details.put("versionSchema", rollout.get(rollout.size() - 1).versionSchema());
		if (status.previousVersionSchema() != null) {
			details.put("previousVersionSchema", status.previousVersionSchema());
		}
		return details;
	}

}
