package dev.pgroll4j.core.internal.sync;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.pgroll4j.core.BackfillListener;
import dev.pgroll4j.core.BackfillProgress;
import dev.pgroll4j.core.MigrationExecutionException;
import dev.pgroll4j.core.internal.jdbc.RetryingTransactions;
import dev.pgroll4j.core.sql.InternalNames;
import dev.pgroll4j.core.sql.Sql;

/**
 * Rewrites the rows that existed before a migration's triggers did, in batches, each batch its own short
 * transaction, so the new columns are filled without one long lock on the table.
 *
 * <p>A batch computes the {@code up} columns in its own UPDATE, as the trigger would for an old-version write, and
 * the table's triggers stand aside for that statement (the session holds the table's token in
 * {@link Triggers#BACKFILL_SETTING}): a per-row PL/pgSQL call costs more than the rest of the update. Where the trigger's ordered assignments cannot be one SET list
 * ({@link Triggers#fill}), the batch only clears the marker and the trigger computes {@code up}.
 *
 * <p>Rows still to do carry the backfill marker ({@code true} for every row that existed when the marker column
 * was added). A batch is a key range when the table has a primary key or a unique index on NOT NULL columns, else
 * a range of physical pages; either way no batch rescans what an earlier batch covered. Rows written by clients
 * meanwhile have had their marker cleared by the trigger, and are skipped.
 */
public final class Backfill {

	private static final Logger logger = LoggerFactory.getLogger(Backfill.class);

	private static final String MARKER = Sql.ident(InternalNames.NEEDS_BACKFILL_COLUMN);

	private final Connection connection;

	private final String schema;

	private final String migration;

	private final int batchSize;

	private final Duration batchDelay;

	private final long maxRowsPerSecond;

	/** When the table being backfilled was started, for the rate cap and the progress figures. */
	private long tableStarted;

	private final BackfillListener listener;

	public Backfill(Connection connection, String schema, String migration, int batchSize, Duration batchDelay,
			long maxRowsPerSecond, BackfillListener listener) {
		this.connection = connection;
		this.schema = schema;
		this.migration = migration;
		this.batchSize = batchSize;
		this.batchDelay = batchDelay;
		this.maxRowsPerSecond = maxRowsPerSecond;
		this.listener = listener;
	}

	/**
	 * Backfills one table; returns the number of rows rewritten.
	 * @param fill how a batch computes the up columns itself, or {@code null} to leave that to the trigger
	 */
	public long run(String table, Triggers.@Nullable Fill fill) {
		String qualified = Sql.qualified(this.schema, table);
		this.tableStarted = System.nanoTime();
		try {
			long total = estimateRows(qualified);
			Key key = findKey(qualified);
			if (fill != null) {
				setBackfilling(fill.token());
			}
			long done;
			try {
				done = (key != null) ? byKey(table, qualified, key, fill, total) : byPages(table, qualified, fill, total);
			}
			catch (SQLException | RuntimeException ex) {
				// The first failure is the one to report; a reset on a connection the server closed would hide why.
				if (fill != null) {
					resetBackfilling(ex);
				}
				throw ex;
			}
			if (fill != null) {
				setBackfilling("");
			}
			this.listener.onProgress(progress(table, done, total, true));
			return done;
		}
		catch (SQLException ex) {
			throw new MigrationExecutionException("backfill of table \"" + table + "\" for migration \""
					+ this.migration + "\" failed: " + RetryingTransactions.serverMessage(ex), null, ex.getSQLState(), ex);
		}
	}

	/** The token goes as a parameter, so it appears in no statement text (nor in {@code pg_stat_activity}). */
	private void setBackfilling(@Nullable String token) throws SQLException {
		try (PreparedStatement statement = this.connection.prepareStatement("SELECT set_config(?, ?, false)")) {
			statement.setString(1, Triggers.BACKFILL_SETTING);
			statement.setString(2, token);
			statement.execute();
		}
	}

	private void resetBackfilling(Exception failure) {
		try {
			if (!this.connection.isClosed()) {
				setBackfilling("");
			}
		}
		catch (SQLException ex) {
			failure.addSuppressed(ex);
		}
	}

