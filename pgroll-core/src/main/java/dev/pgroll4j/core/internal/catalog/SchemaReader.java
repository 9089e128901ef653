package dev.pgroll4j.core.internal.catalog;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.pgroll4j.core.schema.ColumnSnapshot;
import dev.pgroll4j.core.schema.ConstraintSnapshot;
import dev.pgroll4j.core.schema.ConstraintType;
import dev.pgroll4j.core.schema.IndexSnapshot;
import dev.pgroll4j.core.schema.SchemaSnapshot;
import dev.pgroll4j.core.schema.TableSnapshot;

/** Reads a {@link SchemaSnapshot} from the catalog; works on PostgreSQL 14 and later. */
public final class SchemaReader {

	private static final String TABLES = """
			SELECT c.oid, c.relname, obj_description(c.oid, 'pg_class') AS comment, c.relreplident,
			       (SELECT ri.relname FROM pg_index i JOIN pg_class ri ON ri.oid = i.indexrelid
			         WHERE i.indrelid = c.oid AND i.indisreplident) AS replident_index,
			       c.relkind = 'p' AS partitioned,
			       ARRAY(SELECT other.oid::regclass::text FROM pg_inherits h
			             JOIN pg_class other ON other.oid = CASE WHEN h.inhparent = c.oid THEN h.inhrelid ELSE h.inhparent END
			             WHERE c.relkind = 'r' AND (h.inhparent = c.oid OR h.inhrelid = c.oid) ORDER BY 1) AS inheritance
			FROM pg_class c
			WHERE c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = ?)
			  AND c.relkind IN ('r', 'p') AND NOT c.relispartition
			ORDER BY c.relname
			""";

	private static final String COLUMNS = """
			SELECT a.attrelid, a.attname, a.attnum, format_type(a.atttypid, a.atttypmod) AS type,
			       NOT a.attnotnull AS nullable, pg_get_expr(d.adbin, d.adrelid) AS expr,
			       col_description(a.attrelid, a.attnum) AS comment, a.attidentity::text AS identity,
			       a.attgenerated::text AS generated, t.typtype::text AS typtype,
			       (SELECT s.relname FROM pg_depend dep JOIN pg_class s ON s.oid = dep.objid
			         WHERE dep.classid = 'pg_class'::regclass AND dep.refclassid = 'pg_class'::regclass
			           AND dep.refobjid = a.attrelid AND dep.refobjsubid = a.attnum AND s.relkind = 'S'
			           AND dep.deptype IN ('a', 'i') LIMIT 1) AS owned_sequence
			FROM pg_attribute a
			JOIN pg_class c ON c.oid = a.attrelid
			JOIN pg_type t ON t.oid = a.atttypid
			LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
			WHERE c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = ?)
			  AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
			ORDER BY a.attrelid, a.attnum
			""";

	private static final String CONSTRAINTS = """
			SELECT con.conrelid, con.conname, con.contype::text AS type, pg_get_constraintdef(con.oid) AS definition,
			       con.convalidated,
			       ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(num, ord)
			             JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num ORDER BY k.ord) AS columns,
			       fn.nspname AS ref_schema, fc.relname AS ref_table,
			       ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(num, ord)
			             JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num ORDER BY k.ord) AS ref_columns,
			       ic.relname AS index_name
			FROM pg_constraint con
			JOIN pg_class c ON c.oid = con.conrelid
			LEFT JOIN pg_class fc ON fc.oid = con.confrelid
			LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
			LEFT JOIN pg_class ic ON ic.oid = con.conindid AND con.contype IN ('p', 'u', 'x')
			WHERE c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = ?)
			  AND con.contype IN ('p', 'u', 'c', 'f', 'x', 'n')
			ORDER BY con.conrelid, con.conname
			""";

	private static final String INDEXES = """
			SELECT i.indrelid, ic.relname, i.indisunique, i.indisprimary, i.indisvalid,
			       ARRAY(SELECT a.attname FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(num, ord)
			             LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.num
			             WHERE k.ord <= i.indnkeyatts ORDER BY k.ord) AS columns,
			       pg_get_expr(i.indpred, i.indrelid) AS predicate, am.amname,
					pg_get_indexdef(i.indexrelid) AS definition,
			       (SELECT con.conname FROM pg_constraint con WHERE con.conindid = i.indexrelid
			          AND con.conrelid = i.indrelid AND con.contype IN ('p', 'u', 'x')) AS constraint_name,
			       ARRAY(SELECT DISTINCT a.attname FROM pg_depend d
			             JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
			             WHERE d.classid = 'pg_class'::regclass AND d.objid = i.indexrelid
			               AND d.refclassid = 'pg_class'::regclass AND d.refobjid = i.indrelid AND d.refobjsubid > 0
			             ORDER BY 1) AS used_columns
			FROM pg_index i
			JOIN pg_class ic ON ic.oid = i.indexrelid
			JOIN pg_class c ON c.oid = i.indrelid
			JOIN pg_am am ON am.oid = ic.relam
			WHERE c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = ?)
			ORDER BY i.indrelid, ic.relname
			""";

	private static final String OCCUPIED_NAMES = """
			SELECT relname FROM pg_class WHERE relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = ?)
			UNION
			SELECT typname FROM pg_type WHERE typnamespace = (SELECT oid FROM pg_namespace WHERE nspname = ?)
			ORDER BY 1
			""";

	private SchemaReader() {
	}

