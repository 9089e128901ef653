package dev.pgroll4j.test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;

/**
 * Everything in a database's user schemas that a migration could touch, as sorted text lines, so that a test can
 * prove "the catalog after equals the catalog before" and get a readable {@link #diff} when it does not.
 *
 * <p>Each line is {@code <kind> <schema>.<name>[.<part>] <attribute>...[: <definition>]}. Lines hold names, never
 * OIDs or attribute numbers, so a dropped and re-created object with the same shape yields the same line. Covered:
 * schemas, relations (tables, partitioned tables, views, materialized views, sequences, indexes, foreign tables),
 * columns, view definitions, constraints, indexes, triggers, rules, row-level security policies, functions and
 * procedures, enum/domain/composite/range types, sequences, owners, privileges and comments. Not covered: data,
 * sequence values, statistics, and database-wide objects (roles, extensions, event triggers, publications).
 *
 * <p>Tip: {@code assertThat(before.diff(after)).isEmpty()} prints only the differences when it fails.
 */
public final class CatalogSnapshot {

	/** The schemas to describe; every query joins it and binds the excluded names as its only parameter. */
	private static final String SCHEMAS = """
			WITH s AS (
				SELECT n.* FROM pg_namespace n
				WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
				  AND n.nspname !~ '^pg_(toast|temp_)'
				  AND NOT n.nspname = ANY (?::text[]))
			""";

	private static final String SCHEMA_LINES = """
			SELECT concat_ws(' ', 'schema ' || s.nspname,
				'owner=' || pg_get_userbyid(s.nspowner),
				'acl=' || s.nspacl::text,
				'comment=' || quote_literal(obj_description(s.oid, 'pg_namespace')))
			FROM s
			""";

	private static final String RELATION_LINES = """
			SELECT concat_ws(' ', 'relation ' || s.nspname || '.' || c.relname,
				'kind=' || CASE c.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'partitioned_table' WHEN 'v' THEN 'view'
					WHEN 'm' THEN 'materialized_view' WHEN 'S' THEN 'sequence' WHEN 'i' THEN 'index'
					WHEN 'I' THEN 'partitioned_index' WHEN 'f' THEN 'foreign_table' ELSE c.relkind::text END,
				'owner=' || pg_get_userbyid(c.relowner),
				CASE WHEN c.relpersistence = 'u' THEN 'unlogged' END,
				'options=' || c.reloptions::text,
				CASE WHEN c.relkind IN ('r', 'p') THEN 'replica_identity=' || CASE c.relreplident
					WHEN 'd' THEN 'default' WHEN 'n' THEN 'nothing' WHEN 'f' THEN 'full'
					WHEN 'i' THEN 'index:' || coalesce((SELECT ic.relname FROM pg_index i
						JOIN pg_class ic ON ic.oid = i.indexrelid WHERE i.indrelid = c.oid AND i.indisreplident), '?')
					END END,
				CASE WHEN c.relrowsecurity THEN 'row_security' END,
				CASE WHEN c.relforcerowsecurity THEN 'force_row_security' END,
				'partition_key=' || pg_get_partkeydef(c.oid),
				'inherits=' || (SELECT string_agg(pn.nspname || '.' || pc.relname, ',' ORDER BY i.inhseqno)
					FROM pg_inherits i JOIN pg_class pc ON pc.oid = i.inhparent
					JOIN pg_namespace pn ON pn.oid = pc.relnamespace WHERE i.inhrelid = c.oid),
				'bound=' || CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END,
				'acl=' || c.relacl::text,
				'comment=' || quote_literal(obj_description(c.oid, 'pg_class')))
			FROM pg_class c JOIN s ON s.oid = c.relnamespace
			WHERE c.relkind <> 'c'
			""";

	/** Position counts only live columns, so dropped columns leave no trace. */
	private static final String COLUMN_LINES = """
			SELECT concat_ws(' ', 'column ' || s.nspname || '.' || c.relname || '.' || a.attname,
				'position=' || row_number() OVER (PARTITION BY a.attrelid ORDER BY a.attnum),
				'type=' || format_type(a.atttypid, a.atttypmod),
				CASE WHEN a.attnotnull THEN 'not_null' END,
				CASE WHEN a.attgenerated = '' THEN 'default=' || pg_get_expr(d.adbin, d.adrelid) END,
				'identity=' || CASE a.attidentity WHEN 'a' THEN 'always' WHEN 'd' THEN 'by_default' END,
				CASE WHEN a.attgenerated <> '' THEN 'generated_'
					|| CASE a.attgenerated WHEN 's' THEN 'stored' WHEN 'v' THEN 'virtual' ELSE a.attgenerated::text END
					|| '=' || pg_get_expr(d.adbin, d.adrelid) END,
				'collation=' || CASE WHEN a.attcollation <> t.typcollation THEN a.attcollation::regcollation::text END,
				'acl=' || a.attacl::text,
				'comment=' || quote_literal(col_description(a.attrelid, a.attnum)))
			FROM pg_attribute a
			JOIN pg_class c ON c.oid = a.attrelid
			JOIN s ON s.oid = c.relnamespace
			JOIN pg_type t ON t.oid = a.atttypid
			LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
			WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
			""";

