package dev.pgroll4j.core;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Callbacks around the DDL of start and complete. Each runs on the migration's connection inside the same
 * transaction as the DDL it surrounds: a hook that throws aborts the step and everything it did is undone. A
 * transaction that hits {@code lock_timeout} is retried as a whole, so hooks must tolerate running again. Start has
 * two such transactions: {@code beforeStartDdl} opens the first (additive DDL and sync triggers), and
 * {@code afterStartDdl} closes the last, which creates the new version schema once the backfill is done; a failing
 * {@code afterStartDdl} rolls the whole start back. A rollout of several migrations runs each hook once, for the
 * whole rollout, named after its last migration.
 */
public interface MigrationHooks {

	MigrationHooks NONE = new MigrationHooks() {
	};

	default void beforeStartDdl(HookContext context) throws SQLException {
	}

	default void afterStartDdl(HookContext context) throws SQLException {
	}

	default void beforeCompleteDdl(HookContext context) throws SQLException {
	}

	default void afterCompleteDdl(HookContext context) throws SQLException {
	}

	/**
	 * What a hook can see.
	 *
	 * @param migration the migration name
	 * @param schema the schema being migrated
	 * @param versionSchema the migration's version schema
	 * @param connection the migration's connection, inside the step's transaction
	 */
	record HookContext(String migration, String schema, String versionSchema, Connection connection) {
	}

}
