package dev.pgroll4j.core.internal.state;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import dev.pgroll4j.core.MigrationStateException;
import dev.pgroll4j.core.PgrollException;
import dev.pgroll4j.core.internal.catalog.CreatedObjects;
import dev.pgroll4j.core.internal.catalog.Privileges;
import dev.pgroll4j.core.internal.jdbc.RetryingTransactions;
import dev.pgroll4j.core.migration.Migration;
import dev.pgroll4j.core.schema.SchemaSnapshot;
import dev.pgroll4j.core.sql.Sql;

/**
 * The migration history in {@code <state schema>.migrations}, in pgroll's layout so that pgroll and this engine
 * can read each other's history. The database enforces the rules: one history chain per schema (a migration's
 * parent is unique), one first migration, and at most one active rollout per schema (the migrations one release
 * started together; each names the rollout's first migration).
 */
public final class StateStore {

	/** Second key of the advisory lock that serialises {@link #init}. */
	private static final int INIT_LOCK = 0x696e6974;

	/** Finds the newest migration without reading the history; see {@link #newest}. */
	private static final String CREATION_ORDER_INDEX = "history_by_creation";

	/** The newest object {@link #init} creates; {@link #isInitialized} looks for it. */
	private static final String ACTIVE_INDEX = "active_migrations";

	/** The columns of a {@link StoredMigration}, of the table aliased {@code m}. */
	private static final String COLUMNS = "m.name, m.migration::text, m.parent, m.done, m.created_at, m.updated_at, "
			+ "m.migration_type, m.base_schema::text, coalesce(nullif(m.migration->>'version_schema', ''), m.name), "
			+ "m.inferred_undo::text, m.start_finished, m.rollout";

	/** {@link #COLUMNS} without the JSON documents (the migration, its base schema, its undo statements). */
	private static final String SUMMARY_COLUMNS = "m.name, NULL, m.parent, m.done, m.created_at, m.updated_at, "
			+ "m.migration_type, NULL, coalesce(nullif(m.migration->>'version_schema', ''), m.name), NULL, "
			+ "m.start_finished, m.rollout";

	/**
	 * What is there of the migrations table, and whether the history can be trusted: whether every role that could
	 * put SQL into it, or change what the engine runs when it reads and writes it, holds the migrating role's rights
	 * (is {@code current_user}, one of its members or a superuser: {@code pg_has_role(role, current_user,
	 * 'MEMBER')}). That excludes owning the state schema or the table, {@code CREATE} on the schema,
	 * {@code INSERT}, {@code UPDATE}, {@code DELETE}, {@code TRUNCATE} or {@code TRIGGER} on the table or one of its
	 * columns, and owning the function of a trigger on the table; rules, policies, defaults, constraints and
	 * indexes only the owner can add. Index look-ups only: it runs before every call. {@link HistoryTrust} lists
	 * the same conditions one by one; the two must agree.
	 */
	private static final String FORM = """
			SELECT to_regclass(?) IS NOT NULL,
			       EXISTS (SELECT 1 FROM pg_attribute
			               WHERE attrelid = to_regclass(?) AND attname = 'rollout' AND NOT attisdropped)
			       AND to_regclass(?) IS NOT NULL AND to_regclass(?) IS NOT NULL,
			       NOT EXISTS (
			         SELECT 1 FROM pg_namespace n LEFT JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = 'migrations'
			         WHERE n.nspname = ?
			           AND (NOT pg_has_role(n.nspowner, current_user, 'MEMBER')
			             OR EXISTS (SELECT 1 FROM aclexplode(n.nspacl) a WHERE a.privilege_type = 'CREATE'
			                        AND (a.grantee = 0 OR NOT pg_has_role(a.grantee, current_user, 'MEMBER')))
			             OR NOT pg_has_role(c.relowner, current_user, 'MEMBER')
			             OR EXISTS (SELECT 1 FROM aclexplode(c.relacl) a
			                        WHERE a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'TRIGGER')
			                          AND (a.grantee = 0 OR NOT pg_has_role(a.grantee, current_user, 'MEMBER')))
			             OR EXISTS (SELECT 1 FROM pg_attribute att, aclexplode(att.attacl) a
			                        WHERE att.attrelid = c.oid AND att.attacl IS NOT NULL
			                          AND a.privilege_type IN ('INSERT', 'UPDATE')
			                          AND (a.grantee = 0 OR NOT pg_has_role(a.grantee, current_user, 'MEMBER')))
			             OR EXISTS (SELECT 1 FROM pg_trigger tg JOIN pg_proc p ON p.oid = tg.tgfoid
			                        WHERE tg.tgrelid = c.oid AND NOT tg.tgisinternal
			                          AND NOT pg_has_role(p.proowner, current_user, 'MEMBER'))))
			""";

