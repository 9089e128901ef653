package dev.pgroll4j.core;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.pgroll4j.core.testing.MigrationLifecycle;
import dev.pgroll4j.core.testing.SchemaVersion;
import dev.pgroll4j.test.CatalogSnapshot;
import dev.pgroll4j.test.PostgresTest;
import dev.pgroll4j.test.TestDatabase;
import dev.pgroll4j.test.TestSqlException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * No client of the new version may read a row before the row holds its {@code up} values: a statement such as
 * {@code SET hits = hits + 1} computes its result from what it reads, and no trigger can repair that afterwards.
 * So the new version schema appears only once the backfill is done, and a session that claims the new version
 * before then cannot write an unreached row. And no session can make the sync trigger stand aside for it: only the
 * engine's own backfill statement is recognised.
 */
@PostgresTest
@Tag("operations")
class NewVersionDuringBackfillTests {

	private static final String COUNTERS = """
			operations:
			  - create_table:
			      name: counters
			      columns:
			        - {name: id, type: bigint, pk: true}
			        - {name: hits, type: integer}
			        - {name: label, type: text}
			""";

	private static final String ROWS = "INSERT INTO counters SELECT g, 1000, 'l' || g FROM generate_series(1, 2000) g";

	/** The migration: a retyped column (a copy filled by the backfill) and an added column with up. */
	private static final String RETYPE_AND_ADD = """
			operations:
			  - alter_column: {table: counters, column: hits, type: bigint, up: hits, down: "CAST(hits AS integer)"}
			  - add_column: {table: counters, up: upper(label), column: {name: tag, type: text, nullable: true}}
			""";

	private static final String RELATIVE_UPDATE = "UPDATE counters SET hits = hits + 1, tag = coalesce(tag, '') || '!' "
			+ "WHERE id = 1999";

	@Test
	void aRelativeUpdateThroughTheNewVersionNeverReadsAPlaceholder(TestDatabase database) {
		MigrationLifecycle lifecycle = MigrationLifecycle.in(database).given(COUNTERS).givenRows(ROWS);
		String nextSchema = lifecycle.schema() + "_500_under_test";
		SchemaVersion next = lifecycle.version(nextSchema);
		SchemaVersion physical = lifecycle.version(lifecycle.schema());
		AtomicInteger applied = new AtomicInteger();
		AtomicInteger batchesSeen = new AtomicInteger();
		List<String> seenDuringBackfill = new ArrayList<>();
		lifecycle.configure((builder) -> builder.backfillBatchSize(100).backfillListener((progress) -> {
			if (progress.finished() || batchesSeen.getAndIncrement() != 2) {
				return;
			}
			// Row 1999 is still to do; a client of the new version tries the statement now.
			assertThat(physical.value("SELECT _pgroll_needs_backfill FROM counters WHERE id = 1999")).isEqualTo(true);
			seenDuringBackfill.add(String.valueOf(database.queryForString(
					"SELECT to_regnamespace(quote_ident(?))::text", nextSchema)));
			try {
				applied.addAndGet(next.execute(RELATIVE_UPDATE));
			}
			catch (TestSqlException ex) {
				// Refused: the version does not exist yet, so nothing was read or written.
			}
		}));
		Pgroll pgroll = lifecycle.prepare();
		pgroll.start(MigrationLifecycle.yaml("500_under_test", RETYPE_AND_ADD));
		assertThat(batchesSeen.get()).as("the check ran while the backfill was under way").isGreaterThan(2);
		assertThat(seenDuringBackfill).as("the new version schema during the backfill").containsExactly("null");

		applied.addAndGet(next.execute(RELATIVE_UPDATE));
		pgroll.complete();
		assertThat(applied.get()).isEqualTo(1);
		assertThat(next.query("SELECT hits, tag FROM counters WHERE id = 1999"))
			.containsExactly(Map.of("hits", 1001L, "tag", "L1999!"));
		assertThat(next.value("SELECT count(*) FROM counters WHERE hits = 1000 AND tag = upper(label)"))
			.isEqualTo(1999L);
	}

