package dev.pgroll4j.core.internal.sync;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.pgroll4j.core.internal.catalog.Ownership;
import dev.pgroll4j.core.internal.catalog.Privileges;
import dev.pgroll4j.core.internal.jdbc.RetryingTransactions;
import dev.pgroll4j.core.schema.VirtualColumn;
import dev.pgroll4j.core.schema.VirtualSchema;
import dev.pgroll4j.core.schema.VirtualTable;
import dev.pgroll4j.core.sql.Sql;

/**
 * Version schemas: one view per table, showing each physical column under the name the version uses, in table
 * order. Simple views like these are automatically updatable, so clients read and write through them. Each view
 * and version schema gets the grants of its table and of the physical schema (see {@link Privileges}).
 */
public final class VersionSchemas {

	/**
	 * "No default" for a view column whose table column has one: a constant NULL would count as no default at all
	 * and let the table's default through.
	 */
	private static final String NO_DEFAULT = "CASE WHEN false THEN NULL END";

	private final String schema;

	private final boolean securityInvoker;

	/**
	 * @param serverMajorVersion {@code security_invoker} (so row-level security applies through the views) exists
	 * from PostgreSQL 15
	 */
	public VersionSchemas(String schema, int serverMajorVersion) {
		this.schema = schema;
		this.securityInvoker = serverMajorVersion >= 15;
	}

	/** Creates a version schema with a view for every visible table. */
	public void create(RetryingTransactions.Tx tx, String versionSchema, VirtualSchema tables, String origin)
			throws SQLException {
		createSchema(tx, versionSchema, origin);
		for (VirtualTable table : tables.tables()) {
			createView(tx, versionSchema, table, origin);
		}
	}

	/** The schema, with the physical schema's USAGE grants and nothing more for other roles. */
	private void createSchema(RetryingTransactions.Tx tx, String versionSchema, String origin) throws SQLException {
		tx.execute("CREATE SCHEMA " + Sql.ident(versionSchema), origin);
		for (String revocation : Privileges.schemaRevocations(tx, versionSchema)) {
			tx.execute(revocation, origin);
		}
		for (String grant : Privileges.schemaGrants(tx, this.schema, versionSchema)) {
			tx.execute(grant, origin);
		}
	}

	private void createView(RetryingTransactions.Tx tx, String versionSchema, VirtualTable table, String origin)
			throws SQLException {
		tx.execute(createView(versionSchema, table), origin);
		for (String sql : viewSettings(versionSchema, table)) {
			tx.execute(sql, origin);
		}
		Map<String, String> viewColumns = new LinkedHashMap<>();
		table.columns().forEach((column) -> viewColumns.put(column.physicalName(), column.name()));
		for (String grant : Privileges.viewGrants(tx, Sql.qualified(this.schema, table.physicalName()),
				Sql.qualified(versionSchema, table.name()), viewColumns)) {
			tx.execute(grant, origin);
		}
	}

	/**
	 * Column defaults and comments of the view. Defaults are copied from the columns because an updatable view
	 * only falls back to the table's default for omitted INSERT columns, not for {@code DEFAULT} in an UPDATE; a
	 * default or comment that only this version has (a change that needed no new column) goes here too.
	 */
	private static List<String> viewSettings(String versionSchema, VirtualTable table) {
		List<String> statements = new ArrayList<>();
		String view = Sql.qualified(versionSchema, table.name());
		for (VirtualColumn column : table.columns()) {
			String defaultValue = ("NULL".equals(column.viewDefault())) ? NO_DEFAULT : column.defaultExpression();
			if (defaultValue != null) {
				statements.add("ALTER VIEW " + view + " ALTER COLUMN " + Sql.ident(column.name()) + " SET DEFAULT "
						+ defaultValue);
			}
			if (column.viewComment() != null && !column.viewComment().isEmpty()) {
				statements.add("COMMENT ON COLUMN " + view + "." + Sql.ident(column.name()) + " IS "
						+ Sql.literal(column.viewComment()));
			}
		}
		return statements;
	}