	private long byKey(String table, String qualified, Key key, Triggers.@Nullable Fill fill, long total)
			throws SQLException {
		List<String> columns = key.columns.stream().map(Sql::ident).toList();
		String keyList = String.join(", ", columns);
		List<String> bounds = new ArrayList<>();
		for (String type : key.types) {
			bounds.add("?::text::" + type);
		}
		String lastKey = String.join(", ", columns.stream().map((c) -> "b." + c + "::text").toList());
		String lastFirst = String.join(", ", columns.stream().map((c) -> "b." + c + " DESC").toList());
		String join = String.join(" AND ", columns.stream().map((c) -> "t." + c + " = b." + c).toList());
		// Every row still marked existed when the trigger appeared and has not been written since, so its key is at
		// most the largest key there is now: the backfill stops there instead of chasing rows inserted meanwhile.
		String[] end = lastKey(qualified, key);
		if (end == null) {
			return 0;
		}
		String upTo = "(" + keyList + ") <= (" + String.join(", ", bounds) + ")";
		String first = batchSql(qualified, keyList, " WHERE " + upTo, join, lastKey, lastFirst);
		String next = batchSql(qualified, keyList, " WHERE (" + keyList + ") > (" + String.join(", ", bounds) + ") AND "
				+ upTo, join, lastKey, lastFirst);
		long done = 0;
		String @Nullable [] last = null;
		while (true) {
			String[] batch = (fill != null) ? computedBatch(qualified, columns, key, fill, last, end)
					: markerBatch((last == null) ? first : next, last, end);
			if (batch == null) {
				return done;
			}
			done += Long.parseLong(batch[0]);
			last = Arrays.copyOfRange(batch, 1, batch.length);
			afterBatch(table, done, total);
		}
	}

	/** The largest key of the table, as text, or {@code null} when it has no rows. */
	private String @Nullable [] lastKey(String qualified, Key key) throws SQLException {
		// Qualified, so that ORDER BY sorts the key and not its text (an output column of the same name).
		String columns = String.join(", ", key.columns.stream().map((c) -> "t." + Sql.ident(c) + "::text").toList());
		String descending = String.join(", ", key.columns.stream().map((c) -> "t." + Sql.ident(c) + " DESC").toList());
		try (PreparedStatement statement = this.connection.prepareStatement("SELECT " + columns + " FROM " + qualified
				+ " AS t ORDER BY " + descending + " LIMIT 1")) {
			try (ResultSet rs = statement.executeQuery()) {
				return batchResult(rs);
			}
		}
	}

	/**
	 * One batch that computes up itself. Its statement carries the users' {@code up} expressions, so it is sent as
	 * plain text with the bounds as literals: in a prepared statement the driver would take an operator such as
	 * jsonb's {@code ?} for a parameter.
	 * @return the rows updated and the batch's last key, or {@code null} when no rows are left
	 */
	private String @Nullable [] computedBatch(String qualified, List<String> columns, Key key, Triggers.Fill fill,
			String @Nullable [] last, String[] end) throws SQLException {
		String lowerBound = (last != null) ? literals(last, key) : null;
		try (Statement statement = this.connection.createStatement()) {
			statement.setEscapeProcessing(false);
			try (ResultSet rs = statement.executeQuery(computedBatchSql(qualified, columns, fill, lowerBound,
					literals(end, key), this.batchSize))) {
				return batchResult(rs);
			}
		}
	}

	/** A key as literals of the key's types, for a statement sent as plain text. */
	private static String literals(String[] values, Key key) {
		List<String> literals = new ArrayList<>();
		for (int i = 0; i < values.length; i++) {
			literals.add(Sql.literal(values[i]) + "::text::" + key.types.get(i));
		}
		return String.join(", ", literals);
	}

