package dev.pgroll4j.core.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The relations, types and functions of a schema, so that what a piece of user SQL created can be found by
 * comparing before and after, and dropped again. Nothing is dropped with {@code CASCADE}: rollback first checks
 * that nothing else depends on these objects ({@link Ownership#ofCreated}), and drops the objects of one kind in
 * one statement, so that dependencies among them (a foreign key between two new tables) need no cascade.
 */
final class CreatedObjects {

	/** Kinds in the order they are dropped: dependents first. */
	private static final List<String> DROP_ORDER = List.of("VIEW", "MATERIALIZED VIEW", "TABLE", "FOREIGN TABLE",
			"SEQUENCE", "PROCEDURE", "AGGREGATE", "FUNCTION", "DOMAIN", "TYPE");

	/** Kind, identity, catalog and OID of each object. */
	private static final String OBJECTS = """
			SELECT CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'S' THEN 'SEQUENCE'
			                      WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END,
			       quote_ident(n.nspname) || '.' || quote_ident(c.relname), 'pg_class', c.oid
			FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE n.nspname = ? AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
			UNION ALL
			SELECT CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END,
			       quote_ident(n.nspname) || '.' || quote_ident(t.typname), 'pg_type', t.oid
			FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
			WHERE n.nspname = ? AND t.typcategory <> 'A' AND t.typtype IN ('e', 'd', 'r', 'b', 'c')
			  AND (t.typtype <> 'c' OR EXISTS (SELECT 1 FROM pg_class r WHERE r.oid = t.typrelid AND r.relkind = 'c'))
			UNION ALL
			SELECT CASE p.prokind WHEN 'p' THEN 'PROCEDURE' WHEN 'a' THEN 'AGGREGATE' ELSE 'FUNCTION' END,
			       quote_ident(n.nspname) || '.' || quote_ident(p.proname)
			         || '(' || pg_get_function_identity_arguments(p.oid) || ')', 'pg_proc', p.oid
			FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
			WHERE n.nspname = ?
			""";

	private static final String PREFIX = "DROP ";

	private static final String IF_EXISTS = " IF EXISTS ";

	private static final String CASCADE = " CASCADE";

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
					statements.add(PREFIX + kind + IF_EXISTS + identity);
				}
			}
		}
		return statements;
	}

	/**
	 * The objects ({@code KIND identity}) that {@link #dropStatements} statements drop; a statement recorded by an
	 * earlier release ends in {@code CASCADE}, which is ignored.
	 */
	static List<String> objects(List<String> statements) {
		List<String> objects = new ArrayList<>();
		for (String statement : statements) {
			String object = object(statement);
			if (object != null) {
				objects.add(object);
			}
		}
		return objects;
	}

	/**
	 * The statements to run for {@link #dropStatements} statements: consecutive ones of the same kind merged into
	 * one, which PostgreSQL drops together whatever the dependencies among them, and none with {@code CASCADE}.
	 */
	static List<String> merged(List<String> statements) {
		List<String> merged = new ArrayList<>();
		String kind = null;
		List<String> identities = new ArrayList<>();
		for (String statement : statements) {
			String object = object(statement);
			String objectKind = (object != null) ? kindOf(object) : null;
			if (objectKind == null || !objectKind.equals(kind)) {
				flush(merged, kind, identities);
				kind = objectKind;
			}
			if (objectKind == null) {
				merged.add(statement);
			}
			else {
				identities.add(object.substring(objectKind.length() + 1));
			}
		}
		flush(merged, kind, identities);
		return merged;
	}

	private static void flush(List<String> merged, String kind, List<String> identities) {
		if (kind != null && !identities.isEmpty()) {
			merged.add(PREFIX + kind + IF_EXISTS + String.join(", ", identities));
		}
		identities.clear();
	}

	/** {@code KIND identity} of one {@link #dropStatements} statement, or null for any other statement. */
	private static String object(String statement) {
		for (String kind : DROP_ORDER) {
			String prefix = PREFIX + kind + IF_EXISTS;
			if (statement.startsWith(prefix)) {
				String identity = statement.substring(prefix.length());
				if (identity.endsWith(CASCADE)) {
					identity = identity.substring(0, identity.length() - CASCADE.length());
				}
				return kind + " " + identity;
			}
		}
		return null;
	}

	private static String kindOf(String object) {
		for (String kind : DROP_ORDER) {
			if (object.startsWith(kind + " ")) {
				return kind;
			}
		}
		return null;
	}

	/** The catalog entries of those of {@code objects} ({@code KIND identity}) that still exist in the schema. */
	static List<Ownership.Ref> resolve(Connection connection, String schema, Collection<String> objects)
			throws SQLException {
		List<Ownership.Ref> refs = new ArrayList<>();
		if (objects.isEmpty()) {
			return refs;
		}
		try (PreparedStatement statement = connection.prepareStatement(OBJECTS)) {
			statement.setString(1, schema);
			statement.setString(2, schema);
			statement.setString(3, schema);
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					if (objects.contains(rs.getString(1) + " " + rs.getString(2))) {
						refs.add(new Ownership.Ref(rs.getString(3), rs.getLong(4), 0));
					}
				}
			}
		}
		return refs;
	}

}
