package dev.pgroll4j.core.internal.state;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.pgroll4j.core.MigrationStateException;
import dev.pgroll4j.core.sql.Sql;

/**
 * Why the migration history cannot be trusted, when {@link StateStore#form} finds that a role without the migrating
 * role's rights owns it or may write it: each such role and what it may do, and how to put it right.
 */
final class HistoryTrust {

	/**
	 * The migrating role, the owners, and one row per role and way it could write the history (role null for
	 * PUBLIC); the last three columns are null when there is nothing (any more) to report. It lists the conditions
	 * of {@link StateStore}'s trust check one by one; the two must agree.
	 */
	private static final String UNTRUSTED = """
			WITH s AS (
			    SELECT n.oid, n.nspowner, n.nspacl FROM pg_namespace n WHERE n.nspname = ?
			), t AS (
			    SELECT c.oid, c.relowner, c.relacl FROM pg_class c JOIN s ON c.relnamespace = s.oid
			    WHERE c.relname = 'migrations'
			), writers (ord, grantee, what, detail) AS (
			    SELECT 1, nspowner, 'owns schema', NULL FROM s
			  UNION ALL
			    SELECT 2, a.grantee, 'CREATE', NULL FROM s, aclexplode(s.nspacl) a WHERE a.privilege_type = 'CREATE'
			  UNION ALL
			    SELECT 3, relowner, 'owns table', NULL FROM t
			  UNION ALL
			    SELECT 4, a.grantee, a.privilege_type, NULL FROM t, aclexplode(t.relacl) a
			    WHERE a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'TRIGGER')
			  UNION ALL
			    SELECT 5, a.grantee, a.privilege_type || ' column', att.attname::text
			    FROM t JOIN pg_attribute att ON att.attrelid = t.oid AND att.attacl IS NOT NULL,
			         aclexplode(att.attacl) a
			    WHERE a.privilege_type IN ('INSERT', 'UPDATE')
			  UNION ALL
			    SELECT 6, p.proowner, 'owns function', p.oid::regprocedure::text
			    FROM t JOIN pg_trigger tg ON tg.tgrelid = t.oid AND NOT tg.tgisinternal JOIN pg_proc p ON p.oid = tg.tgfoid
			), untrusted AS (
			    SELECT DISTINCT ord, grantee, what, detail FROM writers
			    WHERE CASE WHEN grantee = 0 THEN true ELSE NOT pg_has_role(grantee, current_user, 'MEMBER') END
			)
			SELECT current_user, (SELECT pg_get_userbyid(nspowner) FROM s), (SELECT pg_get_userbyid(relowner) FROM t),
			       CASE WHEN u.grantee <> 0 THEN pg_get_userbyid(u.grantee) END, u.what, u.detail
			FROM (SELECT 1) one LEFT JOIN untrusted u ON true
			ORDER BY u.ord, 4, u.detail
			""";

	private final String stateSchema;

	private final String table;

	private HistoryTrust(String stateSchema, String table) {
		this.stateSchema = stateSchema;
		this.table = table;
	}

	/**
	 * The refusal when {@link StateStore#form} finds the history untrusted: who may write it and how, and what to
	 * do about it.
	 */
	static MigrationStateException untrusted(Connection connection, String stateSchema, String table)
			throws SQLException {
		return new HistoryTrust(stateSchema, table).explain(connection);
	}

	private MigrationStateException explain(Connection connection) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(UNTRUSTED)) {
			statement.setString(1, this.stateSchema);
			String migratingRole = null;
			String schemaOwner = null;
			String tableOwner = null;
			List<String> problems = new ArrayList<>();
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					migratingRole = rs.getString(1);
					schemaOwner = rs.getString(2);
					tableOwner = rs.getString(3);
					if (rs.getString(5) != null) {
						problems.add(problem(rs.getString(4), rs.getString(5), rs.getString(6)));
					}
				}
			}
			if (problems.isEmpty()) {
				// Refused all the same: the catalog changed between the two queries.
				problems.add("its owners or access changed while they were checked");
			}
			return refusal(migratingRole, schemaOwner, tableOwner, problems);
		}
	}

	/** One row of {@link #UNTRUSTED} as a sentence part. */
	private String problem(@Nullable String role, String what, @Nullable String detail) {
		String who = (role == null) ? "PUBLIC" : "role " + Sql.ident(role);
		return who + switch (what) {
			case "owns schema" -> " owns schema " + Sql.ident(this.stateSchema);
			case "CREATE" -> " may create objects in schema " + Sql.ident(this.stateSchema);
			case "owns table" -> " owns table " + this.table;
			case "INSERT" -> " may INSERT into " + this.table;
			case "DELETE" -> " may DELETE from " + this.table;
			case "TRIGGER" -> " may create triggers on " + this.table;
			case "INSERT column", "UPDATE column" -> " may " + what.substring(0, what.indexOf(' ')) + " column "
					+ Sql.ident(detail) + " of " + this.table;
			case "owns function" -> " owns function " + detail + ", which runs when " + this.table + " is used";
			default -> " may " + what + " " + this.table;
		};
	}

	private MigrationStateException refusal(@Nullable String migratingRole, @Nullable String schemaOwner,
			@Nullable String tableOwner, List<String> problems) {
		String role = Sql.ident(migratingRole);
		String owners = (schemaOwner != null) ? " (schema owned by role " + Sql.ident(schemaOwner)
				+ ((tableOwner != null) ? ", table owned by role " + Sql.ident(tableOwner) : "") + ")" : "";
		return new MigrationStateException("the migration history " + this.table + owners
				+ " cannot be trusted by role " + role + ", which migrates: " + String.join("; ", problems)
				+ ". The engine acts on what it reads there with the rights of role " + role + ", so only roles "
				+ "that hold those rights (" + role + " itself, its members, superusers) may own or write it. If the "
				+ "state schema is yours, hand it to " + role + " and take the others' access "
				+ "away (ALTER SCHEMA " + Sql.ident(this.stateSchema) + " OWNER TO " + role
				+ ((tableOwner != null) ? "; ALTER TABLE " + this.table + " OWNER TO " + role : "")
				+ "; REVOKE or DROP TRIGGER as listed), or migrate as its owner (setting role, pgroll.role) if that "
				+ "is the role migrations should run as; if it is not yours, drop it (DROP SCHEMA "
				+ Sql.ident(this.stateSchema) + " CASCADE) or choose another stateSchema");
	}

}