	private static final String VIEW_LINES = """
			SELECT 'view ' || s.nspname || '.' || c.relname || ': ' || ltrim(pg_get_viewdef(c.oid, true))
			FROM pg_class c JOIN s ON s.oid = c.relnamespace
			WHERE c.relkind IN ('v', 'm')
			""";

	/** {@code %s} takes the version-dependent flags. */
	private static final String CONSTRAINT_LINES = """
			SELECT concat(concat_ws(' ', 'constraint ' || s.nspname || '.' || c.relname || '.' || k.conname,
				'type=' || CASE k.contype WHEN 'c' THEN 'check' WHEN 'f' THEN 'foreign_key' WHEN 'p' THEN 'primary_key'
					WHEN 'u' THEN 'unique' WHEN 't' THEN 'trigger' WHEN 'x' THEN 'exclusion' WHEN 'n' THEN 'not_null'
					ELSE k.contype::text END,
				CASE WHEN k.convalidated THEN 'valid' ELSE 'not_valid' END,
				CASE WHEN k.condeferrable THEN 'deferrable' END,
				CASE WHEN k.condeferred THEN 'initially_deferred' END,
				CASE WHEN k.connoinherit THEN 'no_inherit' END,
				%s
				'comment=' || quote_literal(obj_description(k.oid, 'pg_constraint'))),
				': ' || pg_get_constraintdef(k.oid))
			FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN s ON s.oid = c.relnamespace
			""";

	private static final String INDEX_LINES = """
			SELECT concat(concat_ws(' ', 'index ' || s.nspname || '.' || ic.relname,
				CASE WHEN i.indisprimary THEN 'primary' END,
				CASE WHEN i.indisunique THEN 'unique' END,
				CASE WHEN i.indisvalid THEN 'valid' ELSE 'invalid' END,
				CASE WHEN NOT i.indisready THEN 'not_ready' END,
				CASE WHEN i.indisclustered THEN 'clustered' END),
				': ' || pg_get_indexdef(i.indexrelid))
			FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN s ON s.oid = ic.relnamespace
			""";

	private static final String TRIGGER_LINES = """
			SELECT concat(concat_ws(' ', 'trigger ' || s.nspname || '.' || c.relname || '.' || t.tgname,
				'enabled=' || CASE t.tgenabled WHEN 'O' THEN 'origin' WHEN 'D' THEN 'disabled' WHEN 'R' THEN 'replica'
					WHEN 'A' THEN 'always' ELSE t.tgenabled::text END,
				'comment=' || quote_literal(obj_description(t.oid, 'pg_trigger'))),
				': ' || pg_get_triggerdef(t.oid))
			FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN s ON s.oid = c.relnamespace
			WHERE NOT t.tgisinternal
			""";

	/** View bodies are {@code _RETURN} rules, already covered by the view lines. */
	private static final String RULE_LINES = """
			SELECT concat(concat_ws(' ', 'rule ' || s.nspname || '.' || c.relname || '.' || r.rulename,
				'enabled=' || CASE r.ev_enabled WHEN 'O' THEN 'origin' WHEN 'D' THEN 'disabled' WHEN 'R' THEN 'replica'
					WHEN 'A' THEN 'always' ELSE r.ev_enabled::text END),
				': ' || pg_get_ruledef(r.oid, true))
			FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class JOIN s ON s.oid = c.relnamespace
			WHERE r.rulename <> '_RETURN'
			""";

	private static final String POLICY_LINES = """
			SELECT concat_ws(' ', 'policy ' || s.nspname || '.' || c.relname || '.' || p.polname,
				'command=' || CASE p.polcmd WHEN 'r' THEN 'select' WHEN 'a' THEN 'insert' WHEN 'w' THEN 'update'
					WHEN 'd' THEN 'delete' WHEN '*' THEN 'all' ELSE p.polcmd::text END,
				CASE WHEN p.polpermissive THEN 'permissive' ELSE 'restrictive' END,
				'roles=' || (SELECT string_agg(role, ',' ORDER BY role) FROM (SELECT CASE WHEN r = 0 THEN 'public'
					ELSE pg_get_userbyid(r)::text END AS role FROM unnest(p.polroles) r) roles),
				'using=' || pg_get_expr(p.polqual, p.polrelid),
				'check=' || pg_get_expr(p.polwithcheck, p.polrelid))
			FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid JOIN s ON s.oid = c.relnamespace
			""";