	@Test
	void theNewVersionSchemaAppearsOnlyOnceEveryRowHoldsItsUpValues(TestDatabase database) {
		MigrationLifecycle lifecycle = MigrationLifecycle.in(database).given(COUNTERS).givenRows(ROWS);
		String nextSchema = lifecycle.schema() + "_500_under_test";
		SchemaVersion physical = lifecycle.version(lifecycle.schema());
		SchemaVersion next = lifecycle.version(nextSchema);
		List<Long> unfilledWhenCreated = new ArrayList<>();
		Set<String> schemaDuringBackfill = new LinkedHashSet<>();
		lifecycle.configure((builder) -> builder.backfillBatchSize(250)
			.backfillListener((progress) -> schemaDuringBackfill.add(String.valueOf(database.queryForString(
					"SELECT to_regnamespace(quote_ident(?))::text", nextSchema))))
			.listener(new MigrationListener() {
				@Override
				public void versionSchemaCreated(String migration, String versionSchema) {
					if (versionSchema.equals(nextSchema)) {
						unfilledWhenCreated.add((Long) physical.value("SELECT count(*) FROM counters "
								+ "WHERE _pgroll_needs_backfill"));
						unfilledWhenCreated.add((Long) next.value("SELECT count(*) FROM counters "
								+ "WHERE tag IS DISTINCT FROM upper(label) OR hits IS DISTINCT FROM 1000"));
					}
				}
			}));
		Pgroll pgroll = lifecycle.prepare();
		pgroll.start(MigrationLifecycle.yaml("500_under_test", RETYPE_AND_ADD));
		assertThat(schemaDuringBackfill).containsExactly("null");
		assertThat(unfilledWhenCreated).as("rows still marked, rows the new version reads without their up values")
			.containsExactly(0L, 0L);
		assertThat(pgroll.status().activeMigration().startFinished()).isTrue();
	}