	/** One batch that only clears the marker, leaving up to the trigger; nothing of the users' in its text. */
	private String @Nullable [] markerBatch(String sql, String @Nullable [] last, String[] end) throws SQLException {
		try (PreparedStatement statement = this.connection.prepareStatement(sql)) {
			int parameter = 1;
			if (last != null) {
				for (String bound : last) {
					statement.setString(parameter++, bound);
				}
			}
			for (String bound : end) {
				statement.setString(parameter++, bound);
			}
			statement.setInt(parameter, this.batchSize);
			try (ResultSet rs = statement.executeQuery()) {
				return batchResult(rs);
			}
		}
	}

	/**
	 * The first row's columns as text (of a batch: the rows updated and its last key), or {@code null} when there is
	 * no row.
	 */
	private static String @Nullable [] batchResult(ResultSet rs) throws SQLException {
		if (!rs.next()) {
			return null;
		}
		int columns = rs.getMetaData().getColumnCount();
		String[] result = new String[columns];
		for (int i = 0; i < columns; i++) {
			result[i] = rs.getString(i + 1);
		}
		return result;
	}

	/**
	 * A key-range batch that computes up itself: the range's upper end is the key {@code n} keys on (read from the
	 * index), and the UPDATE is a range scan with no join, so each row is visited once. Rows a client wrote since
	 * the trigger appeared have their marker cleared and are skipped.
	 */
	private static String computedBatchSql(String qualified, List<String> columns, Triggers.Fill fill,
			@Nullable String lowerBound, String upperBound, int batchSize) {
		String keyList = String.join(", ", columns);
		List<String> uppers = new ArrayList<>();
		for (int i = 0; i < columns.size(); i++) {
			uppers.add("_pgroll_upper_" + i);
		}
		String upTo = "(" + keyList + ") <= (" + upperBound + ")";
		String keysAfter = " WHERE " + ((lowerBound != null) ? "(" + keyList + ") > (" + lowerBound + ") AND " : "") + upTo;
		String rangeAfter = (lowerBound != null) ? "(" + keyList + ") > (" + lowerBound + ") AND " : "";
		List<String> upperLast = columns.stream().map((c) -> c + " DESC").toList();
		return "WITH _pgroll_batch (" + String.join(", ", uppers) + ") AS (SELECT " + keyList + " FROM (SELECT "
				+ keyList + " FROM " + qualified + keysAfter + " ORDER BY " + keyList + " LIMIT " + batchSize + ") AS k ORDER BY "
				+ String.join(", ", upperLast) + " LIMIT 1), u AS (UPDATE " + qualified + " SET " + fill.setList()
				+ " FROM _pgroll_batch WHERE " + rangeAfter + "(" + keyList + ") <= (" + String.join(", ", uppers)
				+ ") AND " + MARKER + " RETURNING 1) SELECT (SELECT count(*) FROM u), "
				+ String.join(", ", uppers.stream().map((u) -> u + "::text").toList()) + " FROM _pgroll_batch";
	}

	private String batchSql(String qualified, String keyList, String where, String join, String lastKey,
			String lastFirst) {
		// The batch's key range is read first; the UPDATE touches only rows still marked, through the trigger.
		return "WITH b AS (SELECT " + keyList + " FROM " + qualified + where + " ORDER BY " + keyList
				+ " LIMIT ?), u AS (UPDATE " + qualified + " AS t SET " + MARKER + " = false FROM b WHERE " + join
				+ " AND t." + MARKER + " RETURNING 1) SELECT (SELECT count(*) FROM u), " + lastKey
				+ " FROM b ORDER BY " + lastFirst + " LIMIT 1";
	}