	private final String stateSchema;

	private final String schema;

	private final String table;

	/** The application instances and the version schema each uses; see {@link InstanceRegistry}. */
	private final String instances;

	public StateStore(String stateSchema, String schema) {
		this.stateSchema = stateSchema;
		this.schema = schema;
		this.table = Sql.qualified(stateSchema, "migrations");
		this.instances = Sql.qualified(stateSchema, "instances");
	}

	/** What is there of the migrations table. */
	public enum Form {

		/** No table: nothing was ever migrated. */
		ABSENT,
		/** Made by an earlier release or by pgroll itself; {@link #init} brings it up to date. */
		OUTDATED,
		/** As {@link #init} makes it. */
		CURRENT

	}

	/**
	 * What is there of the migrations table; one cheap catalog query, so callers may ask on every run. The same
	 * query checks that the history can be trusted (see {@link #FORM}).
	 * @throws MigrationStateException if a role without the migrating role's rights owns or may write the state
	 * schema or its migrations table
	 */
	public Form form(Connection connection) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(FORM)) {
			statement.setString(1, this.table);
			statement.setString(2, this.table);
			statement.setString(3, Sql.qualified(this.stateSchema, ACTIVE_INDEX));
			statement.setString(4, this.instances);
			statement.setString(5, this.stateSchema);
			try (ResultSet rs = statement.executeQuery()) {
				rs.next();
				if (!rs.getBoolean(3)) {
					throw HistoryTrust.untrusted(connection, this.stateSchema, this.table);
				}
				return !rs.getBoolean(1) ? Form.ABSENT : rs.getBoolean(2) ? Form.CURRENT : Form.OUTDATED;
			}
		}
	}

	/** Whether the migrations table exists in its current form. */
	public boolean isInitialized(Connection connection) throws SQLException {
		return form(connection) == Form.CURRENT;
	}

	/**
	 * Creates (or upgrades a pgroll-created) state schema. Idempotent, and safe when many processes call it at
	 * once: they queue on a transaction-level advisory lock. A state schema or table that cannot be trusted
	 * ({@link #form}) is refused before anything is created in it, and after, in case it appeared meanwhile.
	 */
	public void init(RetryingTransactions transactions) {
		transactions.inTransaction("initialising state schema \"" + this.stateSchema + "\"", (tx) -> {
			tx.execute("SELECT pg_advisory_xact_lock(" + INIT_LOCK + ", hashtext(" + Sql.literal(this.stateSchema)
					+ "))", null);
			// Nothing is created in, or changed on, a state schema or table someone else could write.
			form(tx.connection());
			boolean newSchema = !exists(tx, "SELECT to_regnamespace(quote_ident(?)) IS NOT NULL", this.stateSchema);
			boolean newTable = !exists(tx, "SELECT to_regclass(?) IS NOT NULL", this.table);
			boolean newInstances = !exists(tx, "SELECT to_regclass(?) IS NOT NULL", this.instances);
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
			// What a sql operation without down created (kind, schema, name, arguments); its rollback drops them.
			tx.execute("ALTER TABLE " + this.table + " ADD COLUMN IF NOT EXISTS inferred_undo JSONB", null);
			// False while a start is past its DDL but not finished (index builds, backfill, validation); a row that
			// stays false without a process holding the schema's lock belongs to a start that died.
			tx.execute("ALTER TABLE " + this.table + " ADD COLUMN IF NOT EXISTS start_finished BOOLEAN NOT NULL "
					+ "DEFAULT true", null);
			tx.execute("CREATE UNIQUE INDEX IF NOT EXISTS history_is_linear ON " + this.table + " (schema, parent)",
					null);
			tx.execute("CREATE UNIQUE INDEX IF NOT EXISTS only_first_migration_without_parent ON " + this.table
					+ " (schema) WHERE parent IS NULL", null);
			// The migrations a release started together form one rollout: each names the rollout's first migration,
			// which names itself; NULL for a migration started alone (and in rows pgroll wrote).
			tx.execute("ALTER TABLE " + this.table + " ADD COLUMN IF NOT EXISTS rollout TEXT", null);
			// One active rollout per schema: its first migration (or the one migration started alone) is the only
			// active row that does not belong to another's rollout. Earlier releases allowed one active row.
			tx.execute("DROP INDEX IF EXISTS " + Sql.qualified(this.stateSchema, "only_one_active_migration"), null);
			tx.execute("CREATE UNIQUE INDEX IF NOT EXISTS one_active_rollout ON " + this.table
					+ " (schema) WHERE NOT done AND (rollout IS NULL OR rollout = name)", null);
			tx.execute("CREATE INDEX IF NOT EXISTS " + CREATION_ORDER_INDEX + " ON " + this.table
					+ " (schema, created_at, name)", null);
			tx.execute(InstanceRegistry.createTable(this.instances), null);
			// Finds the active rollout's migrations without reading the history; created last (see form()).
			tx.execute("CREATE INDEX IF NOT EXISTS " + ACTIVE_INDEX + " ON " + this.table
					+ " (schema, name) WHERE NOT done", null);
			// Default privileges (ALTER DEFAULT PRIVILEGES ... ON SCHEMAS / ON TABLES) may have given other roles the
			// right to write what was just created; the history is only trusted without that, so it is taken back.
			List<String> revocations = new ArrayList<>();
			if (newSchema) {
				revocations.addAll(Privileges.schemaRevocations(tx, this.stateSchema));
			}
			if (newTable) {
				revocations.addAll(Privileges.tableWriteRevocations(tx, this.table));
			}
			if (newInstances) {
				revocations.addAll(Privileges.tableWriteRevocations(tx, this.instances));
			}
			for (String revocation : revocations) {
				tx.execute(revocation, null);
			}
			// Another role may have created the schema or table between the check and IF NOT EXISTS.
			form(tx.connection());
			return null;
		});
	}

	private static boolean exists(RetryingTransactions.Tx tx, String query, String name) throws SQLException {
		try (PreparedStatement statement = tx.connection().prepareStatement(query)) {
			statement.setString(1, name);
			try (ResultSet rs = statement.executeQuery()) {
				rs.next();
				return rs.getBoolean(1);
			}
		}
	}

	/** Every migration of the schema, oldest first; its cost grows with the history, so only migrate reads it. */
	public List<StoredMigration> history(Connection connection) throws SQLException {
		try (PreparedStatement statement = connection
			.prepareStatement("SELECT " + COLUMNS + " FROM " + this.table + " m WHERE schema = ?")) {
			statement.setString(1, this.schema);
			return chainOrder(rows(statement));
		}
	}

	/**
	 * Orders rows by following parent links from the first of them, the one whose parent is not among them (the
	 * first migration of the history, or of the active rollout); timestamps may tie.
	 */
	private List<StoredMigration> chainOrder(List<StoredMigration> rows) {
		Set<String> names = new HashSet<>();
		rows.forEach((row) -> names.add(row.name()));
		Map<String, StoredMigration> byParent = new HashMap<>();
		StoredMigration first = null;
		for (StoredMigration row : rows) {
			if (row.parent() == null || !names.contains(row.parent())) {
				if (first != null) {
					throw notAChain();
				}
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
			throw notAChain();
		}
		return ordered;
	}

	/**
	 * The newest migrations, oldest first, at most {@code limit} of them, each with whether its version schema
	 * exists but without its JSON documents; index lookups only, so as fast with a million rows of history as with
	 * ten. The head of the chain is found from the row created last, following
	 * children in case timestamps tie or a clock went back, then the chain is walked back through parents.
	 */
	public List<StoredMigration> newest(Connection connection, int limit) throws SQLException {
		if (limit < 1) {
			throw new IllegalArgumentException("limit must be at least 1, not " + limit);
		}
		try (PreparedStatement statement = connection.prepareStatement("""
				WITH RECURSIVE later (name) AS (
				    (SELECT name FROM %1$s WHERE schema = ? ORDER BY created_at DESC, name DESC LIMIT 1)
				  UNION
				    SELECT m.name FROM %1$s m JOIN later l ON m.parent = l.name WHERE m.schema = ?
				), earlier (name, parent, depth) AS (
				    SELECT m.name, m.parent, 1 FROM %1$s m JOIN later l ON m.name = l.name
				    WHERE m.schema = ? AND NOT EXISTS (SELECT 1 FROM %1$s c WHERE c.schema = ? AND c.parent = l.name)
				  UNION ALL
				    SELECT m.name, m.parent, e.depth + 1 FROM %1$s m JOIN earlier e ON m.name = e.parent
				    WHERE m.schema = ? AND e.depth < ?
				)
				SELECT %2$s, EXISTS (SELECT 1 FROM pg_namespace
				                     WHERE nspname = m.schema || '_' || coalesce(nullif(m.migration->>'version_schema', ''), m.name))
				FROM earlier e JOIN %1$s m ON m.schema = ? AND m.name = e.name ORDER BY e.depth DESC
				""".formatted(this.table, SUMMARY_COLUMNS))) {
			for (int i = 1; i <= 5; i++) {
				statement.setString(i, this.schema);
			}
			statement.setInt(6, limit);
			statement.setString(7, this.schema);
			List<StoredMigration> rows = rows(statement);
			if (rows.isEmpty() && hasRows(connection)) {
				// Only a cycle written by hand leaves rows without a last one.
				throw notAChain();
			}
			return rows;
		}
	}

	/** The last migration of the chain, the parent of the next one to start. */
	public Optional<StoredMigration> latest(Connection connection) throws SQLException {
		return newest(connection, 1).stream().findFirst();
	}

	/**
	 * The active rollout's migrations in history order: the migrations a release started together, or the one
	 * migration started alone; empty when none is active. The partial index {@code active_migrations} finds them.
	 */
	public List<StoredMigration> activeRollout(Connection connection) throws SQLException {
		return activeRollout(connection, COLUMNS);
	}

	/** {@link #activeRollout} without the JSON documents, for a status. */
	public List<StoredMigration> activeRolloutSummary(Connection connection) throws SQLException {
		return activeRollout(connection, SUMMARY_COLUMNS);
	}

	private List<StoredMigration> activeRollout(Connection connection, String columns) throws SQLException {
		try (PreparedStatement statement = connection
			.prepareStatement("SELECT " + columns + " FROM " + this.table + " m WHERE schema = ? AND NOT done")) {
			statement.setString(1, this.schema);
			return chainOrder(rows(statement));
		}
	}

	/** The newest active migration (the last of the active rollout), if any. */
	public Optional<StoredMigration> active(Connection connection) throws SQLException {
		List<StoredMigration> rollout = activeRollout(connection);
		return rollout.isEmpty() ? Optional.empty() : Optional.of(rollout.get(rollout.size() - 1));
	}

	/** One migration by name. */
	public Optional<StoredMigration> find(Connection connection, String name) throws SQLException {
		try (PreparedStatement statement = connection
			.prepareStatement("SELECT " + COLUMNS + " FROM " + this.table + " m WHERE schema = ? AND name = ?")) {
			statement.setString(1, this.schema);
			statement.setString(2, name);
			return rows(statement).stream().findFirst();
		}
	}

	private boolean hasRows(Connection connection) throws SQLException {
		try (PreparedStatement statement = connection
			.prepareStatement("SELECT EXISTS (SELECT 1 FROM " + this.table + " WHERE schema = ?)")) {
			statement.setString(1, this.schema);
			try (ResultSet rs = statement.executeQuery()) {
				rs.next();
				return rs.getBoolean(1);
			}
		}
	}

	private static List<StoredMigration> rows(PreparedStatement statement) throws SQLException {
		List<StoredMigration> rows = new ArrayList<>();
		try (ResultSet rs = statement.executeQuery()) {
			// Only newest() asks whether the version schemas exist, in a thirteenth column.
			boolean existence = rs.getMetaData().getColumnCount() > 12;
			while (rs.next()) {
				Boolean exists = existence ? rs.getBoolean(13) : null;
				rows.add(new StoredMigration(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4),
						rs.getObject(5, OffsetDateTime.class), rs.getObject(6, OffsetDateTime.class), rs.getString(7),
						rs.getString(8), rs.getString(9), rs.getString(10), rs.getBoolean(11), rs.getString(12),
						exists));
			}
		}
		return rows;
	}

	private PgrollException notAChain() {
		return new PgrollException("the history of schema \"" + this.schema + "\" in " + this.table
				+ " is not a single chain");
	}

	/**
	 * Records a migration as started: active, its start not finished, with the schema as it was before.
	 * @param parent the migration before it, or {@code null} for the first
	 * @param rollout the first migration of the rollout it starts in, or {@code null} when it starts alone
	 * @param base the schema before the rollout, recorded with its first migration only ({@code null} for the rest)
	 */
	public void insert(RetryingTransactions.Tx tx, Migration migration, @Nullable String parent,
			@Nullable String rollout, @Nullable SchemaSnapshot base) throws SQLException {
		try (PreparedStatement statement = tx.connection().prepareStatement("INSERT INTO " + this.table
				+ " (schema, name, migration, parent, done, base_schema, start_finished, rollout)"
				+ " VALUES (?, ?, ?::jsonb, ?, false, ?::jsonb, false, ?)")) {
			statement.setString(1, this.schema);
			statement.setString(2, migration.name());
			statement.setString(3, migration.json());
			statement.setString(4, parent);
			statement.setString(5, (base != null) ? HistoryJson.write(base) : null);
			statement.setString(6, rollout);
			statement.executeUpdate();
		}
	}

	/** What rolls back a sql operation without down: the objects it created, as identities (never SQL). */
	public void recordInferredUndo(RetryingTransactions.Tx tx, String name, List<CreatedObjects.Identity> objects)
			throws SQLException {
		try (PreparedStatement statement = tx.connection().prepareStatement("UPDATE " + this.table
				+ " SET inferred_undo = ?::jsonb WHERE schema = ? AND name = ? AND NOT done")) {
			statement.setString(1, HistoryJson.write(objects));
			statement.setString(2, this.schema);
			statement.setString(3, name);
			statement.executeUpdate();
		}
	}

	/**
	 * Marks the start of every active migration finished: the active rollout's start is done, and from now on its
	 * version schema serves (auto-complete's grace period counts from here).
	 */
	public void markStartFinished(RetryingTransactions.Tx tx) throws SQLException {
		try (PreparedStatement statement = tx.connection().prepareStatement("UPDATE " + this.table
				+ " SET start_finished = true, updated_at = current_timestamp WHERE schema = ? AND NOT done")) {
			statement.setString(1, this.schema);
			statement.executeUpdate();
		}
	}

	/**
	 * Records the active rollout as completed, every migration of it, the last with the schema it left; what only
	 * an active migration needs goes.
	 * @param names the rollout's migrations, as complete read them
	 */
	public void markDone(RetryingTransactions.Tx tx, List<String> names, SchemaSnapshot resultingSchema)
			throws SQLException {
		String last = names.get(names.size() - 1);
		try (PreparedStatement statement = tx.connection().prepareStatement("UPDATE " + this.table
				+ " SET done = true, updated_at = current_timestamp, resulting_schema = CASE WHEN name = ? THEN ?::jsonb"
				+ " ELSE resulting_schema END, base_schema = NULL, inferred_undo = NULL"
				+ " WHERE schema = ? AND name = ANY (?) AND NOT done")) {
			statement.setString(1, last);
			statement.setString(2, HistoryJson.write(resultingSchema));
			statement.setString(3, this.schema);
			statement.setArray(4, tx.connection().createArrayOf("text", names.toArray()));
			if (statement.executeUpdate() != names.size()) {
				throw new PgrollException("migration \"" + last + "\" of schema \"" + this.schema
						+ "\" is no longer active");
			}
		}
	}

	/** Deletes the active rollout's migrations, as its rollback leaves no trace of them. */
	public void delete(RetryingTransactions.Tx tx, List<String> names) throws SQLException {
		try (PreparedStatement statement = tx.connection()
			.prepareStatement("DELETE FROM " + this.table + " WHERE schema = ? AND name = ANY (?) AND NOT done")) {
			statement.setString(1, this.schema);
			statement.setArray(2, tx.connection().createArrayOf("text", names.toArray()));
			statement.executeUpdate();
		}
	}

}
