package dev.pgroll4j.core.internal.catalog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import dev.pgroll4j.core.MigrationStateException;
import dev.pgroll4j.core.sql.Sql;

/**
 * The relations, types and functions of a schema, so that what a piece of user SQL created can be found by
 * comparing before and after, recorded in the history by identity (never as SQL), and dropped again: at rollback
 * each recorded object is looked up in the migrated schema, and only an object that is there with the recorded
 * kind is dropped, by a statement built here with every identifier quoted. Nothing is dropped with
 * {@code CASCADE}: rollback first checks that nothing else depends on these objects ({@link Ownership#ofCreated}),
 * and drops the objects of one kind in one statement, so that dependencies among them (a foreign key between two new
 * tables) need no cascade.
 */
public final class CreatedObjects {

	/**
	 * Every object with its identity, catalog and OID. Objects that belong to another (a range type's constructor functions, an
	 * extension's members) are left out: they go with their owner and cannot be dropped on their own.
	 */
	private static final String OBJECTS = """
			SELECT CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'S' THEN 'sequence'
			                      WHEN 'f' THEN 'foreign table' ELSE 'table' END,
			       c.relname, NULL, 'pg_class', c.oid
			FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE n.nspname = ? AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
			  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
			                  AND d.deptype IN ('i', 'e'))
			UNION ALL
			SELECT CASE t.typtype WHEN 'd' THEN 'domain' ELSE 'type' END, t.typname, NULL, 'pg_type', t.oid
			FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
			WHERE n.nspname = ? AND t.typcategory <> 'A' AND t.typtype IN ('e', 'd', 'r', 'b', 'c')
			  AND (t.typtype <> 'c' OR EXISTS (SELECT 1 FROM pg_class r WHERE r.oid = t.typrelid AND r.relkind = 'c'))
			  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid
			                  AND d.deptype IN ('i', 'e'))
			UNION ALL
			SELECT CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' ELSE 'function' END,
			       p.proname, pg_get_function_identity_arguments(p.oid), 'pg_proc', p.oid
			FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
			WHERE n.nspname = ?
			  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid
			                  AND d.deptype IN ('i', 'e'))
			""";

	/** How the previous release recorded an object: the DROP statement it ran at rollback. */
	private static final Pattern LEGACY = Pattern.compile("DROP (" + String.join("|",
			Arrays.stream(Kind.values()).map((kind) -> kind.keyword).toList())
			+ ") IF EXISTS (\"(?:[^\"]|\"\")+\"|[a-z_][a-z0-9_]*)\\.(\"(?:[^\"]|\"\")+\"|[a-z_][a-z0-9_]*)"
			+ "(?:\\((.*)\\))? CASCADE", Pattern.DOTALL);

	private CreatedObjects() {
	}

	/** The kinds of object recorded, in the order they are dropped: dependents first. */
	private enum Kind {

		VIEW("view", false), MATERIALIZED_VIEW("materialized view", false), TABLE("table", false),
		FOREIGN_TABLE("foreign table", false), SEQUENCE("sequence", false), PROCEDURE("procedure", true),
		AGGREGATE("aggregate", true), FUNCTION("function", true), DOMAIN("domain", false), TYPE("type", false);

		private final String label;

		private final String keyword;

		/** Identified by name and argument types; other kinds by name alone. */
		private final boolean routine;

		Kind(String label, boolean routine) {
			this.label = label;
			this.keyword = label.toUpperCase(java.util.Locale.ROOT);
			this.routine = routine;
		}

		static @Nullable Kind of(String label) {
			return Arrays.stream(values()).filter((kind) -> kind.label.equals(label)).findFirst().orElse(null);
		}

		static @Nullable Kind ofKeyword(String keyword) {
			return Arrays.stream(values()).filter((kind) -> kind.keyword.equals(keyword)).findFirst().orElse(null);
		}

	}

	/**
	 * An object as the history records it: no SQL, only what identifies it.
	 *
	 * @param kind {@code table}, {@code view}, {@code materialized view}, {@code foreign table}, {@code sequence},
	 * {@code function}, {@code procedure}, {@code aggregate}, {@code type} or {@code domain}
	 * @param arguments for routines, the identity argument list as {@code pg_get_function_identity_arguments}
	 * gives it; else {@code null}
	 */
	public record Identity(String kind, String schema, String name, @Nullable String arguments) {

		/** Whether both name the same object, whatever kind each claims it is. */
		boolean sameObject(Identity other) {
			boolean routine = this.arguments != null;
			return this.schema.equals(other.schema) && this.name.equals(other.name)
					&& routine == (other.arguments != null) && (!routine || this.arguments.equals(other.arguments));
		}

		@Override
		public String toString() {
			return this.kind + " " + Sql.qualified(this.schema, this.name)
					+ ((this.arguments != null) ? "(" + this.arguments + ")" : "");
		}

	}

	/** Every object of the schema. */
	public static Set<Identity> list(Connection connection, String schema) throws SQLException {
		return catalog(connection, schema).keySet();
	}

