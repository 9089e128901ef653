package dev.pgroll4j.core.internal.engine;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.pgroll4j.core.Instance;
import dev.pgroll4j.core.InstanceRegistration;
import dev.pgroll4j.core.MigrationRecord;
import dev.pgroll4j.core.MigrationStatus;
import dev.pgroll4j.core.internal.jdbc.Session;
import dev.pgroll4j.core.internal.state.StateStore;
import dev.pgroll4j.core.internal.state.StoredMigration;
import dev.pgroll4j.core.internal.sync.VersionSchemas;

/**
 * Where the schema stands and what it went through: status reads the newest migrations by index only, history
 * reads them all, and the application instances say which version schema each uses. Neither takes a lock or
 * changes anything, except that a state table made by pgroll or an earlier release is brought up to date once, as
 * any other call would.
 */
final class StatusReport {

	private final EngineSetup setup;

	StatusReport(EngineSetup setup) {
		this.setup = setup;
	}

	/**
	 * Where the schema stands, with the newest {@code historyLimit} migrations. Reads by index only, so it costs the
	 * same with a million migrations of history as with ten.
	 */
	MigrationStatus status(int historyLimit) {
		if (historyLimit < 1) {
			throw new IllegalArgumentException("historyLimit must be at least 1, not " + historyLimit);
		}
		String schema = this.setup.schema();
		try (Session session = Session.openForReading(this.setup.configuration())) {
			Connection connection = session.connection();
			if (!readable(session)) {
				return new MigrationStatus(schema, MigrationStatus.State.NO_MIGRATIONS, null, null, null, List.of(),
						false, List.of(), List.of());
			}
			List<StoredMigration> newest = this.setup.state().newest(connection, historyLimit);
			List<MigrationRecord> records = newest.stream().map(this::record).toList();
			MigrationRecord head = records.isEmpty() ? null : records.get(records.size() - 1);
			MigrationRecord active = (head != null && !head.done()) ? head : null;
			List<MigrationRecord> rollout = (active != null)
					? this.setup.state().activeRolloutSummary(connection).stream().map(this::record).toList() : List.of();
			String latest = null;
			for (int i = records.size() - 1; i >= 0 && latest == null; i--) {
				if (Boolean.TRUE.equals(newest.get(i).versionSchemaExists())) {
					latest = records.get(i).versionSchema();
				}
			}
			String previous = rollout.isEmpty() ? null : previousVersionSchema(connection, rollout.get(0));
			MigrationStatus.State state = records.isEmpty() ? MigrationStatus.State.NO_MIGRATIONS
					: (active != null) ? MigrationStatus.State.IN_PROGRESS : MigrationStatus.State.COMPLETE;
			boolean earlier = !records.isEmpty() && records.get(0).parent() != null;
			List<Instance> instances = this.setup.instances().live(connection, null);
			return new MigrationStatus(schema, state, active, latest, previous, records, earlier, rollout, instances);
		}
		catch (SQLException ex) {
			throw EngineSetup.unexpected("reading the status of schema \"" + schema + "\"", ex);
		}
	}

	/** The version schema before the active rollout's first migration, if it still exists. */
	private @Nullable String previousVersionSchema(Connection connection, MigrationRecord first) throws SQLException {
		String candidate = this.setup.versionSchemaBefore(connection, first.parent());
		return (candidate != null && VersionSchemas.exists(connection, candidate)) ? candidate : null;
	}

	/**
	 * Registers or renews an application instance, creating the state schema first if there is none yet.
	 * @return whether the instance's version schema exists
	 */
	boolean heartbeat(InstanceRegistration instance) {
		try (Session session = Session.openForReading(this.setup.configuration())) {
			if (!this.setup.state().isInitialized(session.connection())) {
				this.setup.state().init(session.transactions());
			}
			return this.setup.instances().beat(session.connection(), instance);
		}
		catch (SQLException ex) {
			throw EngineSetup.unexpected("the heartbeat of instance " + instance.id() + " on schema \""
					+ this.setup.schema() + "\"", ex);
		}
	}

	/** Marks an instance as stopped; it no longer counts as live. */
	void deregister(String id) {
		try (Session session = Session.openForReading(this.setup.configuration())) {
			if (this.setup.state().isInitialized(session.connection())) {
				this.setup.instances().deregister(session.connection(), id);
			}
		}
		catch (SQLException ex) {
			throw EngineSetup.unexpected("deregistering instance " + id + " of schema \"" + this.setup.schema() + "\"",
					ex);
		}
	}

	/** The whole history, oldest first; it is read in full, so its cost grows with the number of migrations. */
	List<MigrationRecord> history() {
		try (Session session = Session.openForReading(this.setup.configuration())) {
			Connection connection = session.connection();
			if (!readable(session)) {
				return List.of();
			}
			return this.setup.state().history(connection).stream().map(this::record).toList();
		}
		catch (SQLException ex) {
			throw EngineSetup.unexpected("reading the history of schema \"" + this.setup.schema() + "\"", ex);
		}
	}

	private MigrationRecord record(StoredMigration row) {
		return new MigrationRecord(row.name(), row.versionSchema(this.setup.schema()), row.parent(), row.done(),
				row.createdAt(), row.updatedAt(), row.type(), row.startFinished(), row.rollout());
	}

	/**
	 * Whether there is a history to read; a state table in an older form (or pgroll's own) is brought up to date
	 * first, as any other call would, rather than reported as no history.
	 */
	private boolean readable(Session session) throws SQLException {
		StateStore.Form form = this.setup.state().form(session.connection());
		if (form == StateStore.Form.OUTDATED) {
			this.setup.state().init(session.transactions());
		}
		return form != StateStore.Form.ABSENT;
	}

}