	public static SchemaSnapshot read(Connection connection, String schema) throws SQLException {
		Map<Long, String> tableNames = new LinkedHashMap<>();
		Map<Long, String[]> tableDetails = new LinkedHashMap<>();
		Map<Long, List<String>> inheritance = new LinkedHashMap<>();
		query(connection, TABLES, List.of(schema), (rs) -> {
			long oid = rs.getLong(1);
			tableNames.put(oid, rs.getString(2));
			tableDetails.put(oid, new String[] { rs.getString(3), rs.getString(4), rs.getString(5),
					String.valueOf(rs.getBoolean("partitioned")) });
			inheritance.put(oid, strings(rs.getArray("inheritance")));
		});
		Map<Long, List<ColumnSnapshot>> columns = new LinkedHashMap<>();
		query(connection, COLUMNS, List.of(schema), (rs) -> {
			String generated = rs.getString("generated");
			boolean isGenerated = generated != null && !generated.isEmpty();
			String expression = rs.getString("expr");
			columns.computeIfAbsent(rs.getLong(1), (k) -> new ArrayList<>())
				.add(new ColumnSnapshot(rs.getString("attname"), rs.getInt("attnum"), rs.getString("type"),
						rs.getBoolean("nullable"), isGenerated ? null : expression, rs.getString("comment"),
						rs.getString("identity"), isGenerated ? expression : null, rs.getString("typtype"),
						rs.getString("owned_sequence")));
		});
		Map<Long, List<ConstraintSnapshot>> constraints = new LinkedHashMap<>();
		query(connection, CONSTRAINTS, List.of(schema), (rs) -> constraints
			.computeIfAbsent(rs.getLong(1), (k) -> new ArrayList<>())
			.add(new ConstraintSnapshot(rs.getString("conname"), ConstraintType.ofCode(rs.getString("type")),
					strings(rs.getArray("columns")),
					rs.getString("definition"), rs.getBoolean("convalidated"), rs.getString("ref_schema"),
					rs.getString("ref_table"), strings(rs.getArray("ref_columns")), rs.getString("index_name"))));
		Map<Long, List<IndexSnapshot>> indexes = new LinkedHashMap<>();
		query(connection, INDEXES, List.of(schema), (rs) -> indexes
			.computeIfAbsent(rs.getLong(1), (k) -> new ArrayList<>())
			.add(new IndexSnapshot(rs.getString("relname"), rs.getBoolean("indisunique"),
					rs.getBoolean("indisprimary"), rs.getBoolean("indisvalid"), strings(rs.getArray("columns")),
					rs.getString("predicate"), rs.getString("amname"), rs.getString("definition"),
					rs.getString("constraint_name"), strings(rs.getArray("used_columns")))));
		boolean exists;
		try (PreparedStatement statement = connection
			.prepareStatement("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = ?)")) {
			statement.setString(1, schema);
			try (ResultSet rs = statement.executeQuery()) {
				rs.next();
				exists = rs.getBoolean(1);
			}
		}
		List<String> occupied = new ArrayList<>();
		query(connection, OCCUPIED_NAMES, List.of(schema, schema), (rs) -> occupied.add(rs.getString(1)));

		List<TableSnapshot> tables = new ArrayList<>();
		for (Map.Entry<Long, String> entry : tableNames.entrySet()) {
			long oid = entry.getKey();
			String[] details = tableDetails.get(oid);
			List<ConstraintSnapshot> tableConstraints = constraints.getOrDefault(oid, List.of());
			List<String> primaryKey = tableConstraints.stream()
				.filter((c) -> c.type() == ConstraintType.PRIMARY_KEY)
				.findFirst()
				.map(ConstraintSnapshot::columns)
				.orElse(List.of());
			tables.add(new TableSnapshot(entry.getValue(), details[0], columns.getOrDefault(oid, List.of()),
					primaryKey, tableConstraints, indexes.getOrDefault(oid, List.of()), details[1], details[2],
					Boolean.parseBoolean(details[3]), inheritance.get(oid)));
		}
		return new SchemaSnapshot(schema, exists, tables, occupied);
	}

	private static List<String> strings(@Nullable Array array) throws SQLException {
		if (array == null) {
			return List.of();
		}
		Object[] values = (Object[]) array.getArray();
		return Arrays.asList(Arrays.copyOf(values, values.length, String[].class));
	}

	private static void query(Connection connection, String sql, List<String> args, RowHandler handler)
			throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(sql)) {
			for (int i = 0; i < args.size(); i++) {
				statement.setString(i + 1, args.get(i));
			}
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					handler.handle(rs);
				}
			}
		}
	}

	@FunctionalInterface
	private interface RowHandler {

		void handle(ResultSet rs) throws SQLException;

	}

	/**
	 * Whether the schema holds no relation, type or routine of any kind, so that it
	 * can be dropped without CASCADE.
	 */
	public static boolean isEmpty(Connection connection, String schema) throws SQLException {
		try (PreparedStatement query = connection.prepareStatement("""
				SELECT NOT EXISTS (SELECT 1 FROM pg_class WHERE relnamespace = n.oid)
				   AND NOT EXISTS (SELECT 1 FROM pg_type WHERE typnamespace = n.oid)
				   AND NOT EXISTS (SELECT 1 FROM pg_proc WHERE pronamespace = n.oid)
				FROM pg_namespace n WHERE n.nspname = ?
				""")) {
			query.setString(1, schema);
			try (ResultSet rs = query.executeQuery()) {
				return rs.next() && rs.getBoolean(1);
			}
		}
	}

}