	/** Every object of the schema with its catalog entry, in the order {@link #OBJECTS} lists them. */
	private static Map<Identity, Ownership.Ref> catalog(Connection connection, String schema) throws SQLException {
		Map<Identity, Ownership.Ref> objects = new LinkedHashMap<>();
		try (PreparedStatement statement = connection.prepareStatement(OBJECTS)) {
			statement.setString(1, schema);
			statement.setString(2, schema);
			statement.setString(3, schema);
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					objects.put(new Identity(rs.getString(1), schema, rs.getString(2), rs.getString(3)),
							new Ownership.Ref(rs.getString(4), rs.getLong(5), 0));
				}
			}
		}
		return objects;
	}

	/** The objects in {@code after} that were not in {@code before}, in the order they are to be dropped. */
	public static List<Identity> created(Set<Identity> before, Set<Identity> after) {
		return after.stream()
			.filter((object) -> !before.contains(object))
			.sorted(Comparator.comparing((Identity object) -> Kind.of(object.kind())))
			.toList();
	}

	/**
	 * The objects the history records that are still there, in the order they are to be dropped, after checking each
	 * against the migrated schema: an object of another schema, of an unknown kind, or there under another kind is
	 * refused. Objects already gone are skipped.
	 * @param recorded what the history records, as the state store reads it
	 * @param refused the start of the error message, naming the migration
	 */
	public static List<Identity> recorded(Connection connection, String schema, List<Identity> recorded,
			String refused) throws SQLException {
		Set<Identity> present = list(connection, schema);
		List<Identity> kept = new ArrayList<>();
		for (Identity object : recorded) {
			String problem = problem(object, schema, present);
			if (problem != null) {
				throw new MigrationStateException(refused + "what its history records to undo (inferred_undo) names "
						+ object + ", which " + problem + "; nothing was dropped. It should list only what the "
						+ "migration's up created in schema " + Sql.ident(schema) + "; correct it, or drop those "
						+ "objects yourself and set it to []");
			}
			if (present.contains(object)) {
				kept.add(object);
			}
		}
		return kept.stream().sorted(Comparator.comparing((Identity object) -> Kind.of(object.kind()))).toList();
	}

	/**
	 * The statements that drop {@link #recorded} objects: those of one kind in one statement, which PostgreSQL drops
	 * together whatever the dependencies among them, and none with {@code CASCADE}.
	 */
	public static List<String> dropStatements(List<Identity> objects) {
		List<String> statements = new ArrayList<>();
		Kind current = null;
		List<String> names = new ArrayList<>();
		for (Identity object : objects) {
			Kind kind = Kind.of(object.kind());
			if (kind != current && !names.isEmpty()) {
				statements.add("DROP " + current.keyword + " IF EXISTS " + String.join(", ", names));
				names.clear();
			}
			current = kind;
			names.add(Sql.qualified(object.schema(), object.name())
					+ (kind.routine ? "(" + object.arguments() + ")" : ""));
		}
		if (!names.isEmpty()) {
			statements.add("DROP " + current.keyword + " IF EXISTS " + String.join(", ", names));
		}
		return statements;
	}

	/** The catalog entries of those of {@code objects} that exist in the schema, for the dependency check. */
	public static List<Ownership.Ref> resolve(Connection connection, String schema, Collection<Identity> objects)
			throws SQLException {
		if (objects.isEmpty()) {
			return List.of();
		}
		List<Ownership.Ref> refs = new ArrayList<>();
		catalog(connection, schema).forEach((object, ref) -> {
			if (objects.contains(object)) {
				refs.add(ref);
			}
		});
		return refs;
	}

	private static @Nullable String problem(Identity object, String schema, Set<Identity> present) {
		Kind kind = Kind.of(object.kind());
		if (kind == null) {
			return "is not a kind of object a migration's up is recorded to have created";
		}
		if (kind.routine != (object.arguments() != null)) {
			return kind.routine ? "lacks its argument list" : "has an argument list, which a " + kind.label
					+ " does not";
		}
		if (!object.schema().equals(schema)) {
			return "is in another schema than the migrated one";
		}
		for (Identity existing : present) {
			if (existing.sameObject(object) && !existing.kind().equals(object.kind())) {
				return "is a " + existing.kind() + " in the database, not a " + object.kind();
			}
		}
		return null;
	}

	/**
	 * An identity read from a statement of the previous release ({@code DROP <KIND> IF EXISTS <schema>.<name>[(
	 * <arguments>)] CASCADE}, names as {@code quote_ident} writes them), or {@code null} for anything else. The
	 * statement itself is never run: the object is checked and dropped like any other.
	 */
	public static @Nullable Identity legacy(String statement) {
		Matcher matcher = LEGACY.matcher(statement);
		if (!matcher.matches()) {
			return null;
		}
		Kind kind = Kind.ofKeyword(matcher.group(1));
		String arguments = matcher.group(4);
		if (kind.routine != (arguments != null)) {
			return null;
		}
		return new Identity(kind.label, unquote(matcher.group(2)), unquote(matcher.group(3)), arguments);
	}

	private static String unquote(String identifier) {
		return identifier.startsWith("\"")
				? identifier.substring(1, identifier.length() - 1).replace("\"\"", "\"") : identifier;
	}

}
