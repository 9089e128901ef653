package dev.pgroll4j.core.internal.state;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

import dev.pgroll4j.core.Instance;
import dev.pgroll4j.core.InstanceRegistration;
import dev.pgroll4j.core.sql.Sql;

/**
 * The application instances of a schema and the version schema each uses, in {@code <state schema>.instances}:
 * each instance renews its row with a heartbeat that pushes its expiry forward, and an instance that stops without
 * saying so (killed) is no longer live once its expiry passes. Clients that do not register are recognised by their
 * sessions' {@code application_name} ({@value #APPLICATION_NAME_PREFIX}{@code <version schema>}, optionally followed
 * by a space and a label). A row is data only: nothing in it is ever run.
 */
public final class InstanceRegistry {

	/** How a session names the version schema it uses, for clients that do not register. */
	public static final String APPLICATION_NAME_PREFIX = "pgroll:";

	/** Rows that expired this long ago are deleted by the next registration; they no longer say anything. */
	private static final Duration FORGET_AFTER = Duration.ofDays(1);

	private final String schema;

	private final String table;

	/** The history, which says which other schemas there are (see {@link #sessions}). */
	private final String migrations;

	public InstanceRegistry(String stateSchema, String schema) {
		this.schema = schema;
		this.table = Sql.qualified(stateSchema, "instances");
		this.migrations = Sql.qualified(stateSchema, "migrations");
	}

	/** The table, for {@link StateStore#init}. */
	static String createTable(String table) {
		return """
				CREATE TABLE IF NOT EXISTS %s (
				  schema NAME NOT NULL,
				  id TEXT NOT NULL CHECK (length(id) BETWEEN 1 AND 200),
				  host TEXT NOT NULL CHECK (length(host) <= 255),
				  version_schema NAME NOT NULL,
				  started_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
				  heartbeat_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
				  expires_at TIMESTAMPTZ NOT NULL,
				  PRIMARY KEY (schema, id)
				)""".formatted(table);
	}

	/**
	 * Registers the instance or renews its registration, in one statement that also says whether its version schema
	 * exists. Its first registration deletes rows that expired long ago.
	 * @return whether the instance's version schema exists
	 */
	public boolean beat(Connection connection, InstanceRegistration instance) throws SQLException {
		// One round trip: the upsert's RETURNING carries the version schema's existence.
		String sql = "INSERT INTO " + this.table + " AS i (schema, id, host, version_schema, expires_at) "
				+ "VALUES (?, ?, ?, ?, clock_timestamp() + ? * interval '1 millisecond') "
				+ "ON CONFLICT (schema, id) DO UPDATE SET heartbeat_at = clock_timestamp(), "
				+ "expires_at = excluded.expires_at, version_schema = excluded.version_schema, host = excluded.host "
				+ "RETURNING to_regnamespace(quote_ident(i.version_schema)) IS NOT NULL, i.started_at = i.heartbeat_at";
		boolean exists;
		boolean first;
		try (PreparedStatement statement = connection.prepareStatement(sql)) {
			statement.setString(1, this.schema);
			statement.setString(2, instance.id());
			statement.setString(3, instance.host());
			statement.setString(4, instance.versionSchema());
			statement.setLong(5, instance.expiry().toMillis());
			try (ResultSet rs = statement.executeQuery()) {
				rs.next();
				exists = rs.getBoolean(1);
				first = rs.getBoolean(2);
			}
		}
		if (first) {
			try (PreparedStatement statement = connection.prepareStatement(
					"DELETE FROM " + this.table + " WHERE schema = ? AND expires_at < clock_timestamp() - ? * "
							+ "interval '1 millisecond'")) {
				statement.setString(1, this.schema);
				statement.setLong(2, FORGET_AFTER.toMillis());
				statement.executeUpdate();
			}
		}
		return exists;
	}

