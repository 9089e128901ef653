package dev.pgroll4j.core.internal.catalog;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import dev.pgroll4j.core.ForeignObjectsException;
import dev.pgroll4j.core.sql.InternalNames;

/**
 * What complete and rollback may drop: only what the engine created (the views of a version schema, the sync
 * triggers, their functions and the backfill marker) and what a migration's {@code sql} operation created. Nothing is
 * dropped with {@code CASCADE}; instead, before any DDL, this finds every object that would go with what is dropped
 * or stand in its way (read from {@code pg_depend}), so the call can refuse with the list and change nothing.
 *
 * <p>A view of a version schema counts as the engine's when it reads exactly one table of the migrated schema and
 * nothing else, and has a name the engine gave a view of that version. Every other object in a version schema (a
 * table created through a connection pinned to it, a sequence, a function, a view of the application's own) is
 * foreign, and so is everything outside that depends on the engine's views: a view reading one, a trigger or rule
 * on one, a column of its row type.
 *
 * <p>Why one file of ~420 lines: the catalog queries that tell the engine's objects from everyone else's share
 * one dependency walk, and reading them side by side is how each kind is kept consistent with the others.
 */
public final class Ownership {

	private static final String PG_CLASS = "pg_class";

	private static final String PG_PROC = "pg_proc";

	private static final String PG_TRIGGER = "pg_trigger";

	private static final String PG_NAMESPACE = "pg_namespace";

	/** The views of a version schema that read exactly one table of the migrated schema, and nothing else. */
	private static final String SINGLE_TABLE_VIEWS = """
			SELECT c.oid, c.relname, t.relname
			FROM pg_class c
			JOIN pg_namespace n ON n.oid = c.relnamespace
			JOIN pg_rewrite r ON r.ev_class = c.oid AND r.rulename = '_RETURN'
			CROSS JOIN LATERAL (
			  SELECT min(d.refobjid) AS reads, count(DISTINCT d.refobjid) AS relations,
			         bool_and(d.refclassid = 'pg_class'::regclass) AS only_relations
			  FROM pg_depend d
			  WHERE d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid AND d.deptype = 'n'
			    AND NOT (d.refclassid = 'pg_class'::regclass AND d.refobjid = c.oid)) x
			JOIN pg_class t ON t.oid = x.reads
			JOIN pg_namespace tn ON tn.oid = t.relnamespace
			WHERE n.nspname = ? AND c.relkind = 'v' AND x.relations = 1 AND x.only_relations
			  AND tn.nspname = ? AND t.relkind IN ('r', 'p')
			ORDER BY c.relname
			""";

