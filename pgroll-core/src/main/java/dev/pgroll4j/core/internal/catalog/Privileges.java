package dev.pgroll4j.core.internal.catalog;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.pgroll4j.core.internal.jdbc.RetryingTransactions;
import dev.pgroll4j.core.sql.Sql;

/**
 * Carries the privileges granted on physical objects over to what a migration creates in their place, so that an
 * application role that owns nothing keeps exactly the access it had: a version schema gets the {@code USAGE}
 * grants of the physical schema, a view the table's grants (table-wide and per column, under the view's column
 * names), and a column copy the grants of the column it replaces. The owner's own rights are implicit and skipped.
 */
public final class Privileges {

	/** What a view can usefully be granted; TRUNCATE and MAINTAIN do not apply to views. */
	private static final String VIEW_PRIVILEGES = "'SELECT', 'INSERT', 'UPDATE', 'DELETE', 'REFERENCES', 'TRIGGER'";

	private Privileges() {
	}

	/** GRANT statements giving the version schema the USAGE grants of the physical schema. */
	public static List<String> schemaGrants(RetryingTransactions.Tx tx, String physicalSchema, String versionSchema)
			throws SQLException {
		List<String> grants = new ArrayList<>();
		try (PreparedStatement statement = tx.connection().prepareStatement("""
				SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(r.rolname) END, a.is_grantable
				FROM pg_namespace n CROSS JOIN LATERAL aclexplode(n.nspacl) a
				LEFT JOIN pg_roles r ON r.oid = a.grantee
				WHERE n.nspname = ? AND a.privilege_type = 'USAGE' AND a.grantee <> n.nspowner
				ORDER BY 1
				""")) {
			statement.setString(1, physicalSchema);
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					grants.add("GRANT USAGE ON SCHEMA " + Sql.ident(versionSchema) + " TO " + rs.getString(1)
							+ grantOption(rs.getBoolean(2)));
				}
			}
		}
		return grants;
	}

	/**
	 * REVOKE statements taking from a new version schema every privilege but {@code USAGE} that anyone but its
	 * owner holds on it: default privileges ({@code ALTER DEFAULT PRIVILEGES GRANT CREATE ON SCHEMAS}) give a new
	 * schema more than the physical schema's USAGE grants, and a role that may create objects in a version schema
	 * could put there what complete or rollback would then have to refuse to drop.
	 */
	public static List<String> schemaRevocations(RetryingTransactions.Tx tx, String versionSchema) throws SQLException {
		List<String> revocations = new ArrayList<>();
		try (PreparedStatement statement = tx.connection().prepareStatement("""
				SELECT a.privilege_type, CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(r.rolname) END
				FROM pg_namespace n CROSS JOIN LATERAL aclexplode(n.nspacl) a
				LEFT JOIN pg_roles r ON r.oid = a.grantee
				WHERE n.nspname = ? AND a.privilege_type <> 'USAGE' AND a.grantee <> n.nspowner
				ORDER BY 1, 2
				""")) {
			statement.setString(1, versionSchema);
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					revocations.add("REVOKE " + rs.getString(1) + " ON SCHEMA " + Sql.ident(versionSchema) + " FROM "
							+ rs.getString(2));
				}
			}
		}
		return revocations;
	}

	/**
	 * REVOKE statements taking from every role but the owner the privileges on a table that let it change rows
	 * (INSERT, UPDATE, DELETE, TRUNCATE, TRIGGER), table-wide or per column; for a table the engine has just created
	 * and that default privileges opened up.
	 */
	public static List<String> tableWriteRevocations(RetryingTransactions.Tx tx, String qualifiedTable) throws SQLException {
		List<String> revocations = new ArrayList<>();
		try (PreparedStatement statement = tx.connection().prepareStatement("""
				SELECT DISTINCT a.privilege_type, CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(r.rolname) END
				FROM pg_class c CROSS JOIN LATERAL aclexplode(c.relacl) a
				LEFT JOIN pg_roles r ON r.oid = a.grantee
				WHERE c.oid = ?::regclass AND a.grantee <> c.relowner
				  AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'TRIGGER')
				ORDER BY 1, 2
				""")) {
			statement.setString(1, qualifiedTable);
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					revocations.add("REVOKE " + rs.getString(1) + " ON " + qualifiedTable + " FROM " + rs.getString(2));
				}
			}
		}
		return revocations;
	}

	/**
	 * GRANT statements giving a view the privileges held on its table.
	 * @param viewColumns view column name by physical column name; grants on columns the view hides are dropped
	 */
	public static List<String> viewGrants(RetryingTransactions.Tx tx, String qualifiedTable, String qualifiedView,
			Map<String, String> viewColumns) throws SQLException {
		List<String> grants = new ArrayList<>();
		try (PreparedStatement statement = tx.connection().prepareStatement("""
				SELECT NULL, a.privilege_type, CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(r.rolname) END,
				       a.is_grantable
				FROM pg_class c CROSS JOIN LATERAL aclexplode(c.relacl) a
				LEFT JOIN pg_roles r ON r.oid = a.grantee
				WHERE c.oid = ?::regclass AND a.grantee <> c.relowner AND a.privilege_type IN (%1$s)
				UNION ALL
				SELECT att.attname, a.privilege_type,
				       CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(r.rolname) END, a.is_grantable
				FROM pg_attribute att JOIN pg_class c ON c.oid = att.attrelid
				CROSS JOIN LATERAL aclexplode(att.attacl) a
				LEFT JOIN pg_roles r ON r.oid = a.grantee
				WHERE att.attrelid = ?::regclass AND att.attnum > 0 AND NOT att.attisdropped
				  AND a.grantee <> c.relowner AND a.privilege_type IN (%1$s)
				ORDER BY 1 NULLS FIRST, 2, 3
				""".formatted(VIEW_PRIVILEGES))) {
			statement.setString(1, qualifiedTable);
			statement.setString(2, qualifiedTable);
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					String physicalColumn = rs.getString(1);
					String columns = "";
					if (physicalColumn != null) {
						String viewColumn = viewColumns.get(physicalColumn);
						if (viewColumn == null) {
							continue;
						}
						columns = " (" + Sql.ident(viewColumn) + ")";
					}
					grants.add("GRANT " + rs.getString(2) + columns + " ON " + qualifiedView + " TO " + rs.getString(3)
							+ grantOption(rs.getBoolean(4)));
				}
			}
		}
		return grants;
	}

	private static String grantOption(boolean grantable) {
		return grantable ? " WITH GRANT OPTION" : "";
	}

}