	private long byPages(String table, String qualified, Triggers.@Nullable Fill fill, long total)
			throws SQLException {
		long pages;
		double rowsPerPage;
		try (PreparedStatement statement = this.connection.prepareStatement("SELECT pg_relation_size(c.oid) / "
				+ "current_setting('block_size')::int, CASE WHEN c.relpages > 0 AND c.reltuples > 0 "
				+ "THEN c.reltuples / c.relpages ELSE 100 END FROM pg_class c WHERE c.oid = to_regclass(?)")) {
			statement.setString(1, qualified);
			try (ResultSet rs = statement.executeQuery()) {
				rs.next();
				pages = rs.getLong(1);
				rowsPerPage = Math.max(1, rs.getDouble(2));
			}
		}
		long step = Math.max(1, (long) (this.batchSize / rowsPerPage));
		String set = (fill != null) ? fill.setList() : MARKER + " = false";
		long done = 0;
		// Rows written after the trigger exists have no marker set, so pages added since need no visit. The SET list
		// may carry users' up expressions, so the statement is plain text (see computedBatch).
		try (Statement statement = this.connection.createStatement()) {
			statement.setEscapeProcessing(false);
			for (long page = 0; page < pages; page += step) {
				done += statement.executeUpdate("UPDATE " + qualified + " SET " + set + " WHERE ctid >= '(" + page
						+ ",0)'::tid AND ctid < '(" + (page + step) + ",0)'::tid AND " + MARKER);
				afterBatch(table, done, total);
			}
		}
		return done;
	}

	private void afterBatch(String table, long done, long total) {
		this.listener.onProgress(progress(table, done, total, false));
		long pause = this.batchDelay.toNanos();
		if (this.maxRowsPerSecond > 0) {
			// Ahead of the cap by however long the rows done so far should have taken at it.
			long due = (long) (done * 1e9 / this.maxRowsPerSecond);
			pause = Math.max(pause, due - (System.nanoTime() - this.tableStarted));
		}
		if (pause > 0) {
			try {
				Thread.sleep(pause / 1_000_000, (int) (pause % 1_000_000));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new MigrationExecutionException("backfill of table \"" + table + "\" was interrupted", null,
						null, ex);
			}
		}
	}

	private BackfillProgress progress(String table, long done, long total, boolean finished) {
		return BackfillProgress.of(this.migration, table, done, total, finished,
				Duration.ofNanos(System.nanoTime() - this.tableStarted));
	}

	private long estimateRows(String qualified) throws SQLException {
		try (PreparedStatement statement = this.connection
			.prepareStatement("SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(?)")) {
			statement.setString(1, qualified);
			try (ResultSet rs = statement.executeQuery()) {
				rs.next();
				long estimate = rs.getLong(1);
				if (estimate > 0) {
					return estimate;
				}
			}
		}
		logger.debug("no statistics for {}; counting rows", qualified);
		try (PreparedStatement statement = this.connection.prepareStatement("SELECT count(*) FROM " + qualified)) {
			try (ResultSet rs = statement.executeQuery()) {
				rs.next();
				return rs.getLong(1);
			}
		}
	}

	/** The primary key, else the narrowest valid, non-partial unique index whose columns are all NOT NULL. */
	private @Nullable Key findKey(String qualified) throws SQLException {
		String sql = """
				SELECT ARRAY(SELECT a.attname FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(num, ord)
				             JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.num ORDER BY k.ord),
				       ARRAY(SELECT format_type(a.atttypid, a.atttypmod) FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(num, ord)
				             JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.num ORDER BY k.ord)
				FROM pg_index i
				WHERE i.indrelid = to_regclass(?) AND i.indisunique AND i.indisvalid AND i.indpred IS NULL
				  AND i.indexprs IS NULL AND i.indnkeyatts = i.indnatts
				  AND NOT EXISTS (SELECT 1 FROM unnest(i.indkey::int2[]) k(num)
				                  JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.num
				                  WHERE NOT a.attnotnull OR a.attname LIKE '\\_pgroll\\_%')
				ORDER BY i.indisprimary DESC, i.indnatts, i.indexrelid
				LIMIT 1
				""";
		try (PreparedStatement statement = this.connection.prepareStatement(sql)) {
			statement.setString(1, qualified);
			try (ResultSet rs = statement.executeQuery()) {
				if (!rs.next()) {
					return null;
				}
				return new Key(strings(rs.getArray(1)), strings(rs.getArray(2)));
			}
		}
	}

	private static List<String> strings(Array array) throws SQLException {
		return Arrays.asList((String[]) array.getArray());
	}

	private record Key(List<String> columns, List<String> types) {
	}

}