	/**
	 * Everything that depends on the roots (or on their parts) and is neither a part of them nor ours. Parts are
	 * what PostgreSQL drops along with an object without {@code CASCADE}: internal dependents (a view's rule and row
	 * type) and auto dependents; when strict, only column defaults and default privileges count as auto parts, so
	 * a trigger or rule someone put on an engine's view is reported rather than silently dropped with it. A view's
	 * rule is reported as its view, and an object that goes with another reported one (the sequence of a serial
	 * column, a member of an extension) is marked so that it need not be listed.
	 */
	private static final String FOREIGN_DEPENDENTS = """
			WITH RECURSIVE
			roots (classid, objid, objsubid) AS (
			  SELECT c::regclass::oid, o, s FROM unnest(?::text[], ?::oid[], ?::int4[]) AS u (c, o, s)),
			given (classid, objid) AS (SELECT c::regclass::oid, o FROM unnest(?::text[], ?::oid[]) AS u (c, o)),
			ours (classid, objid) AS (
			    SELECT classid, objid FROM given
			  UNION
			    SELECT d.classid, d.objid FROM given g
			    JOIN pg_depend d ON d.refclassid = g.classid AND d.refobjid = g.objid AND d.deptype IN ('i', 'a')),
			parts (classid, objid, objsubid, rootclass, rootid) AS (
			    SELECT classid, objid, objsubid, classid, objid FROM roots
			  UNION
			    SELECT d.classid, d.objid, 0, p.rootclass, p.rootid
			    FROM parts p JOIN pg_depend d ON d.refclassid = p.classid AND d.refobjid = p.objid
			      AND (p.objsubid = 0 OR d.refobjsubid = p.objsubid)
			    WHERE d.deptype = 'i' OR (d.deptype = 'a' AND (NOT ?::boolean
			      OR d.classid IN ('pg_attrdef'::regclass, 'pg_default_acl'::regclass)))),
			dependents AS (
			  SELECT DISTINCT d.classid, d.objid, d.objsubid, p.rootclass, p.rootid
			  FROM parts p JOIN pg_depend d ON d.refclassid = p.classid AND d.refobjid = p.objid
			    AND (p.objsubid = 0 OR d.refobjsubid = p.objsubid)
			  WHERE d.deptype IN ('n', 'a')
			    AND NOT EXISTS (SELECT FROM parts q WHERE q.classid = d.classid AND q.objid = d.objid)
			    AND NOT EXISTS (SELECT FROM ours o WHERE o.classid = d.classid AND o.objid = d.objid)),
			named AS (
			  SELECT CASE WHEN r.rulename = '_RETURN' THEN 'pg_class'::regclass::oid ELSE f.classid END AS classid,
			         CASE WHEN r.rulename = '_RETURN' THEN r.ev_class ELSE f.objid END AS objid,
			         CASE WHEN r.rulename = '_RETURN' THEN 0 ELSE f.objsubid END AS objsubid,
			         f.rootclass, f.rootid
			  FROM dependents f
			  LEFT JOIN pg_rewrite r ON f.classid = 'pg_rewrite'::regclass AND r.oid = f.objid)
			SELECT pg_describe_object(n.classid, n.objid, n.objsubid),
			       (pg_identify_object(n.classid, n.objid, n.objsubid)).type,
			       (pg_identify_object(n.classid, n.objid, n.objsubid)).identity,
			       string_agg(DISTINCT pg_describe_object(n.rootclass, n.rootid, 0), ', ')
			         FILTER (WHERE n.rootclass <> 'pg_namespace'::regclass),
			       bool_or(n.rootclass = 'pg_namespace'::regclass),
			       EXISTS (SELECT FROM pg_depend o JOIN named m ON m.classid = o.refclassid AND m.objid = o.refobjid
			               WHERE o.classid = n.classid AND o.objid = n.objid AND o.deptype IN ('a', 'i', 'e')
			                 AND NOT (m.classid = n.classid AND m.objid = n.objid))
			FROM named n
			GROUP BY n.classid, n.objid, n.objsubid
			ORDER BY 1
			""";

	/** Kinds that {@code ALTER <kind> ... SET SCHEMA} moves, as {@code pg_identify_object} names them. */
	private static final Set<String> MOVABLE = Set.of("table", "view", "materialized view", "sequence", "function",
			"procedure", "aggregate", "type", "foreign table");

	private Ownership() {
	}