	/**
	 * Brings an existing version schema in line with {@code tables}: the engine's views whose columns differ are
	 * recreated, missing ones created, those of vanished tables dropped. Unchanged views are left alone, so objects
	 * that depend on them survive, and so is everything else in the schema.
	 * @param ownViews the engine's views in the schema, by name (see {@link Ownership#ownViews}); no other view is
	 * replaced or dropped
	 * @param guard told which of them are about to be dropped, before anything is; it refuses by throwing
	 */
	public void synchronize(RetryingTransactions.Tx tx, String versionSchema, VirtualSchema tables, Map<String, Long> ownViews,
			DropGuard guard, String origin) throws SQLException {
		if (!exists(tx.connection(), versionSchema)) {
			createSchema(tx, versionSchema, origin);
		}
		else {
			for (String grant : Privileges.schemaGrants(tx, this.schema, versionSchema)) {
				tx.execute(grant, origin);
			}
		}
		Map<String, List<String>> existing = existingViews(tx, versionSchema);
		existing.keySet().retainAll(ownViews.keySet());
		List<VirtualTable> created = new ArrayList<>();
		Map<String, Long> dropped = new LinkedHashMap<>();
		for (VirtualTable table : tables.tables()) {
			List<String> wanted = table.columns().stream().map(VirtualColumn::name).toList();
			List<String> current = existing.remove(table.name());
			if (wanted.equals(current)) {
				continue;
			}
			if (current != null) {
				dropped.put(table.name(), ownViews.get(table.name()));
			}
			created.add(table);
		}
		for (String stale : existing.keySet()) {
			dropped.put(stale, ownViews.get(stale));
		}
		guard.beforeDropping(dropped.values());
		for (String view : dropped.keySet()) {
			tx.execute("DROP VIEW " + Sql.qualified(versionSchema, view), origin);
		}
		for (VirtualTable table : created) {
			createView(tx, versionSchema, table, origin);
		}
	}

	/** Checks the views {@link #synchronize} is about to drop. */
	@FunctionalInterface
	public interface DropGuard {

		void beforeDropping(Collection<Long> views) throws SQLException;

	}

	/** Whether a schema of that name exists (asked of version schemas, which come and go with migrations). */
	public static boolean exists(Connection connection, String versionSchema) throws SQLException {
		try (PreparedStatement statement = connection
			.prepareStatement("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = ?)")) {
			statement.setString(1, versionSchema);
			try (ResultSet rs = statement.executeQuery()) {
				rs.next();
				return rs.getBoolean(1);
			}
		}
	}

	/**
	 * Locks the engine's views of a version schema against everything (a trigger or rule added to one) until the
	 * transaction drops them.
	 */
	public static void lockViews(RetryingTransactions.Tx tx, String versionSchema, Collection<String> views,
			String origin) throws SQLException {
		if (!views.isEmpty()) {
			tx.execute("LOCK TABLE " + views.stream().map((view) -> Sql.qualified(versionSchema, view))
				.collect(Collectors.joining(", ")) + " IN ACCESS EXCLUSIVE MODE", origin);
		}
	}

	/**
	 * Drops the engine's views of a version schema, then the schema itself, which must then be empty: no CASCADE.
	 * @param views the engine's views there, by name (see {@link Ownership#ownViews})
	 */
	public static void drop(RetryingTransactions.Tx tx, String versionSchema, Map<String, Long> views, String origin)
			throws SQLException {
		if (!views.isEmpty()) {
			tx.execute("DROP VIEW " + views.keySet().stream().map((view) -> Sql.qualified(versionSchema, view))
				.collect(Collectors.joining(", ")), origin);
		}
		tx.execute("DROP SCHEMA IF EXISTS " + Sql.ident(versionSchema), origin);
	}

	private String createView(String versionSchema, VirtualTable table) {
		List<String> columns = new ArrayList<>();
		for (VirtualColumn column : table.columns()) {
			columns.add(Sql.ident(column.physicalName()) + " AS " + Sql.ident(column.name()));
		}
		return "CREATE VIEW " + Sql.qualified(versionSchema, table.name())
				+ (this.securityInvoker ? " WITH (security_invoker = true)" : "") + " AS SELECT "
				+ String.join(", ", columns) + " FROM " + Sql.qualified(this.schema, table.physicalName());
	}

	private static Map<String, List<String>> existingViews(RetryingTransactions.Tx tx, String versionSchema)
			throws SQLException {
		Map<String, List<String>> views = new LinkedHashMap<>();
		try (PreparedStatement statement = tx.connection().prepareStatement("""
				SELECT c.relname, a.attname FROM pg_class c
				LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
				WHERE c.relkind = 'v' AND c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = ?)
				ORDER BY c.relname, a.attnum
				""")) {
			statement.setString(1, versionSchema);
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					List<String> columns = views.computeIfAbsent(rs.getString(1), (k) -> new ArrayList<>());
					if (rs.getString(2) != null) {
						columns.add(rs.getString(2));
					}
				}
			}
		}
		return views;
	}

}
