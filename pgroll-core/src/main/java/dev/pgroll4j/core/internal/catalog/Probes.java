package dev.pgroll4j.core.internal.catalog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import dev.pgroll4j.core.internal.jdbc.ContainedSql;
import dev.pgroll4j.core.internal.jdbc.RetryingTransactions;
import dev.pgroll4j.core.sql.ColumnTypes;
import dev.pgroll4j.core.sql.Sql;
import dev.pgroll4j.core.sql.SqlText;

/**
 * Questions to the server that let validation catch mistakes before any DDL runs: does a type exist, is an
 * expression valid where it will be used (a DEFAULT, a CHECK, a generated column, an index predicate, a value
 * assigned to a column), is a default volatile. Each check builds the real clause on scratch temporary tables in
 * a transaction that is always rolled back. Fragments reach here only after {@link SqlText} has checked that they
 * are single expressions; even so, every statement that carries one runs through {@link ContainedSql}, where the
 * server refuses it unless it is one statement, and refuses transaction control, so that no fragment can end the
 * probe's transaction or the start transaction a probe runs in.
 */
public class Probes {

	/**
	 * Probes that find nothing to report, for validation without a live connection: replaying a migration from the
	 * history for complete or rollback, whose checks ran when it started. It cannot answer what only a start asks
	 * ({@link #isVolatileDefault}, {@link #resolvesWithCatalogOnly}, {@link #definesRoutinesOrOperators}).
	 */
	public static final Probes NONE = new None();

	/** {@code null} only in {@link #NONE}, which overrides every probe. */
	private final @Nullable Connection connection;

	public Probes(Connection connection) {
		this.connection = connection;
	}

	private Probes() {
		this.connection = null;
	}

	private Connection connection() {
		return Objects.requireNonNull(this.connection, "probes without a connection");
	}

	/** Why PostgreSQL does not accept {@code type} as a type name, or {@code null}. */
	public @Nullable Problem typeProblem(String type) {
		if (ColumnTypes.isSerial(type)) {
			return null;
		}
		String lexical = SqlText.expressionProblem(type);
		if (lexical != null) {
			return new Problem(null, lexical);
		}
		if (SqlText.tokenize(type).stream().anyMatch((token) -> token.kind() == SqlText.Kind.COMMENT)) {
			// Pasted before DEFAULT, NOT NULL and constraints, a -- comment would silently drop them.
			return new Problem(null, "contains a comment");
		}
		return readOnly((c) -> {
			try (PreparedStatement statement = c.prepareStatement("SELECT ?::text::regtype")) {
				statement.setString(1, type);
				statement.execute();
			}
		});
	}

	/**
	 * Why {@code expression} cannot be assigned to a column of {@code type} when the row's columns are in scope, as
	 * {@code up} and {@code down} are in the sync trigger; {@code null} if it is fine. Planned, never run.
	 */
	public @Nullable Problem valueProblem(String expression, String table, Map<String, String> columns, String type) {
		return scratch((statement) -> {
			statement.execute(createProbeTable(columns, ""));
			statement.execute("CREATE TEMPORARY TABLE \"_pgroll_value\" (\"value\" " + ColumnTypes.castable(type) + ")");
			statement.execute("INSERT INTO pg_temp.\"_pgroll_value\" SELECT " + Sql.parenthesised(expression)
					+ " FROM pg_temp.\"_pgroll_probe\" AS " + Sql.ident(table) + " LIMIT 0");
		});
	}

	/** Why {@code expression} is not a valid DEFAULT for a column of {@code type}, or {@code null}. */
	public @Nullable Problem defaultProblem(String expression, String type) {
		return scratch((statement) -> statement.execute("CREATE TEMPORARY TABLE \"_pgroll_probe\" (\"value\" "
				+ ColumnTypes.castable(type) + " DEFAULT " + expression + ")"));
	}

	/** Why {@code expression} is not a valid CHECK constraint over these columns, or {@code null}. */
	public @Nullable Problem conditionProblem(String expression, Map<String, String> columns) {
		return scratch((statement) -> statement.execute(createProbeTable(columns, ", CHECK (" + expression + ")")));
	}

	/** Why {@code expression} cannot generate a stored column of {@code type} from these columns, or {@code null}. */
	public @Nullable Problem generatedProblem(String expression, Map<String, String> columns, String type) {
		return scratch((statement) -> statement.execute(createProbeTable(columns, ", \"_pgroll_generated\" "
				+ ColumnTypes.castable(type) + " GENERATED ALWAYS AS (" + expression + ") STORED")));
	}

	/** Why {@code expression} is not a valid partial-index predicate over these columns, or {@code null}. */
	public @Nullable Problem predicateProblem(String expression, Map<String, String> columns) {
		return scratch((statement) -> {
			statement.execute(createProbeTable(columns, ""));
			statement.execute("CREATE INDEX ON pg_temp.\"_pgroll_probe\" ((1)) WHERE (" + expression + ")");
		});
	}