	/**
	 * Says the instance stopped: its row stays, expired now, so that the time it left is known (auto-complete counts
	 * its grace period from there).
	 */
	public void deregister(Connection connection, String id) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement("UPDATE " + this.table
				+ " SET expires_at = least(expires_at, clock_timestamp()) WHERE schema = ? AND id = ?")) {
			statement.setString(1, this.schema);
			statement.setString(2, id);
			statement.executeUpdate();
		}
	}

	/**
	 * The live instances of the schema, registered ones first, then recognised sessions, each group by version
	 * schema and start.
	 * @param versionSchema only those using this version schema, or {@code null} for all
	 */
	public List<Instance> live(Connection connection, @Nullable String versionSchema) throws SQLException {
		List<Instance> instances = new ArrayList<>();
		try (PreparedStatement statement = connection.prepareStatement("SELECT id, host, version_schema, started_at, "
				+ "heartbeat_at, expires_at FROM " + this.table + " WHERE schema = ? AND expires_at > clock_timestamp() "
				+ "AND (?::name IS NULL OR version_schema = ?::name) ORDER BY version_schema, started_at, id")) {
			statement.setString(1, this.schema);
			statement.setString(2, versionSchema);
			statement.setString(3, versionSchema);
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					instances.add(new Instance(rs.getString(1), rs.getString(2), rs.getString(3), instant(rs, 4),
							instant(rs, 5), instant(rs, 6), Instance.Source.REGISTERED, null));
				}
			}
		}
		instances.addAll(sessions(connection, versionSchema));
		return instances;
	}

	/**
	 * Sessions of this database whose {@code application_name} names a version schema of this schema. Any role
	 * sees every session's application name in {@code pg_stat_activity}. Listing them all, a name that begins with
	 * this schema's name and {@code _} may still be another schema's, whose name begins with this one's
	 * ({@code app_audit_01_init} is {@code app_audit}'s, not {@code app}'s): a longer schema name in the history
	 * that also prefixes it takes it.
	 */
	private List<Instance> sessions(Connection connection, @Nullable String versionSchema) throws SQLException {
		List<Instance> sessions = new ArrayList<>();
		// Another role's session shows its application_name but not its address or start (without
		// pg_read_all_stats): those stay empty rather than hiding the session.
		try (PreparedStatement statement = connection.prepareStatement("""
				SELECT pid, coalesce(host(client_addr), client_hostname,
				                     CASE WHEN backend_start IS NULL THEN 'another role''s session' ELSE 'local' END),
				       substr(split_part(application_name, ' ', 1), ?), backend_start, application_name
				FROM pg_stat_activity
				WHERE datname = current_database() AND pid <> pg_backend_pid()
				  AND starts_with(application_name, ?)
				  AND (?::text IS NULL OR split_part(application_name, ' ', 1) = ? || ?::text)
				ORDER BY 3, backend_start, pid""")) {
			statement.setInt(1, APPLICATION_NAME_PREFIX.length() + 1);
			statement.setString(2, APPLICATION_NAME_PREFIX);
			statement.setString(3, versionSchema);
			statement.setString(4, APPLICATION_NAME_PREFIX);
			statement.setString(5, versionSchema);
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					String named = rs.getString(3);
					Timestamp started = rs.getTimestamp(4);
					sessions.add(new Instance("session " + rs.getInt(1), rs.getString(2), named,
							(started != null) ? started.toInstant() : null, null, null, Instance.Source.SESSION,
							rs.getString(5)));
				}
			}
		}
		if (versionSchema != null) {
			return sessions;
		}
		List<Instance> ours = new ArrayList<>();
		for (Instance session : sessions) {
			if (ofThisSchema(connection, session.versionSchema())) {
				ours.add(session);
			}
		}
		return ours;
	}

	/**
	 * Whether a version schema's name is one of this schema's: it starts with {@code <schema>_}, and no other schema
	 * with a history whose name is longer and also starts it ({@code app_audit} for {@code app_audit_01_x}) claims
	 * it. Looked up by the history's primary key, so it costs the same however long the history.
	 */
	private boolean ofThisSchema(Connection connection, String versionSchema) throws SQLException {
		if (!versionSchema.startsWith(this.schema + "_")) {
			return false;
		}
		List<String> longer = new ArrayList<>();
		int cut = versionSchema.indexOf('_', this.schema.length() + 1);
		while (cut > 0) {
			longer.add(versionSchema.substring(0, cut));
			cut = versionSchema.indexOf('_', cut + 1);
		}
		if (longer.isEmpty()) {
			return true;
		}
		try (PreparedStatement statement = connection.prepareStatement("SELECT NOT EXISTS (SELECT 1 FROM "
				+ this.migrations + " WHERE schema = ANY (?::name[]))")) {
			statement.setArray(1, connection.createArrayOf("text", longer.toArray()));
			try (ResultSet rs = statement.executeQuery()) {
				rs.next();
				return rs.getBoolean(1);
			}
		}
	}

	/**
	 * When the last registered instance of a version schema was last live (now, if one still is; else its
	 * deregistration or expiry), or empty if none registered in the past day.
	 */
	public Optional<Instant> lastSeen(Connection connection, String versionSchema) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement("SELECT max(least(expires_at, "
				+ "clock_timestamp())) FROM " + this.table
				+ " WHERE schema = ? AND version_schema = ?")) {
			statement.setString(1, this.schema);
			statement.setString(2, versionSchema);
			try (ResultSet rs = statement.executeQuery()) {
				rs.next();
				Timestamp last = rs.getTimestamp(1);
				return (last == null) ? Optional.empty() : Optional.of(last.toInstant());
			}
		}
	}

	private static Instant instant(ResultSet rs, int column) throws SQLException {
		return rs.getTimestamp(column).toInstant();
	}

}
