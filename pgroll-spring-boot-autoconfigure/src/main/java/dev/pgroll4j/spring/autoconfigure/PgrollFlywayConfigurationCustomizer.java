package dev.pgroll4j.spring.autoconfigure;

import java.util.Arrays;

import javax.sql.DataSource;

import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.flyway.autoconfigure.FlywayConfigurationCustomizer;
import org.springframework.core.Ordered;

import dev.pgroll4j.core.MigrationRecord;
import dev.pgroll4j.core.MigrationStatus;
import dev.pgroll4j.core.Pgroll;

/**
 * Keeps Flyway off the pinned path when both run in one application.
 *
 * <p>Flyway takes the current schema of its connection as its default schema, and the application's connections
 * start in a version schema: left alone it would create its history table and run its migrations there, in a
 * schema of views that complete drops. So, unless the user chose otherwise:
 * <ul>
 * <li>Flyway gets pgroll's DDL data source instead of the application's (pinned) one: the same connection settings
 * and rights as pgroll's own DDL, and no pin whatever pooler or pin mode is used;</li>
 * <li>Flyway's default schema is the migrated schema ({@code pgroll.schema}), so that its history table and the
 * tables of its migrations land there whatever connection it ends up on (a data source without connection details
 * leaves pgroll, and Flyway, only the application's one).</li>
 * </ul>
 * A data source Flyway was given ({@code @FlywayDataSource}, {@code spring.flyway.url} or {@code .user}) and a
 * schema it was given ({@code spring.flyway.default-schema} or {@code .schemas}) are kept. Last, Flyway refuses to
 * apply a migration while a pgroll migration or rollout is active ({@link RolloutGuard}).
 */
final class PgrollFlywayConfigurationCustomizer implements FlywayConfigurationCustomizer, Ordered {

	private final ObjectProvider<Pgroll> pgroll;

	private final ObjectProvider<DataSource> applicationDataSource;

	PgrollFlywayConfigurationCustomizer(ObjectProvider<Pgroll> pgroll, ObjectProvider<DataSource> applicationDataSource) {
		this.pgroll = pgroll;
		this.applicationDataSource = applicationDataSource;
	}

	@Override
	public void customize(FluentConfiguration configuration) {
		Pgroll pgroll = this.pgroll.getObject();
		// Boot hands Flyway the application's data source itself when nothing else was configured for it.
		DataSource application = this.applicationDataSource.getIfUnique();
		if (application != null && configuration.getDataSource() == application) {
			configuration.dataSource(pgroll.configuration().dataSource());
		}
		if (configuration.getDefaultSchema() == null && configuration.getSchemas().length == 0) {
			configuration.defaultSchema(pgroll.configuration().schema());
		}
		Callback[] callbacks = Arrays.copyOf(configuration.getCallbacks(), configuration.getCallbacks().length + 1);
		callbacks[callbacks.length - 1] = new RolloutGuard(pgroll);
		configuration.callbacks(callbacks);
	}

	@Override
	public int getOrder() {
		// After the user's customizers, so that a data source or schema they set is seen and kept.
		return Ordered.LOWEST_PRECEDENCE;
	}

	/**
	 * Refuses each Flyway migration about to be applied while a pgroll migration or rollout is active. Its DDL would
	 * change the physical tables under pgroll's expand phase: the sync triggers, the shadow columns and both version
	 * schemas' views were built from the tables as they were at start, so a dropped, renamed or retyped column breaks
	 * complete or rollback, and a new table or column is in neither version schema. Nothing pending, nothing checked.
	 */
	static final class RolloutGuard implements Callback {

		private final Pgroll pgroll;

		RolloutGuard(Pgroll pgroll) {
			this.pgroll = pgroll;
		}

		@Override
		public boolean supports(Event event, @Nullable Context context) {
			return event == Event.BEFORE_EACH_MIGRATE;
		}

		@Override
		public boolean canHandleInTransaction(Event event, @Nullable Context context) {
			// The check reads pgroll's state on a connection of its own and takes no lock.
			return true;
		}

		@Override
		public void handle(Event event, @Nullable Context context) {
			MigrationStatus status = this.pgroll.status(1);
			MigrationRecord active = status.activeMigration();
			if (status.state() != MigrationStatus.State.IN_PROGRESS || active == null) {
				return;
			}
			String migration = (context != null && context.getMigrationInfo() != null)
					? context.getMigrationInfo().getScript() : "a pending migration";
			String rollout = (status.rollout().size() > 1)
					? "rollout " + status.rollout().stream().map(MigrationRecord::name).toList()
					: "migration \"" + active.name() + "\"";
			throw new IllegalStateException("pgroll: Flyway cannot apply " + migration + " to schema \""
					+ status.schema() + "\" while pgroll " + rollout + " is active: its DDL would change the tables "
					+ "under the rollout's triggers and the views of version schemas " + status.previousVersionSchema()
					+ " and " + active.versionSchema() + ". Nothing was applied. Complete the rollout first "
					+ "(POST /actuator/pgroll/complete, or pgroll.auto-complete), then start again; new schema "
					+ "changes belong in pgroll migration files (docs/moving-from-flyway.md)");
		}

		@Override
		public String getCallbackName() {
			return "pgroll rollout guard";
		}

	}

}