	@Test
	void aSessionThatClaimsTheNewVersionBeforeItExistsCannotOverwriteAnUnreachedRow(TestDatabase database) {
		MigrationLifecycle lifecycle = MigrationLifecycle.in(database).given(COUNTERS).givenRows(ROWS);
		String nextSchema = lifecycle.schema() + "_500_under_test";
		AtomicBoolean tried = new AtomicBoolean();
		List<String> errors = new ArrayList<>();
		lifecycle.configure((builder) -> builder.backfillBatchSize(100).backfillListener((progress) -> {
			if (progress.finished() || !tried.compareAndSet(false, true)) {
				return;
			}
			// Names the new version in the setting the triggers read, and writes the physical table directly.
			try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
				statement.execute("SET pgroll.version_schema TO '" + nextSchema + "'");
				statement.executeUpdate("UPDATE " + lifecycle.schema() + ".counters SET _pgroll_new_hits = "
						+ "_pgroll_new_hits + 1 WHERE id = 1999");
			}
			catch (SQLException ex) {
				errors.add(ex.getSQLState() + " " + ex.getMessage());
			}
		}));
		Pgroll pgroll = lifecycle.prepare();
		pgroll.start(MigrationLifecycle.yaml("500_under_test", RETYPE_AND_ADD));
		assertThat(tried).isTrue();
		assertThat(errors).singleElement()
			.asString()
			.startsWith("55000")
			.contains("counters")
			.contains("not backfilled yet")
			.contains(nextSchema);
		pgroll.complete();
		assertThat(lifecycle.version(nextSchema).query("SELECT hits, tag FROM counters WHERE id = 1999"))
			.containsExactly(Map.of("hits", 1000L, "tag", "L1999"));
	}

	@Test
	void noSettingAClientCanMakeLetsItsOldVersionWritesBypassTheSyncTrigger(TestDatabase database) {
		MigrationLifecycle lifecycle = MigrationLifecycle.in(database).given("""
				operations:
				  - create_table:
				      name: prices
				      columns:
				        - {name: id, type: integer, pk: true}
				        - {name: price, type: integer}
				""").givenRows("INSERT INTO prices SELECT g, 5 FROM generate_series(1, 50) g");
		Pgroll pgroll = lifecycle.prepare();
		String previousSchema = lifecycle.schema() + "_001_rows";
		pgroll.start(MigrationLifecycle.yaml("500_under_test", """
				operations:
				  - alter_column: {table: prices, column: price, type: bigint, up: price, down: "CAST(price AS integer)"}
				"""));
		// Whatever the triggers compare a session setting with, a client sets that setting to every value it can
		// find: the old setting's table names and each literal of the trigger's condition. (Not the setting that
		// selects a version: naming the new one makes the client a new-version writer, by design.)
		Set<String> settings = new LinkedHashSet<>(List.of("pgroll.backfilling_table", "pgroll.backfill"));
		Set<String> values = new LinkedHashSet<>(List.of("prices", lifecycle.schema() + ".prices",
				"\"" + lifecycle.schema() + "\".\"prices\"", "true", "on", "1"));
		for (Map<String, Object> trigger : database.queryForList("SELECT pg_get_triggerdef(t.oid) AS def "
				+ "FROM pg_trigger t WHERE t.tgrelid = to_regclass(?) AND NOT t.tgisinternal",
				lifecycle.schema() + ".prices")) {
			String definition = (String) trigger.get("def");
			Matcher setting = Pattern.compile("current_setting\\('([^']+)'").matcher(definition);
			while (setting.find()) {
				if (!setting.group(1).equals("pgroll.version_schema")) {
					settings.add(setting.group(1));
				}
			}
			Matcher literal = Pattern.compile("'([^']*)'").matcher(definition);
			while (literal.find()) {
				values.add(literal.group(1));
				values.add(literal.group(1).replaceFirst("^\\\\x", ""));
			}
		}
		List<String[]> attempts = new ArrayList<>();
		settings.forEach((setting) -> values.forEach((value) -> attempts.add(new String[] { setting, value })));
		assertThat(attempts).hasSizeLessThanOrEqualTo(50);
		int id = 0;
		for (String[] attempt : attempts) {
			id++;
			try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
				statement.execute("SET search_path TO " + previousSchema);
				statement.execute("SELECT set_config('" + attempt[0] + "', '" + attempt[1].replace("'", "''")
						+ "', false)");
				assertThat(statement.executeUpdate("UPDATE prices SET price = 7 WHERE id = " + id)).isOne();
			}
			catch (SQLException ex) {
				throw new TestSqlException("writing as an old-version client with " + attempt[0] + " = " + attempt[1],
						ex);
			}
		}
		pgroll.complete();
		assertThat(lifecycle.version(lifecycle.schema() + "_500_under_test")
			.value("SELECT count(*) FROM prices WHERE price = 7")).isEqualTo((long) id);
	}

	@Test
	void aBackendTerminatedDuringTheBackfillIsReportedWithTheServersReason(TestDatabase database) {
		MigrationLifecycle lifecycle = MigrationLifecycle.in(database).given(COUNTERS).givenRows(ROWS);
		AtomicBoolean killed = new AtomicBoolean();
		lifecycle.configure((builder) -> builder.backfillBatchSize(100).backfillListener((progress) -> {
			if (!progress.finished() && killed.compareAndSet(false, true)) {
				database.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
						+ "WHERE datname = current_database() AND application_name = 'pgroll' AND pid <> pg_backend_pid()");
			}
		}));
		Pgroll pgroll = lifecycle.prepare();
		CatalogSnapshot before = database.catalogSnapshot();
		assertThatThrownBy(() -> pgroll.start(MigrationLifecycle.yaml("500_under_test", RETYPE_AND_ADD)))
			.isInstanceOf(PgrollException.class)
			.hasMessageContaining("backfill of table \"counters\"")
			.hasMessageContaining("terminating connection due to administrator command");
		assertThat(killed).isTrue();
		assertThat(pgroll.repair()).isPresent();
		assertThat(before.diff(database.catalogSnapshot())).isEmpty();
	}

}