	/**
	 * pg_get_functiondef covers body, signature, language, volatility, security and settings at once (prosrc alone
	 * is empty for SQL-standard bodies); it rejects aggregates, whose prosrc is used instead. Functions that are
	 * internal parts of another object (the constructors of a range type) come and go with that object.
	 */
	private static final String FUNCTION_LINES = """
			SELECT concat_ws(' ',
				'function ' || s.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')',
				'kind=' || CASE p.prokind WHEN 'f' THEN 'function' WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate'
					WHEN 'w' THEN 'window' ELSE p.prokind::text END,
				'returns=' || pg_get_function_result(p.oid),
				'language=' || l.lanname,
				'owner=' || pg_get_userbyid(p.proowner),
				'acl=' || p.proacl::text,
				'comment=' || quote_literal(obj_description(p.oid, 'pg_proc')),
				'definition_md5=' || md5(CASE WHEN p.prokind = 'a' THEN p.prosrc ELSE pg_get_functiondef(p.oid) END))
			FROM pg_proc p JOIN s ON s.oid = p.pronamespace JOIN pg_language l ON l.oid = p.prolang
			WHERE NOT EXISTS (SELECT FROM pg_depend d
				WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'i')
			""";

	/** Composite types that back a relation are described by the relation; array and multirange types are implied. */
	private static final String TYPE_LINES = """
			SELECT concat(concat_ws(' ', 'type ' || s.nspname || '.' || t.typname,
				'kind=' || CASE t.typtype WHEN 'e' THEN 'enum' WHEN 'd' THEN 'domain' WHEN 'c' THEN 'composite'
					WHEN 'r' THEN 'range' END,
				'base=' || CASE WHEN t.typtype = 'd' THEN format_type(t.typbasetype, t.typtypmod) END,
				'subtype=' || (SELECT format_type(r.rngsubtype, NULL) FROM pg_range r WHERE r.rngtypid = t.oid),
				CASE WHEN t.typnotnull THEN 'not_null' END,
				'default=' || pg_get_expr(t.typdefaultbin, 0),
				'collation=' || CASE WHEN t.typtype = 'd' AND t.typcollation <> bt.typcollation
					THEN t.typcollation::regcollation::text END,
				'owner=' || pg_get_userbyid(t.typowner),
				'acl=' || t.typacl::text,
				'comment=' || quote_literal(obj_description(t.oid, 'pg_type'))),
				': ' || CASE t.typtype
					WHEN 'e' THEN (SELECT string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder)
						FROM pg_enum e WHERE e.enumtypid = t.oid)
					WHEN 'c' THEN (SELECT string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod), ', '
						ORDER BY a.attnum) FROM pg_attribute a
						WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped)
					END)
			FROM pg_type t JOIN s ON s.oid = t.typnamespace
			LEFT JOIN pg_type bt ON bt.oid = t.typbasetype
			LEFT JOIN pg_class tc ON tc.oid = t.typrelid
			WHERE t.typtype IN ('e', 'd', 'r') OR (t.typtype = 'c' AND tc.relkind = 'c')
			""";

	private static final String DOMAIN_CONSTRAINT_LINES = """
			SELECT concat(concat_ws(' ', 'domain_constraint ' || s.nspname || '.' || t.typname || '.' || k.conname,
				CASE WHEN k.convalidated THEN 'valid' ELSE 'not_valid' END,
				'comment=' || quote_literal(obj_description(k.oid, 'pg_constraint'))),
				': ' || pg_get_constraintdef(k.oid))
			FROM pg_constraint k JOIN pg_type t ON t.oid = k.contypid JOIN s ON s.oid = t.typnamespace
			""";

	/** Serial columns own their sequence with an auto ('a') dependency, identity columns with an internal ('i') one. */
	private static final String SEQUENCE_LINES = """
			SELECT concat_ws(' ', 'sequence ' || s.nspname || '.' || c.relname,
				'type=' || format_type(q.seqtypid, NULL),
				'start=' || q.seqstart,
				'increment=' || q.seqincrement,
				'min=' || q.seqmin,
				'max=' || q.seqmax,
				'cache=' || q.seqcache,
				CASE WHEN q.seqcycle THEN 'cycle' ELSE 'no_cycle' END,
				'owned_by=' || (SELECT tn.nspname || '.' || tc.relname || '.' || a.attname
					FROM pg_depend d
					JOIN pg_class tc ON tc.oid = d.refobjid
					JOIN pg_namespace tn ON tn.oid = tc.relnamespace
					JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
					WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass
					  AND d.deptype IN ('a', 'i') AND d.refobjsubid > 0))
			FROM pg_sequence q JOIN pg_class c ON c.oid = q.seqrelid JOIN s ON s.oid = c.relnamespace
			""";

