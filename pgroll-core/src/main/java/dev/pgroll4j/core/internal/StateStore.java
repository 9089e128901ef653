package dev.pgroll4j.core.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.pgroll4j.core.PgrollException;

/**
 * The migration history in {@code <state schema>.migrations}, in pgroll's layout so that pgroll and this engine
 * can read each other's history. The database enforces the rules: one history chain per schema (a migration's
 * parent is unique), one first migration, and at most one active migration per schema.
 */
public final class StateStore {

	/** Second key of the advisory lock that serialises {@link #init}. */
	private static final int INIT_LOCK = 0x696e6974;

	private final String stateSchema;

	private final String schema;

	private final String table;

	public StateStore(String stateSchema, String schema) {
		this.stateSchema = stateSchema;
		this.schema = schema;
		this.table = Sql.qualified(stateSchema, "migrations");
	}

	/** Whether the state schema exists in its current form; cheap, so callers may ask on every run. */
	public boolean isInitialized(Connection connection) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement("""
				SELECT EXISTS (SELECT 1 FROM pg_attribute
				               WHERE attrelid = to_regclass(?) AND attname = 'start_finished' AND NOT attisdropped)
				""")) {
			statement.setString(1, this.table);
			try (ResultSet rs = statement.executeQuery()) {
				rs.next();
				return rs.getBoolean(1);
			}
		}
	}

	/**
	 * Creates (or upgrades a pgroll-created) state schema. Idempotent, and safe when many processes call it at
	 * once: they queue on a transaction-level advisory lock.
	 */
	public void init(Transactions transactions) {
		transactions.inTransaction("initialising state schema \"" + this.stateSchema + "\"", (tx) -> {
			tx.execute("SELECT pg_advisory_xact_lock(" + INIT_LOCK + ", hashtext(" + Sql.literal(this.stateSchema)
					+ "))", null);
			tx.execute("CREATE SCHEMA IF NOT EXISTS " + Sql.ident(this.stateSchema), null);
			tx.execute("""
					CREATE TABLE IF NOT EXISTS %1$s (
					  schema NAME NOT NULL,
					  name TEXT NOT NULL,
					  migration JSONB NOT NULL,
					  created_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
					  updated_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
					  parent TEXT,
					  done BOOLEAN NOT NULL DEFAULT false,
					  resulting_schema JSONB NOT NULL DEFAULT '{}'::jsonb,
					  migration_type VARCHAR(32) DEFAULT 'pgroll'
					    CONSTRAINT migration_type_check CHECK (migration_type IN ('pgroll', 'inferred', 'baseline')),
					  PRIMARY KEY (schema, name),
					  FOREIGN KEY (schema, parent) REFERENCES %1$s (schema, name)
					)""".formatted(this.table), null);
			// The catalog as it was when the active migration started; complete and rollback replay from it.
			tx.execute("ALTER TABLE " + this.table + " ADD COLUMN IF NOT EXISTS base_schema JSONB", null);
			// Statements that undo what a sql operation without down created; run by its rollback.
			tx.execute("ALTER TABLE " + this.table + " ADD COLUMN IF NOT EXISTS inferred_undo JSONB", null);
			// False while a start is past its DDL but not finished (index builds, backfill, validation); a row that
			// stays false without a process holding the schema's lock belongs to a start that died.
			tx.execute("ALTER TABLE " + this.table + " ADD COLUMN IF NOT EXISTS start_finished BOOLEAN NOT NULL "
					+ "DEFAULT true", null);
			tx.execute("CREATE UNIQUE INDEX IF NOT EXISTS history_is_linear ON " + this.table + " (schema, parent)",
					null);
			tx.execute("CREATE UNIQUE INDEX IF NOT EXISTS only_first_migration_without_parent ON " + this.table
					+ " (schema) WHERE parent IS NULL", null);
			tx.execute("CREATE UNIQUE INDEX IF NOT EXISTS only_one_active_migration ON " + this.table
					+ " (schema) WHERE NOT done", null);
			return null;
		});
	}

	public List<StoredMigration> history(Connection connection) throws SQLException {
		List<StoredMigration> rows = new ArrayList<>();
		try (PreparedStatement statement = connection.prepareStatement("SELECT name, migration::text, parent, done, "
				+ "created_at, updated_at, migration_type, base_schema::text, "
				+ "coalesce(nullif(migration->>'version_schema', ''), name), inferred_undo::text, start_finished FROM "
				+ this.table
				+ " WHERE schema = ? ORDER BY created_at, name")) {
			statement.setString(1, this.schema);
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					rows.add(new StoredMigration(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4),
							rs.getObject(5, OffsetDateTime.class), rs.getObject(6, OffsetDateTime.class),
							rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10), rs.getBoolean(11)));
				}
			}
		}
		return chainOrder(rows);
	}

	/** Orders rows by following parent links from the first migration; timestamps may tie. */
	private List<StoredMigration> chainOrder(List<StoredMigration> rows) {
		Map<String, StoredMigration> byParent = new HashMap<>();
		StoredMigration first = null;
		for (StoredMigration row : rows) {
			if (row.parent() == null) {
				first = row;
			}
			else {
				byParent.put(row.parent(), row);
			}
		}
		List<StoredMigration> ordered = new ArrayList<>();
		for (StoredMigration row = first; row != null; row = byParent.get(row.name())) {
			ordered.add(row);
		}
		if (ordered.size() != rows.size()) {
			throw new PgrollException("the history of schema \"" + this.schema + "\" in " + this.table
					+ " is not a single chain");
		}
		return ordered;
	}

	public Optional<StoredMigration> active(Connection connection) throws SQLException {
		return history(connection).stream().filter((row) -> !row.done()).findFirst();
	}

	public void insert(Transactions.Tx tx, String name, String migrationJson, String parent, String baseSchemaJson)
			throws SQLException {
		try (PreparedStatement statement = tx.connection().prepareStatement("INSERT INTO " + this.table
				+ " (schema, name, migration, parent, done, base_schema, start_finished)"
				+ " VALUES (?, ?, ?::jsonb, ?, false, ?::jsonb, false)")) {
			statement.setString(1, this.schema);
			statement.setString(2, name);
			statement.setString(3, migrationJson);
			statement.setString(4, parent);
			statement.setString(5, baseSchemaJson);
			statement.executeUpdate();
		}
	}

	public void recordInferredUndo(Transactions.Tx tx, String name, String statementsJson) throws SQLException {
		try (PreparedStatement statement = tx.connection().prepareStatement("UPDATE " + this.table
				+ " SET inferred_undo = ?::jsonb WHERE schema = ? AND name = ? AND NOT done")) {
			statement.setString(1, statementsJson);
			statement.setString(2, this.schema);
			statement.setString(3, name);
			statement.executeUpdate();
		}
	}

	public void markStartFinished(Transactions.Tx tx, String name) throws SQLException {
		try (PreparedStatement statement = tx.connection().prepareStatement("UPDATE " + this.table
				+ " SET start_finished = true WHERE schema = ? AND name = ? AND NOT done")) {
			statement.setString(1, this.schema);
			statement.setString(2, name);
			statement.executeUpdate();
		}
	}

	public void markDone(Transactions.Tx tx, String name, String resultingSchemaJson) throws SQLException {
		try (PreparedStatement statement = tx.connection().prepareStatement("UPDATE " + this.table
				+ " SET done = true, updated_at = current_timestamp, resulting_schema = ?::jsonb, base_schema = NULL,"
				+ " inferred_undo = NULL"
				+ " WHERE schema = ? AND name = ? AND NOT done")) {
			statement.setString(1, resultingSchemaJson);
			statement.setString(2, this.schema);
			statement.setString(3, name);
			if (statement.executeUpdate() != 1) {
				throw new PgrollException("migration \"" + name + "\" of schema \"" + this.schema
						+ "\" is no longer active");
			}
		}
	}

	public void delete(Transactions.Tx tx, String name) throws SQLException {
		try (PreparedStatement statement = tx.connection()
			.prepareStatement("DELETE FROM " + this.table + " WHERE schema = ? AND name = ? AND NOT done")) {
			statement.setString(1, this.schema);
			statement.setString(2, name);
			statement.executeUpdate();
		}
	}

}
