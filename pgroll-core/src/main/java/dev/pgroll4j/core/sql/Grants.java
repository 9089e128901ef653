package dev.pgroll4j.core.sql;

/** Grant statements built as text, for phases that may only issue statements. */
public final class Grants {

	private Grants() {
	}

	/**
	 * One statement that grants a new column of a table what is granted on an existing one (it runs where only
	 * statements, not queries, can be issued).
	 */
	public static String copyColumnGrants(String qualifiedTable, String fromColumn, String toColumn) {
		return """
				DO $pgroll$ DECLARE g record; BEGIN
				  FOR g IN SELECT a.privilege_type AS privilege, a.is_grantable AS grantable,
				                  CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(r.rolname) END AS grantee
				           FROM pg_attribute att JOIN pg_class c ON c.oid = att.attrelid
				           CROSS JOIN LATERAL aclexplode(att.attacl) a LEFT JOIN pg_roles r ON r.oid = a.grantee
				           WHERE att.attrelid = %1$s::regclass AND att.attname = %2$s AND a.grantee <> c.relowner
				  LOOP
				    EXECUTE format('GRANT %%s (%%I) ON %%s TO %%s', g.privilege, %3$s, %1$s, g.grantee)
				        || CASE WHEN g.grantable THEN ' WITH GRANT OPTION' ELSE '' END;
				  END LOOP;
				END $pgroll$""".formatted(Sql.literal(qualifiedTable), Sql.literal(fromColumn), Sql.literal(toColumn));
	}

}