	private static String createProbeTable(Map<String, String> columns, String extra) {
		List<String> definitions = new ArrayList<>();
		columns.forEach((name, type) -> definitions.add(Sql.ident(name) + " " + ColumnTypes.castable(type)));
		String list = String.join(", ", definitions);
		if (list.isEmpty() && extra.startsWith(", ")) {
			extra = extra.substring(2);
		}
		return "CREATE TEMPORARY TABLE \"_pgroll_probe\" (" + list + extra + ")";
	}

	/**
	 * Objects that depend on a column and would block dropping it or be lost with it: views and materialized views,
	 * row-level security policies, triggers (such as {@code UPDATE OF column}) and extended statistics.
	 */
	public List<Dependent> dependentsOf(String qualifiedTable, String column) throws SQLException {
		List<Dependent> dependents = new ArrayList<>();
		try (PreparedStatement statement = connection().prepareStatement("""
				WITH col AS (
				  SELECT attrelid, attnum FROM pg_attribute WHERE attrelid = to_regclass(?) AND attname = ?
				), deps AS (
				  SELECT d.classid, d.objid FROM pg_depend d JOIN col
				    ON d.refclassid = 'pg_class'::regclass AND d.refobjid = col.attrelid AND d.refobjsubid = col.attnum
				)
				SELECT 'view', n.nspname, v.relname FROM deps
				  JOIN pg_rewrite r ON deps.classid = 'pg_rewrite'::regclass AND r.oid = deps.objid
				  JOIN pg_class v ON v.oid = r.ev_class JOIN pg_namespace n ON n.oid = v.relnamespace
				  WHERE v.oid <> to_regclass(?)
				UNION
				SELECT 'policy', NULL, p.polname FROM deps
				  JOIN pg_policy p ON deps.classid = 'pg_policy'::regclass AND p.oid = deps.objid
				UNION
				SELECT 'trigger', NULL, t.tgname FROM deps
				  JOIN pg_trigger t ON deps.classid = 'pg_trigger'::regclass AND t.oid = deps.objid AND NOT t.tgisinternal
				UNION
				SELECT 'statistics', n.nspname, x.stxname FROM deps
				  JOIN pg_statistic_ext x ON deps.classid = 'pg_statistic_ext'::regclass AND x.oid = deps.objid
				  JOIN pg_namespace n ON n.oid = x.stxnamespace
				ORDER BY 1, 2, 3
				""")) {
			statement.setString(1, qualifiedTable);
			statement.setString(2, column);
			statement.setString(3, qualifiedTable);
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					dependents.add(new Dependent(rs.getString(1), rs.getString(2), rs.getString(3)));
				}
			}
		}
		return dependents;
	}

	/**
	 * An object that depends on a column.
	 *
	 * @param kind {@code view}, {@code policy}, {@code trigger} or {@code statistics}
	 * @param schema its schema, for views and statistics
	 */
	public record Dependent(String kind, @Nullable String schema, String name) {

		@Override
		public String toString() {
			return this.kind + " " + ((this.schema != null) ? this.schema + "." : "") + this.name;
		}

	}

	/**
	 * Why the server refused a probe.
	 *
	 * @param sqlState the SQLSTATE, or {@code null} when the fragment was refused before reaching the server
	 */
	public record Problem(@Nullable String sqlState, String message) {

		/** An unknown column, function or table: a reference the server could not resolve. */
		public boolean isUnresolvedReference() {
			return "42703".equals(this.sqlState) || "42883".equals(this.sqlState) || "42P01".equals(this.sqlState);
		}

	}

	/** A relation name with its schema. */
	public record QualifiedName(String schema, String name) {

		@Override
		public String toString() {
			return this.schema + "." + this.name;
		}

	}

	/**
	 * Whether adding a column with this default to a table with rows would have to rewrite the table. Asked in a
	 * savepoint of the caller's transaction, on a scratch temporary table.
	 */
	public boolean isVolatileDefault(String type, String expression) throws SQLException {
		Savepoint savepoint = connection().setSavepoint();
		try (Statement statement = connection().createStatement()) {
			ContainedSql.install(connection());
			statement.execute("CREATE TEMPORARY TABLE \"_pgroll_default_probe\" (\"_pgroll_row\" integer)");
			statement.execute("INSERT INTO \"_pgroll_default_probe\" VALUES (1)");
			ContainedSql.runSingle(connection(), "ALTER TABLE \"_pgroll_default_probe\" ADD COLUMN \"_pgroll_value\" "
					+ ColumnTypes.castable(type) + " DEFAULT " + expression);
			try (ResultSet rs = statement.executeQuery("SELECT atthasmissing FROM pg_attribute WHERE attrelid = "
					+ "'\"_pgroll_default_probe\"'::regclass AND attname = '_pgroll_value'")) {
				rs.next();
				return !rs.getBoolean(1);
			}
		}
		finally {
			connection().rollback(savepoint);
		}
	}

	/**
	 * Whether {@code expression}, with these columns in scope, resolves with only {@code pg_catalog} on the search
	 * path. Asked in a savepoint of the caller's transaction, on a scratch temporary table.
	 */
	public boolean resolvesWithCatalogOnly(String expression, String table, Map<String, String> columns)
			throws SQLException {
		Savepoint savepoint = connection().setSavepoint();
		try (Statement statement = connection().createStatement()) {
			ContainedSql.install(connection());
			statement.execute("SET LOCAL search_path = ''");
			ContainedSql.runSingle(connection(),
					createProbeTable(columns, "").replace("TEMPORARY TABLE \"", "TEMPORARY TABLE pg_temp.\""));
			ContainedSql.runSingle(connection(), "SELECT " + Sql.parenthesised(expression)
					+ " FROM pg_temp.\"_pgroll_probe\" AS " + Sql.ident(table) + " LIMIT 0");
			return true;
		}
		catch (SQLException ex) {
			return false;
		}
		finally {
			// Also undoes SET LOCAL.
			connection().rollback(savepoint);
		}
	}

	/**
	 * Whether the schema defines functions or operators of its own (the engine's trigger functions aside): with it
	 * on the search path one of them could win an overload that {@code pg_catalog} alone resolves differently.
	 */
	public boolean definesRoutinesOrOperators(String schema) throws SQLException {
		try (PreparedStatement statement = connection().prepareStatement("""
				SELECT EXISTS (SELECT 1 FROM pg_proc WHERE pronamespace = to_regnamespace(quote_ident(?))
				               AND proname NOT LIKE '\\_pgroll\\_%')
				    OR EXISTS (SELECT 1 FROM pg_operator WHERE oprnamespace = to_regnamespace(quote_ident(?)))
				""")) {
			statement.setString(1, schema);
			statement.setString(2, schema);
			try (ResultSet rs = statement.executeQuery()) {
				rs.next();
				return rs.getBoolean(1);
			}
		}
	}

	private @Nullable Problem readOnly(ProbeWork work) {
		return inRolledBackTransaction(true, work);
	}

	/** Runs DDL on temporary scratch objects, each statement contained; the transaction is always rolled back. */
	private @Nullable Problem scratch(StatementWork work) {
		return inRolledBackTransaction(false, (connection) -> {
			ContainedSql.install(connection);
			work.run((sql) -> ContainedSql.runSingle(connection, sql));
		});
	}

	private @Nullable Problem inRolledBackTransaction(boolean readOnly, ProbeWork work) {
		try {
			boolean autoCommit = connection().getAutoCommit();
			connection().setAutoCommit(false);
			try (Statement statement = connection().createStatement()) {
				if (readOnly) {
					statement.execute("SET TRANSACTION READ ONLY");
				}
				statement.execute("SET LOCAL statement_timeout = '10s'");
				work.run(connection());
				return null;
			}
			catch (SQLException ex) {
				// Hints may name the scratch table; the user knows the columns by their own names.
				return new Problem(ex.getSQLState(), RetryingTransactions.serverMessage(ex).replace("_pgroll_probe.", ""));
			}
			finally {
				connection().rollback();
				connection().setAutoCommit(autoCommit);
			}
		}
		catch (SQLException ex) {
			return new Problem(ex.getSQLState(), "could not be checked: " + RetryingTransactions.serverMessage(ex));
		}
	}

	@FunctionalInterface
	private interface StatementWork {

		void run(ProbeStatements statement) throws SQLException;

	}

	/** Where a probe's statements go. */
	@FunctionalInterface
	private interface ProbeStatements {

		void execute(String sql) throws SQLException;

	}

	@FunctionalInterface
	private interface ProbeWork {

		void run(Connection connection) throws SQLException;

	}

	/** See {@link #NONE}. */
	private static final class None extends Probes {

		@Override
		public @Nullable Problem typeProblem(String type) {
			return null;
		}

		@Override
		public @Nullable Problem valueProblem(String expression, String table, Map<String, String> columns,
				String type) {
			return null;
		}

		@Override
		public @Nullable Problem defaultProblem(String expression, String type) {
			return null;
		}

		@Override
		public @Nullable Problem conditionProblem(String expression, Map<String, String> columns) {
			return null;
		}

		@Override
		public @Nullable Problem generatedProblem(String expression, Map<String, String> columns, String type) {
			return null;
		}

		@Override
		public @Nullable Problem predicateProblem(String expression, Map<String, String> columns) {
			return null;
		}

		@Override
		public List<Dependent> dependentsOf(String qualifiedTable, String column) {
			return List.of();
		}

		@Override
		public boolean isVolatileDefault(String type, String expression) {
			throw new IllegalStateException("no connection to ask whether a default is volatile");
		}

		@Override
		public boolean resolvesWithCatalogOnly(String expression, String table, Map<String, String> columns) {
			throw new IllegalStateException("no connection to ask how an expression resolves");
		}

		@Override
		public boolean definesRoutinesOrOperators(String schema) {
			throw new IllegalStateException("no connection to ask what a schema defines");
		}

	}

}