	/**
	 * Deparsed expressions and type names depend on these settings; pinning them makes snapshots comparable across
	 * connections. With search_path = pg_catalog every user object is printed schema-qualified.
	 */
	private static final String PIN_SETTINGS = """
			SELECT set_config('search_path', 'pg_catalog', true), set_config('DateStyle', 'ISO, YMD', true),
				   set_config('IntervalStyle', 'postgres', true), set_config('TimeZone', 'UTC', true)
			""";

	private final List<String> lines;

	private CatalogSnapshot(List<String> lines) {
		this.lines = List.copyOf(lines);
	}

	/** Describes every schema except the system ones (pg_catalog, information_schema, pg_toast*, pg_temp*). */
	public static CatalogSnapshot take(Connection connection) {
		return take(connection, List.of());
	}

	/**
	 * Like {@link #take(Connection)}, also leaving out {@code excludedSchemas} (e.g. a migration tool's own state
	 * schema). The connection is left as it was: its own transaction, if any, is neither committed nor aborted.
	 */
	public static CatalogSnapshot take(Connection connection, Collection<String> excludedSchemas) {
		try {
			if (connection.getAutoCommit()) {
				connection.setAutoCommit(false);
				try {
					return read(connection, excludedSchemas);
				} finally {
					connection.rollback();
					connection.setAutoCommit(true);
				}
			}
			// Rolling back to the savepoint undoes the pinned settings and survives a failed query.
			Savepoint savepoint = connection.setSavepoint();
			try {
				return read(connection, excludedSchemas);
			} finally {
				connection.rollback(savepoint);
			}
		} catch (SQLException e) {
			throw new TestSqlException("catalog snapshot", e);
		}
	}

	private static CatalogSnapshot read(Connection connection, Collection<String> excludedSchemas) throws SQLException {
		try (Statement s = connection.createStatement()) {
			s.execute(PIN_SETTINGS);
		}
		// NOT ENFORCED constraints arrived in PostgreSQL 18.
		String constraintFlags = connection.getMetaData().getDatabaseMajorVersion() >= 18
				? "CASE WHEN NOT k.conenforced THEN 'not_enforced' END," : "";
		List<String> queries = List.of(SCHEMA_LINES, RELATION_LINES, COLUMN_LINES, VIEW_LINES,
				String.format(CONSTRAINT_LINES, constraintFlags), INDEX_LINES, TRIGGER_LINES, RULE_LINES,
				POLICY_LINES, FUNCTION_LINES, TYPE_LINES, DOMAIN_CONSTRAINT_LINES, SEQUENCE_LINES);
		Object[] excluded = excludedSchemas.toArray();
		List<String> lines = new ArrayList<>();
		for (String query : queries) {
			try (PreparedStatement ps = connection.prepareStatement(SCHEMAS + query)) {
				ps.setArray(1, connection.createArrayOf("text", excluded));
				try (ResultSet rs = ps.executeQuery()) {
					while (rs.next()) {
						lines.add(oneLine(rs.getString(1)));
					}
				}
			}
		}
		Collections.sort(lines);
		return new CatalogSnapshot(lines);
	}

	/** Definitions (views, rules) span several lines; escaping keeps one fact per line. */
	private static String oneLine(String text) {
		return text.replace("\r", "\\r").replace("\n", "\\n");
	}

	/** Sorted, one fact per line. */
	public List<String> lines() {
		return lines;
	}

	/**
	 * Lines only in this snapshot prefixed "- ", lines only in {@code after} prefixed "+ ", in sorted order so that
	 * the old and new version of a changed object end up next to each other. Empty when both are equal.
	 */
	public List<String> diff(CatalogSnapshot after) {
		List<String> diff = new ArrayList<>();
		List<String> b = after.lines;
		int i = 0;
		int j = 0;
		while (i < lines.size() || j < b.size()) {
			int cmp = i == lines.size() ? 1 : j == b.size() ? -1 : lines.get(i).compareTo(b.get(j));
			if (cmp == 0) {
				i++;
				j++;
			} else if (cmp < 0) {
				diff.add("- " + lines.get(i++));
			} else {
				diff.add("+ " + b.get(j++));
			}
		}
		return diff;
	}

	@Override
	public boolean equals(Object o) {
		return o instanceof CatalogSnapshot && lines.equals(((CatalogSnapshot) o).lines);
	}

	@Override
	public int hashCode() {
		return lines.hashCode();
	}

	@Override
	public String toString() {
		return String.join("\n", lines);
	}
}
