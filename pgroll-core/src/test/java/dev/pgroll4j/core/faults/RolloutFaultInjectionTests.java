package dev.pgroll4j.core.faults;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.sql.DataSource;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.pgroll4j.core.MigrationRecord;
import dev.pgroll4j.core.MigrationStatus;
import dev.pgroll4j.core.Pgroll;
import dev.pgroll4j.core.RollbackResult;
import dev.pgroll4j.core.migration.Migration;
import dev.pgroll4j.test.CatalogSnapshot;
import dev.pgroll4j.test.PostgresTest;
import dev.pgroll4j.test.TestDatabase;

import static dev.pgroll4j.core.testing.TwoReleases.RELEASE_1;
import static dev.pgroll4j.core.testing.TwoReleases.RELEASE_2;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * As {@link FaultInjectionTests}, for a release that ships several migrations building on each other and starts
 * them as one rollout: the migrating connection is killed after a statement of the rollout's start or complete,
 * then a restarted process (a fresh engine) repairs. The rollout is then either wholly absent, as if never
 * started, or wholly started with both releases' version schemas serving; a killed complete either committed or
 * is finished by the next complete. Never one migration of the five without the others.
 *
 * <p>Kill points are sampled to keep the suite's run time near that of the single-migration tests: see
 * {@link KillingDataSource#killPoints}; {@code -Dpgroll.test.faults.every-statement=true} kills after every statement.
 */
@PostgresTest
@Tag("reliability")
class RolloutFaultInjectionTests {

	private static final String SCHEMA = "shop";

	private static final String RELEASE_1_SCHEMA = SCHEMA + "_r1_01_items";

	private static final String RELEASE_2_SCHEMA = SCHEMA + "_r2_05_check";

	private static final List<String> RELEASE_2_NAMES = RELEASE_2.stream().map(Migration::name).toList();

	@Test
	void killingTheConnectionAfterAStatementOfARolloutsStartLeavesItAbsentOrWhollyStarted(TestDatabase server) {
		TestDatabase database = server.createSibling("rollout_start");
		release1WithRows(database);
		CatalogSnapshot before = database.catalogSnapshot();
		List<String> historyBefore = history(database, true);
		String rows = physicalRows(database);

		KillingDataSource counting = new KillingDataSource(database.dataSource(), database.dataSource(), 0);
		pgroll(counting).start(RELEASE_2);
		List<KillingDataSource.Executed> statements = counting.statements();
		CatalogSnapshot started = database.catalogSnapshot();
		List<String> historyStarted = history(database, false);
		String release2Rows = versionRows(database, RELEASE_2_SCHEMA);
		pgroll(database.dataSource()).rollback();
		assertThat(before.diff(database.catalogSnapshot())).isEmpty();
		assertThat(history(database, true)).isEqualTo(historyBefore);

		List<Integer> killPoints = KillingDataSource.killPoints(statements);
		int absent = 0;
		int repaired = 0;
		int whole = 0;
		for (int kill : killPoints) {
			KillingDataSource killing = new KillingDataSource(database.dataSource(), database.dataSource(), kill);
			boolean returned = false;
			try {
				pgroll(killing).start(RELEASE_2);
				returned = true;
			}
			catch (RuntimeException expected) {
				// The session died; what matters is what a restarted process finds.
			}
			String at = killedAfter("start", kill, killing, statements.size());
			Pgroll restarted = pgroll(database.dataSource());
			Optional<RollbackResult> repair = restarted.repair();
			MigrationStatus status = restarted.status();
			if (status.rollout().isEmpty()) {
				assertThat(returned).as("%s: start reported success but the rollout is not there", at).isFalse();
				assertThat(before.diff(database.catalogSnapshot())).as(at).isEmpty();
				assertThat(history(database, true)).as(at).isEqualTo(historyBefore);
				if (repair.isPresent()) {
					assertThat(repair.get().migrations()).as(at).isEqualTo(RELEASE_2_NAMES);
					repaired++;
				}
				else {
					absent++;
				}
			}
			else {
				assertThat(repair).as("%s: repair rolled back part of the rollout", at).isEmpty();
				assertWhollyStarted(database, status, at);
				assertThat(FaultInjectionTests.differences(started, database.catalogSnapshot())).as(at).isEmpty();
				assertThat(history(database, false)).as(at).isEqualTo(historyStarted);
				assertThat(versionRows(database, RELEASE_2_SCHEMA)).as(at).isEqualTo(release2Rows);
				assertBothReleasesServe(database, at);
				whole++;
				assertThat(restarted.rollback().migrations()).isEqualTo(RELEASE_2_NAMES);
				assertThat(before.diff(database.catalogSnapshot())).as("rolled back, " + at).isEmpty();
				assertThat(history(database, true)).as("rolled back, " + at).isEqualTo(historyBefore);
			}
			assertThat(physicalRows(database)).as("rows " + at).isEqualTo(rows);
		}
		System.out.printf("rollout of %d migrations: start killed after %d of its %d statements: %d ended as before "
				+ "(%d of them rolled back by repair), %d fully started%n", RELEASE_2.size(), killPoints.size(),
				statements.size(), absent + repaired, repaired, whole);
		// Each ending must have been reached, or the kill points missed the start transaction's commit.
		assertThat(absent).isPositive();
		assertThat(repaired).isPositive();
		assertThat(whole).isPositive();
	}

	@Test
	void killingTheConnectionAfterAStatementOfARolloutsCompleteLeavesItDoneOrForTheNextCompleteToFinish(
			TestDatabase server) {
		TestDatabase template = server.createSibling("rollout_complete");
		release1WithRows(template);
		pgroll(template.dataSource()).start(RELEASE_2);
		CatalogSnapshot started = template.catalogSnapshot();
		List<String> historyStarted = history(template, false);
		String release2Rows = versionRows(template, RELEASE_2_SCHEMA);

		TestDatabase reference = template.copy("reference");
		KillingDataSource counting = new KillingDataSource(reference.dataSource(), reference.dataSource(), 0);
		pgroll(counting).complete();
		List<KillingDataSource.Executed> statements = counting.statements();
		CatalogSnapshot completed = reference.catalogSnapshot();
		List<String> historyCompleted = history(reference, false);
		String completedRows = versionRows(reference, RELEASE_2_SCHEMA);
		assertThat(completedRows).isEqualTo(release2Rows);
		reference.drop();

		List<Integer> killPoints = KillingDataSource.killPoints(statements);
		int committed = 0;
		int retried = 0;
		for (int kill : killPoints) {
			// Each kill point gets its own copy of the started rollout, as what one kill left is completed after it.
			TestDatabase copy = template.copy("complete" + kill);
			KillingDataSource killing = new KillingDataSource(copy.dataSource(), copy.dataSource(), kill);
			boolean returned = false;
			try {
				pgroll(killing).complete();
				returned = true;
			}
			catch (RuntimeException expected) {
				// Complete contracts in one transaction: it either committed or it did not.
			}
			String at = killedAfter("complete", kill, killing, statements.size());
			Pgroll restarted = pgroll(copy.dataSource());
			assertThat(restarted.repair()).as("%s: the start had finished, there is nothing to repair", at).isEmpty();
			MigrationStatus status = restarted.status();
			if (status.rollout().isEmpty()) {
				committed++;
			}
			else {
				assertThat(returned).as("%s: complete reported success but the rollout is still active", at).isFalse();
				assertWhollyStarted(copy, status, at);
				assertThat(FaultInjectionTests.differences(started, copy.catalogSnapshot())).as(at).isEmpty();
				assertThat(history(copy, false)).as(at).isEqualTo(historyStarted);
				assertBothReleasesServe(copy, at);
				assertThat(restarted.complete().migrations()).as(at).isEqualTo(RELEASE_2_NAMES);
				retried++;
			}
			assertThat(completed.diff(copy.catalogSnapshot())).as(at).isEmpty();
			assertThat(versionSchemas(copy)).as(at).containsExactly(RELEASE_2_SCHEMA);
			assertThat(history(copy, false)).as(at).isEqualTo(historyCompleted);
			assertThat(pgroll(copy.dataSource()).history()).as(at)
				.allSatisfy((row) -> assertThat(row.done()).isTrue());
			assertThat(versionRows(copy, RELEASE_2_SCHEMA)).as("rows " + at).isEqualTo(completedRows);
			copy.drop();
		}
		System.out.printf("rollout of %d migrations: complete killed after %d of its %d statements: %d had committed, "
				+ "%d completed on retry%n", RELEASE_2.size(), killPoints.size(), statements.size(), committed,
				retried);
		assertThat(committed).isPositive();
		assertThat(retried).isPositive();
	}

	/**
	 * Names the kill point in assertion messages by the statement the session was killed after. The uninterrupted
	 * run chose the kill points; were a run to differ from it (a retry after a lock timeout), the checks still hold,
	 * for whatever statement the kill came after.
	 */
	private static String killedAfter(String verb, int kill, KillingDataSource killing, int statements) {
		List<KillingDataSource.Executed> executed = killing.statements();
		String killed = (executed.size() >= kill) ? executed.get(kill - 1).toString()
				: kill + ", never reached: this run had " + executed.size();
		return "after killing the rollout's " + verb + " after statement " + killed + " (of " + statements + ")";
	}

	/** Every migration of the rollout active, its start finished, and the release before it still served. */
	private static void assertWhollyStarted(TestDatabase database, MigrationStatus status, String at) {
		assertThat(status.rollout()).as(at).extracting(MigrationRecord::name).isEqualTo(RELEASE_2_NAMES);
		assertThat(status.rollout()).as(at).allSatisfy((row) -> {
			assertThat(row.startFinished()).as("start finished").isTrue();
			assertThat(row.done()).as("done").isFalse();
			assertThat(row.rollout()).as("rollout").isEqualTo(RELEASE_2_NAMES.get(0));
		});
		assertThat(status.previousVersionSchema()).as(at).isEqualTo(RELEASE_1_SCHEMA);
		assertThat(status.latestVersionSchema()).as(at).isEqualTo(RELEASE_2_SCHEMA);
		assertThat(versionSchemas(database)).as(at).containsExactly(RELEASE_1_SCHEMA, RELEASE_2_SCHEMA);
	}

	/**
	 * Writes through each release read back through the other, as RolloutTests checks, in a transaction that is
	 * rolled back so that the rows stay comparable.
	 */
	private static void assertBothReleasesServe(TestDatabase database, String at) {
		try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
			connection.setAutoCommit(false);
			release(statement, RELEASE_1_SCHEMA);
			assertThat(columns(statement)).as(at).containsExactly("id", "name", "price", "legacy");
			statement.execute("INSERT INTO items VALUES (900001, 'a name much longer than twenty', '9', 'old')");
			statement.execute("UPDATE items SET price = '42' WHERE id = 8");
			release(statement, RELEASE_2_SCHEMA);
			assertThat(columns(statement)).as(at).containsExactly("id", "name", "price", "code");
			assertThat(value(statement, "SELECT name || '/' || code FROM items WHERE id = 900001")).as(at)
				.isEqualTo("a name much longer t/SKU-900001");
			assertThat(value(statement, "SELECT price || '/' || code FROM items WHERE id = 8")).as(at)
				.isEqualTo("42/SKU-8");
			assertThat(value(statement, "SELECT count(*) FROM items WHERE code IS DISTINCT FROM 'SKU-' || id "
					+ "OR length(name) > 20")).as(at).isEqualTo("0");
			statement.execute("INSERT INTO items (id, name, price, code) VALUES (900002, 'new', '3', 'C-2')");
			statement.execute("UPDATE items SET code = 'C-7' WHERE id = 7");
			release(statement, RELEASE_1_SCHEMA);
			assertThat(value(statement, "SELECT legacy FROM items WHERE id = 900002")).as(at).isEqualTo("legacy-C-2");
			assertThat(value(statement, "SELECT legacy FROM items WHERE id = 7")).as(at).isEqualTo("legacy-C-7");
			connection.rollback();
		}
		catch (SQLException ex) {
			throw new AssertionError(at + ": " + ex.getMessage(), ex);
		}
	}

	private static void release(Statement statement, String versionSchema) throws SQLException {
		statement.execute("SET search_path TO " + versionSchema);
	}

	private static List<String> columns(Statement statement) throws SQLException {
		List<String> names = new ArrayList<>();
		try (ResultSet rs = statement.executeQuery("SELECT * FROM items LIMIT 0")) {
			for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
				names.add(rs.getMetaData().getColumnName(i));
			}
		}
		return names;
	}

	private static String value(Statement statement, String query) throws SQLException {
		try (ResultSet rs = statement.executeQuery(query)) {
			rs.next();
			return rs.getString(1);
		}
	}

	/** Release 1 started and completed, with rows, some of whose names release 2's check will shorten. */
	private static void release1WithRows(TestDatabase database) {
		Pgroll pgroll = pgroll(database.dataSource());
		pgroll.start(RELEASE_1);
		pgroll.complete();
		database.execute("INSERT INTO " + SCHEMA + ".items SELECT g, 'item ' || g || repeat('x', g % 30), g::text, "
				+ "'old ' || g FROM generate_series(1, 2000) g");
		// With statistics the backfill need not count the rows, whether or not autovacuum got there first: every
		// start runs the same statements, so a kill point is the same statement in every run.
		database.execute("ANALYZE " + SCHEMA + ".items");
	}

	/** An engine that knows both releases' files, as a restarted instance of release 2 does. */
	private static Pgroll pgroll(DataSource dataSource) {
		List<Migration> files = new ArrayList<>(List.of(RELEASE_1));
		files.addAll(RELEASE_2);
		return Pgroll.configure().dataSource(dataSource).schema(SCHEMA).backfillBatchSize(500).migrations(files)
			.load();
	}

	/** Every row of the physical table, whatever its columns, as one hash. */
	private static String physicalRows(TestDatabase database) {
		return database.queryForString("SELECT md5(string_agg(t::text, ',' ORDER BY id)) FROM " + SCHEMA + ".items t");
	}

	/** Every row as a version schema shows it, as one hash. */
	private static String versionRows(TestDatabase database, String versionSchema) {
		return database.queryForString("SELECT md5(string_agg(t::text, ',' ORDER BY id)) FROM " + versionSchema
				+ ".items t");
	}

	private static List<String> versionSchemas(TestDatabase database) {
		return database
			.queryForList("SELECT nspname FROM pg_namespace WHERE nspname LIKE ? ORDER BY 1", SCHEMA + "\\_%")
			.stream()
			.map((row) -> (String) row.get("nspname"))
			.toList();
	}

	/**
	 * The schema's history rows in the state table, one line each, every column; with {@code timestamps} false
	 * the two timestamps are left out, so that runs at different times compare.
	 */
	private static List<String> history(TestDatabase database, boolean timestamps) {
		String times = timestamps ? ", created_at::text, updated_at::text" : "";
		return database
			.queryForList("SELECT concat_ws(' | ', name, parent, done, start_finished, rollout, migration_type, "
					+ "migration::text, md5(base_schema::text), md5(resulting_schema::text), inferred_undo::text"
					+ times + ") AS line FROM pgroll.migrations WHERE schema = ? ORDER BY created_at, name", SCHEMA)
			.stream()
			.map((Map<String, Object> row) -> (String) row.get("line"))
			.toList();
	}

}
