package dev.pgroll4j.core.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The relations, types and functions of a schema, so that what a piece of user SQL created can be found by
 * comparing before and after, and dropped again.
 */
final class CreatedObjects {

	/** Kinds in the order they are dropped: dependents first. */
	private static final List<String> DROP_ORDER = List.of("VIEW", "MATERIALIZED VIEW", "TABLE", "FOREIGN TABLE",
			"SEQUENCE", "PROCEDURE", "AGGREGATE", "FUNCTION", "DOMAIN", "TYPE");

	private static final String OBJECTS = """
			SELECT CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'S' THEN 'SEQUENCE'
			                      WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END,
			       quote_ident(n.nspname) || '.' || quote_ident(c.relname)
			FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE n.nspname = ? AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
			UNION ALL
			SELECT CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END,
			       quote_ident(n.nspname) || '.' || quote_ident(t.typname)
			FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
			WHERE n.nspname = ? AND t.typcategory <> 'A' AND t.typtype IN ('e', 'd', 'r', 'b', 'c')
			  AND (t.typtype <> 'c' OR EXISTS (SELECT 1 FROM pg_class r WHERE r.oid = t.typrelid AND r.relkind = 'c'))
			UNION ALL
			SELECT CASE p.prokind WHEN 'p' THEN 'PROCEDURE' WHEN 'a' THEN 'AGGREGATE' ELSE 'FUNCTION' END,
			       quote_ident(n.nspname) || '.' || quote_ident(p.proname)
			         || '(' || pg_get_function_identity_arguments(p.oid) || ')'
			FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
			WHERE n.nspname = ?
			""";

	private CreatedObjects() {
	}

	/** Every object as {@code KIND identity}. */
	static Set<String> list(Connection connection, String schema) throws SQLException {
		Set<String> objects = new LinkedHashSet<>();
		try (PreparedStatement statement = connection.prepareStatement(OBJECTS)) {
			statement.setString(1, schema);
			statement.setString(2, schema);
			statement.setString(3, schema);
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					objects.add(rs.getString(1) + " " + rs.getString(2));
				}
			}
		}
		return objects;
	}

	/** DROP statements for the objects in {@code after} that were not in {@code before}, dependents first. */
	static List<String> dropStatements(Set<String> before, Set<String> after) {
		List<String> statements = new ArrayList<>();
		for (String kind : DROP_ORDER) {
			for (String object : after) {
				if (!before.contains(object) && object.startsWith(kind + " ")) {
					String identity = object.substring(kind.length() + 1);
					statements.add("DROP " + kind + " IF EXISTS " + identity + " CASCADE");
				}
			}
		}
		return statements;
	}

}
