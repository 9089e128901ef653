package dev.pgroll4j.core.internal.engine;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.pgroll4j.core.MigrationListener;
import dev.pgroll4j.core.PgrollConfiguration;
import dev.pgroll4j.core.PgrollException;
import dev.pgroll4j.core.internal.jdbc.RetryingTransactions;
import dev.pgroll4j.core.internal.jdbc.Session;
import dev.pgroll4j.core.internal.state.InstanceRegistry;
import dev.pgroll4j.core.internal.state.MigrationFiles;
import dev.pgroll4j.core.internal.state.StateStore;

/**
 * What every verb shares: the configuration, the history, the migration files that vouch for what the history
 * holds, and the planner. {@link MigrationEngine} builds one and hands it to each verb.
 *
 * @param files what complete, rollback and repair check the active migration's history against
 * @param instances the application instances and the version schema each uses
 */
record EngineSetup(PgrollConfiguration configuration, StateStore state, MigrationFiles files, Planner planner,
		InstanceRegistry instances) {

	private static final Logger logger = LoggerFactory.getLogger(EngineSetup.class);

	EngineSetup(PgrollConfiguration configuration) {
		this(configuration, new StateStore(configuration.stateSchema(), configuration.schema()),
				new MigrationFiles(configuration.migrations()), new Planner(configuration),
				new InstanceRegistry(configuration.stateSchema(), configuration.schema()));
	}

	/** The migrated schema. */
	String schema() {
		return this.configuration.schema();
	}

	/** Tells the listener; a listener that throws is logged, never allowed to fail the migration. */
	void notifyListener(Consumer<MigrationListener> call) {
		try {
			call.accept(this.configuration.listener());
		}
		catch (RuntimeException ex) {
			logger.warn("migration listener failed", ex);
		}
	}

	void ensureInitialized(Session session) throws SQLException {
		if (!this.state.isInitialized(session.connection())) {
			this.state.init(session.transactions());
		}
	}

	/**
	 * The version schemas of the newest migrations, whose views validation may ignore. Complete drops the previous
	 * version schema, so only the newest one or two of them still exist; ten leaves room for history written by
	 * other tools.
	 */
	Set<String> recentVersionSchemas(Connection connection) throws SQLException {
		Set<String> names = new HashSet<>();
		this.state.newest(connection, 10).forEach((row) -> names.add(row.versionSchema(schema())));
		return names;
	}

	/**
	 * The version schema of the migration a rollout's first migration follows: the one the running release uses.
	 * @param parent the rollout's first migration's parent, or {@code null} when the rollout began the history
	 * @return its version schema's name (whether or not it still exists), or {@code null}
	 */
	@Nullable String versionSchemaBefore(Connection connection, @Nullable String parent) throws SQLException {
		if (parent == null) {
			return null;
		}
		return this.state.find(connection, parent).map((row) -> row.versionSchema(schema())).orElse(null);
	}

	/** A failure the engine did not expect, with the server's message. */
	static PgrollException unexpected(String what, SQLException ex) {
		return new PgrollException(what + " failed: " + RetryingTransactions.serverMessage(ex), ex);
	}

}
