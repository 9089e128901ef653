package dev.pgroll4j.core.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Read-only questions to the server that let validation catch mistakes before any DDL runs: does a type exist,
 * does an expression compile, is a default volatile. Fragments reach here only after {@link SqlText} has checked
 * that they are single expressions, and run inside a transaction that is always rolled back.
 */
public final class Probes {

	private final Connection connection;

	public Probes(Connection connection) {
		this.connection = connection;
	}

	/** Why PostgreSQL does not accept {@code type} as a type name, or {@code null}. */
	public String typeProblem(String type) {
		if (ColumnTypes.isSerial(type)) {
			return null;
		}
		String lexical = SqlText.expressionProblem(type);
		if (lexical != null) {
			return lexical;
		}
		return readOnly((c) -> {
			try (PreparedStatement statement = c.prepareStatement("SELECT ?::text::regtype")) {
				statement.setString(1, type);
				statement.execute();
			}
		});
	}

	/**
	 * Why {@code expression} does not compile when the given columns are in scope as values of their types, or
	 * cannot be cast to {@code resultType}; {@code null} if it is fine. The expression is planned, never run.
	 */
	public String expressionProblem(String expression, Map<String, String> columnTypes, String resultType) {
		StringBuilder sql = new StringBuilder("SELECT ").append(Sql.parenthesised(expression));
		if (resultType != null) {
			sql.append("::").append(ColumnTypes.castable(resultType));
		}
		if (!columnTypes.isEmpty()) {
			List<String> columns = new ArrayList<>();
			columnTypes.forEach((name, type) -> columns.add("NULL::" + ColumnTypes.castable(type) + " AS " + Sql.ident(name)));
			sql.append(" FROM (SELECT ").append(String.join(", ", columns)).append(") AS \"_pgroll_row\"");
		}
		sql.append(" LIMIT 0");
		return readOnly((c) -> {
			try (Statement statement = c.createStatement()) {
				statement.execute(sql.toString());
			}
		});
	}

	/**
	 * Whether adding a column with this default to a table with rows would have to rewrite the table. Asked in a
	 * savepoint of the caller's transaction, on a scratch temporary table.
	 */
	public boolean isVolatileDefault(String type, String expression) throws SQLException {
		Savepoint savepoint = this.connection.setSavepoint();
		try (Statement statement = this.connection.createStatement()) {
			statement.execute("CREATE TEMPORARY TABLE \"_pgroll_default_probe\" (\"_pgroll_row\" integer)");
			statement.execute("INSERT INTO \"_pgroll_default_probe\" VALUES (1)");
			statement.execute("ALTER TABLE \"_pgroll_default_probe\" ADD COLUMN \"_pgroll_value\" " + ColumnTypes.castable(type)
					+ " DEFAULT " + expression);
			try (ResultSet rs = statement.executeQuery("SELECT atthasmissing FROM pg_attribute WHERE attrelid = "
					+ "'\"_pgroll_default_probe\"'::regclass AND attname = '_pgroll_value'")) {
				rs.next();
				return !rs.getBoolean(1);
			}
		}
		finally {
			this.connection.rollback(savepoint);
		}
	}

	private String readOnly(ProbeWork work) {
		try {
			boolean autoCommit = this.connection.getAutoCommit();
			this.connection.setAutoCommit(false);
			try (Statement statement = this.connection.createStatement()) {
				statement.execute("SET TRANSACTION READ ONLY");
				statement.execute("SET LOCAL statement_timeout = '10s'");
				work.run(this.connection);
				return null;
			}
			catch (SQLException ex) {
				return Transactions.serverMessage(ex);
			}
			finally {
				this.connection.rollback();
				this.connection.setAutoCommit(autoCommit);
			}
		}
		catch (SQLException ex) {
			return "could not be checked: " + Transactions.serverMessage(ex);
		}
	}

	@FunctionalInterface
	private interface ProbeWork {

		void run(Connection connection) throws SQLException;

	}

}