	/**
	 * The engine's views in a version schema, by name.
	 * @param names the names the engine gave the views of that version
	 * @param namedLikeTheirTable also count a view named like the table it reads (a {@code sql} operation's version
	 * shows every table under its own name, and the engine cannot know those names beforehand)
	 */
	public static Map<String, Long> ownViews(Connection connection, String schema, String versionSchema,
			Collection<String> names, boolean namedLikeTheirTable) throws SQLException {
		Map<String, Long> views = new LinkedHashMap<>();
		try (PreparedStatement statement = connection.prepareStatement(SINGLE_TABLE_VIEWS)) {
			statement.setString(1, versionSchema);
			statement.setString(2, schema);
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					String view = rs.getString(2);
					if (names.contains(view) || (namedLikeTheirTable && view.equals(rs.getString(3)))) {
						views.put(view, rs.getLong(1));
					}
				}
			}
		}
		return views;
	}

	/**
	 * What is in the way of dropping a version schema and the engine's views in it: every other object in it, and
	 * everything elsewhere that depends on those views.
	 */
	public static List<Foreign> ofVersionSchema(Connection connection, String versionSchema, Collection<Long> ownViews)
			throws SQLException {
		Long namespace = namespace(connection, versionSchema);
		if (namespace == null) {
			return List.of();
		}
		List<Ref> roots = new ArrayList<>();
		roots.add(new Ref(PG_NAMESPACE, namespace, 0));
		ownViews.forEach((view) -> roots.add(new Ref(PG_CLASS, view, 0)));
		return foreign(connection, roots, List.of(), true);
	}

	/** What depends on the given views of the engine (before they are replaced or dropped). */
	public static List<Foreign> ofViews(Connection connection, Collection<Long> views) throws SQLException {
		List<Ref> roots = views.stream().map((view) -> new Ref(PG_CLASS, view, 0)).toList();
		return roots.isEmpty() ? List.of() : foreign(connection, roots, List.of(), true);
	}

	/** What depends on the sync triggers' functions or the backfill marker, other than the engine's triggers. */
	public static List<Foreign> ofTriggers(Connection connection, TriggerObjects triggers) throws SQLException {
		List<Ref> roots = new ArrayList<>();
		triggers.functions().forEach((function) -> roots.add(new Ref(PG_PROC, function.oid(), 0)));
		triggers.markers().forEach((marker) -> roots.add(new Ref(PG_CLASS, marker.table(), marker.column())));
		List<Ref> ours = triggers.triggers().stream().map((trigger) -> new Ref(PG_TRIGGER, trigger.oid(), 0)).toList();
		return roots.isEmpty() ? List.of() : foreign(connection, roots, ours, true);
	}

	/**
	 * What depends on objects a {@code sql} operation created and rollback drops, other than those objects and what
	 * goes with them (a table's indexes, constraints and triggers, a serial column's sequence).
	 */
	public static List<Foreign> ofCreated(Connection connection, List<Ref> created, Collection<Long> ownViews)
			throws SQLException {
		List<Ref> ours = ownViews.stream().map((view) -> new Ref(PG_CLASS, view, 0)).toList();
		return created.isEmpty() ? List.of() : foreign(connection, created, ours, false);
	}

	private static List<Foreign> foreign(Connection connection, List<Ref> roots, List<Ref> ours, boolean strict)
			throws SQLException {
		// Descriptions name objects qualified only when the search path does not show them.
		String searchPath = setSearchPath(connection, "pg_catalog");
		List<Foreign> found;
		try {
			found = query(connection, roots, ours, strict);
		}
		catch (SQLException ex) {
			try {
				setSearchPath(connection, searchPath);
			}
			catch (SQLException restore) {
				// In an aborted transaction: its rollback restores the path.
				ex.addSuppressed(restore);
			}
			throw ex;
		}
		setSearchPath(connection, searchPath);
		return found;
	}

	/** Sets the session's search path (in a transaction, until it ends) and returns what it was. */
	private static String setSearchPath(Connection connection, String searchPath) throws SQLException {
		try (PreparedStatement statement = connection
			.prepareStatement("SELECT current_setting('search_path'), set_config('search_path', ?, false)")) {
			statement.setString(1, searchPath);
			try (ResultSet rs = statement.executeQuery()) {
				rs.next();
				return rs.getString(1);
			}
		}
	}

	private static List<Foreign> query(Connection connection, List<Ref> roots, List<Ref> ours, boolean strict)
			throws SQLException {
		List<Foreign> found = new ArrayList<>();
		try (PreparedStatement statement = connection.prepareStatement(FOREIGN_DEPENDENTS)) {
			statement.setArray(1, connection.createArrayOf("text", roots.stream().map(Ref::catalog).toArray()));
			statement.setArray(2, oids(connection, roots.stream().map(Ref::objectId).toList()));
			statement.setArray(3, connection.createArrayOf("int4", roots.stream().map(Ref::subId).toArray()));
			statement.setArray(4, connection.createArrayOf("text", ours.stream().map(Ref::catalog).toArray()));
			statement.setArray(5, oids(connection, ours.stream().map(Ref::objectId).toList()));
			statement.setBoolean(6, strict);
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					found.add(new Foreign(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
							rs.getBoolean(5), rs.getBoolean(6), null));
				}
			}
		}
		return found;
	}

	/**
	 * The sync triggers' functions in the migrated schema, the triggers of the engine that run them (named
	 * {@code _pgroll_...}; a clone on a partition goes with its parent's), and the backfill marker columns.
	 */
	public static TriggerObjects triggerObjects(Connection connection, String schema) throws SQLException {
		List<Function> functions = new ArrayList<>();
		try (PreparedStatement query = connection.prepareStatement("""
				SELECT p.oid, quote_ident(n.nspname) || '.' || quote_ident(p.proname) || '()'
				FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
				WHERE n.nspname = ? AND (p.proname LIKE '\\_pgroll\\_trigger\\_%'
				                         OR p.proname LIKE '\\_pgroll\\_write\\_down\\_%' OR p.proname = ?)
				  AND p.prorettype = 'trigger'::regtype AND p.pronargs = 0
				ORDER BY p.proname
				""")) {
			query.setString(1, schema);
			query.setString(2, InternalNames.WRITTEN_FUNCTION);
			try (ResultSet rs = query.executeQuery()) {
				while (rs.next()) {
					functions.add(new Function(rs.getLong(1), rs.getString(2)));
				}
			}
		}
		List<Trigger> triggers = new ArrayList<>();
		if (!functions.isEmpty()) {
			try (PreparedStatement query = connection.prepareStatement("""
					SELECT t.oid, t.tgparentid <> 0, quote_ident(t.tgname),
					       quote_ident(n.nspname) || '.' || quote_ident(c.relname)
					FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
					WHERE t.tgfoid = ANY (?::oid[]) AND t.tgname LIKE '\\_pgroll\\_%'
					  AND (NOT t.tgisinternal OR t.tgparentid <> 0) -- before PostgreSQL 15 a partition's clone is internal
					ORDER BY t.tgrelid, t.tgname
					""")) {
				query.setArray(1, oids(connection, functions.stream().map(Function::oid).toList()));
				try (ResultSet rs = query.executeQuery()) {
					while (rs.next()) {
						triggers.add(new Trigger(rs.getLong(1), rs.getBoolean(2), rs.getString(3), rs.getString(4)));
					}
				}
			}
		}
		List<Marker> markers = new ArrayList<>();
		try (PreparedStatement query = connection.prepareStatement("""
				SELECT c.oid, a.attnum, quote_ident(n.nspname) || '.' || quote_ident(c.relname)
				FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
				WHERE n.nspname = ? AND a.attname = ? AND NOT a.attisdropped AND c.relkind IN ('r', 'p')
				  AND a.attinhcount = 0
				ORDER BY c.relname
				""")) {
			query.setString(1, schema);
			query.setString(2, InternalNames.NEEDS_BACKFILL_COLUMN);
			try (ResultSet rs = query.executeQuery()) {
				while (rs.next()) {
					markers.add(new Marker(rs.getLong(1), rs.getInt(2), rs.getString(3)));
				}
			}
		}
		return new TriggerObjects(functions, triggers, markers);
	}

	/**
	 * The refusal: the header, one line per object with what it depends on and how to get it out of the way, and
	 * the footer. An object found by several checks is listed once.
	 */
	public static ForeignObjectsException refusal(String header, List<Foreign> foreign, String footer) {
		Map<String, Foreign> merged = new LinkedHashMap<>();
		for (Foreign object : foreign) {
			merged.merge(object.description(), object, Foreign::merge);
		}
		StringBuilder message = new StringBuilder(header);
		List<String> objects = new ArrayList<>();
		for (Foreign object : merged.values()) {
			if (object.goesWithAnother()) {
				continue;
			}
			objects.add(object.description());
			message.append("\n  - ").append(object.description());
			if (object.dependsOn() != null) {
				message.append(", which depends on ").append(object.dependsOn());
			}
			if (object.advice() != null) {
				message.append(": ").append(object.advice());
			}
		}
		return new ForeignObjectsException(message.append('\n').append(footer).toString(), objects);
	}

	/**
	 * {@code ALTER <kind> <identity> SET SCHEMA <schema>}, for objects such a statement can move.
	 * @param quotedSchema the target schema, quoted as needed
	 */
	public static @Nullable String move(Foreign object, String quotedSchema) {
		if (!MOVABLE.contains(object.type())) {
			return null;
		}
		return "ALTER " + object.type().toUpperCase(Locale.ROOT) + " " + object.identity() + " SET SCHEMA "
				+ quotedSchema;
	}

	/** An identifier quoted the way PostgreSQL prints it: only when needed. */
	public static String quoted(Connection connection, String identifier) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement("SELECT quote_ident(?)")) {
			statement.setString(1, identifier);
			try (ResultSet rs = statement.executeQuery()) {
				rs.next();
				return rs.getString(1);
			}
		}
	}

	private static @Nullable Long namespace(Connection connection, String name) throws SQLException {
		try (PreparedStatement statement = connection
			.prepareStatement("SELECT oid FROM pg_namespace WHERE nspname = ?")) {
			statement.setString(1, name);
			try (ResultSet rs = statement.executeQuery()) {
				return rs.next() ? rs.getLong(1) : null;
			}
		}
	}

	private static Array oids(Connection connection, List<Long> oids) throws SQLException {
		return connection.createArrayOf("oid", oids.toArray());
	}

	/**
	 * A catalog object.
	 * @param catalog the system catalog holding it, such as {@code pg_class}
	 * @param objectId its OID
	 * @param subId a column number, or 0 for the whole object
	 */
	record Ref(String catalog, long objectId, int subId) {
	}

	/**
	 * An object in the way.
	 * @param description as PostgreSQL describes it ({@code table public_01.notes})
	 * @param type its kind ({@code table})
	 * @param identity its qualified name ({@code public_01.notes})
	 * @param dependsOn what of the dropped objects it depends on, or {@code null} when it only lives in a version
	 * schema to be dropped
	 * @param inDroppedSchema whether it lives in a version schema to be dropped
	 * @param goesWithAnother whether it goes with another object in the way (a serial column's sequence)
	 * @param advice how to get it out of the way
	 */
	public record Foreign(String description, String type, String identity, @Nullable String dependsOn,
			boolean inDroppedSchema, boolean goesWithAnother, @Nullable String advice) {

		public Foreign advised(String advice) {
			return new Foreign(this.description, this.type, this.identity, this.dependsOn, this.inDroppedSchema,
					this.goesWithAnother, advice);
		}

		/** The same object found by two checks: what it depends on in either, the first advice. */
		Foreign merge(Foreign other) {
			String both = (this.dependsOn == null) ? other.dependsOn
					: (other.dependsOn == null || this.dependsOn.equals(other.dependsOn)) ? this.dependsOn
							: this.dependsOn + ", " + other.dependsOn;
			return new Foreign(this.description, this.type, this.identity, both,
					this.inDroppedSchema || other.inDroppedSchema, this.goesWithAnother && other.goesWithAnother,
					(both != null && this.dependsOn == null) ? other.advice : this.advice);
		}

	}

	public record Function(long oid, String signature) {
	}

	/** A trigger of the engine; a partition's clone goes with its parent's and is not dropped on its own. */
	public record Trigger(long oid, boolean onPartition, String name, String table) {
	}

	/** A backfill marker column: the table and the column's number. */
	public record Marker(long table, int column, String qualifiedTable) {
	}

	public record TriggerObjects(List<Function> functions, List<Trigger> triggers, List<Marker> markers) {
	}

}
