package dev.pgroll4j.core;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.pgroll4j.core.migration.Migration;
import dev.pgroll4j.core.testing.MigrationLifecycle;
import dev.pgroll4j.test.PostgresTest;
import dev.pgroll4j.test.TestDatabase;

import static dev.pgroll4j.core.testing.Concurrently.runTogether;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

@PostgresTest
class StatusAndConcurrencyTests {

	private static Migration table(String name, String table) {
		return MigrationLifecycle.yaml(name, """
				operations:
				  - create_table:
				      name: %s
				      columns:
				        - {name: id, type: integer, pk: true}
				""".formatted(table));
	}

	@Test
	void statusFollowsTheLifeOfMigrationsAndTheirVersionSchemas(TestDatabase database) {
		MigrationLifecycle lifecycle = MigrationLifecycle.in(database);
		Pgroll pgroll = lifecycle.pgroll();
		String schema = lifecycle.schema();
		assertThat(pgroll.status().state()).isEqualTo(MigrationStatus.State.NO_MIGRATIONS);

		pgroll.start(table("01_first", "a"));
		MigrationStatus started = pgroll.status();
		assertThat(started.state()).isEqualTo(MigrationStatus.State.IN_PROGRESS);
		assertThat(started.activeMigration().name()).isEqualTo("01_first");
		assertThat(started.latestVersionSchema()).isEqualTo(schema + "_01_first");
		assertThat(started.previousVersionSchema()).isNull();

		pgroll.complete();
		pgroll.start(table("02_second", "b"));
		MigrationStatus second = pgroll.status();
		assertThat(second.latestVersionSchema()).isEqualTo(schema + "_02_second");
		assertThat(second.previousVersionSchema()).isEqualTo(schema + "_01_first");
		assertThat(second.history()).extracting(MigrationRecord::name, MigrationRecord::parent, MigrationRecord::done)
			.containsExactly(org.assertj.core.groups.Tuple.tuple("01_first", null, true),
					org.assertj.core.groups.Tuple.tuple("02_second", "01_first", false));

		pgroll.complete();
		MigrationStatus completed = pgroll.status();
		assertThat(completed.state()).isEqualTo(MigrationStatus.State.COMPLETE);
		assertThat(completed.activeMigration()).isNull();
		assertThat(completed.previousVersionSchema()).isNull();
		assertThat(database.queryForLong("SELECT count(*) FROM pg_namespace WHERE nspname LIKE '" + schema + "\\_%'"))
			.as("only the latest version schema is left").isEqualTo(1);
	}

	@Test
	void statusListsTheNewestMigrationsAndSaysWhetherEarlierOnesExist(TestDatabase database) {
		MigrationLifecycle lifecycle = MigrationLifecycle.in(database);
		Pgroll pgroll = lifecycle.pgroll();
		for (int i = 1; i <= 5; i++) {
			pgroll.start(table("0" + i + "_step", "t" + i));
			pgroll.complete();
		}
		MigrationStatus newest = pgroll.status(3);
		assertThat(newest.history()).extracting(MigrationRecord::name).containsExactly("03_step", "04_step", "05_step");
		assertThat(newest.earlierHistory()).isTrue();
		assertThat(newest.latest().name()).isEqualTo("05_step");
		assertThat(newest.latestVersionSchema()).isEqualTo(lifecycle.schema() + "_05_step");
		MigrationStatus all = pgroll.status();
		assertThat(all.history()).hasSize(5);
		assertThat(all.earlierHistory()).isFalse();
		assertThat(pgroll.history()).extracting(MigrationRecord::name)
			.containsExactly("01_step", "02_step", "03_step", "04_step", "05_step");
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> pgroll.status(0))
			.withMessageContaining("historyLimit must be at least 1");
	}

	@Test
	void theNewestMigrationIsTheEndOfTheChainEvenWhenTimestampsTieOrGoBack(TestDatabase database) {
		MigrationLifecycle lifecycle = MigrationLifecycle.in(database);
		Pgroll pgroll = lifecycle.pgroll();
		for (int i = 1; i <= 3; i++) {
			pgroll.start(table("0" + i + "_step", "t" + i));
			pgroll.complete();
		}
		// A clock that went back: the last migration looks the oldest.
		database.execute("UPDATE pgroll.migrations SET created_at = created_at - interval '1 day' "
				+ "WHERE schema = '" + lifecycle.schema() + "' AND name = '03_step'");
		assertThat(pgroll.status(2).history()).extracting(MigrationRecord::name).containsExactly("02_step", "03_step");
		// Equal timestamps, the name order the reverse of the chain's.
		database.execute("UPDATE pgroll.migrations SET created_at = '2026-01-01', "
				+ "name = CASE name WHEN '01_step' THEN 'zz_first' ELSE name END, "
				+ "parent = CASE parent WHEN '01_step' THEN 'zz_first' ELSE parent END "
				+ "WHERE schema = '" + lifecycle.schema() + "'");
		assertThat(pgroll.status().history()).extracting(MigrationRecord::name)
			.containsExactly("zz_first", "02_step", "03_step");
		pgroll.start(table("04_step", "t4"));
		assertThat(pgroll.status().activeMigration().parent()).isEqualTo("03_step");
	}

	@Test
	void aHistoryEditedIntoACycleIsReportedNotFollowedForever(TestDatabase database) {
		MigrationLifecycle lifecycle = MigrationLifecycle.in(database);
		Pgroll pgroll = lifecycle.pgroll();
		for (int i = 1; i <= 3; i++) {
			pgroll.start(table("0" + i + "_step", "t" + i));
			pgroll.complete();
		}
		database.execute("UPDATE pgroll.migrations SET parent = '03_step' "
				+ "WHERE schema = '" + lifecycle.schema() + "' AND name = '02_step'");
		assertThatExceptionOfType(PgrollException.class).isThrownBy(pgroll::status)
			.withMessageContaining("the history of schema \"" + lifecycle.schema() + "\" in \"pgroll\".\"migrations\" "
					+ "is not a single chain");
		assertThatExceptionOfType(PgrollException.class).isThrownBy(pgroll::history)
			.withMessageContaining("is not a single chain");
	}

	@Test
	void aStateTableFromAnEarlierReleaseIsUpgradedNotReportedEmpty(TestDatabase database) {
		MigrationLifecycle lifecycle = MigrationLifecycle.in(database);
		Pgroll pgroll = lifecycle.pgroll();
		pgroll.start(table("01_first", "a"));
		pgroll.complete();
		// The form the release before rollouts left: no rollout column, one active row per schema.
		database.execute("DROP INDEX pgroll.history_by_creation", "DROP INDEX pgroll.active_migrations",
				"DROP INDEX pgroll.one_active_rollout", "ALTER TABLE pgroll.migrations DROP COLUMN rollout",
				"CREATE UNIQUE INDEX only_one_active_migration ON pgroll.migrations (schema) WHERE NOT done");
		assertThat(pgroll.status().latest().name()).isEqualTo("01_first");
		assertThat(database.queryForLong("SELECT count(*) FROM pg_indexes WHERE schemaname = 'pgroll' "
				+ "AND indexname IN ('history_by_creation', 'active_migrations', 'one_active_rollout')")).isEqualTo(3);
		assertThat(database.queryForLong("SELECT count(*) FROM pg_indexes WHERE schemaname = 'pgroll' "
				+ "AND indexname = 'only_one_active_migration'")).isEqualTo(0);
		// The upgraded table takes a rollout.
		pgroll.start(List.of(table("02_second", "b"), table("03_third", "c")));
		assertThat(pgroll.status().rollout()).extracting(MigrationRecord::name).containsExactly("02_second", "03_third");
		assertThat(pgroll.complete().migrations()).containsExactly("02_second", "03_third");
	}

	@Test
	void historyRulesAreEnforced(TestDatabase database) {
		MigrationLifecycle lifecycle = MigrationLifecycle.in(database)
			.configure((builder) -> builder.stateSchema("history_rules_state"));
		Pgroll pgroll = lifecycle.pgroll();
		assertThatExceptionOfType(MigrationStateException.class).isThrownBy(pgroll::complete)
			.withMessageContaining("has no migration history");
		pgroll.init();
		assertThatExceptionOfType(MigrationStateException.class).isThrownBy(pgroll::rollback)
			.withMessageContaining("there is no active migration on schema \"" + lifecycle.schema() + "\"");
		pgroll.start(table("01_first", "a"));
		assertThatExceptionOfType(MigrationStateException.class).isThrownBy(() -> pgroll.start(table("02_next", "b")))
			.withMessageContaining("migration \"01_first\" is still active");
		pgroll.complete();
		assertThatExceptionOfType(MigrationStateException.class).isThrownBy(() -> pgroll.start(table("01_first", "c")))
			.withMessageContaining("\"01_first\" has already been applied");
	}

	@Test
	void theDatabaseRefusesASecondActiveMigrationOrABranchInTheHistory(TestDatabase database) {
		MigrationLifecycle lifecycle = MigrationLifecycle.in(database);
		Pgroll pgroll = lifecycle.pgroll();
		pgroll.start(table("01_first", "a"));
		String insert = "INSERT INTO pgroll.migrations (schema, name, migration, parent) VALUES ('%s', '%s', '{}', %s)";
		assertThatExceptionOfType(RuntimeException.class)
			.isThrownBy(() -> database.execute(insert.formatted(lifecycle.schema(), "x", "'01_first'")))
			.withMessageContaining("one_active_rollout");
		pgroll.complete();
		database.execute(insert.formatted(lifecycle.schema(), "02_a", "'01_first'"));
		database.execute("UPDATE pgroll.migrations SET done = true WHERE name = '02_a'");
		assertThatExceptionOfType(RuntimeException.class)
			.isThrownBy(() -> database.execute(insert.formatted(lifecycle.schema(), "02_b", "'01_first'")))
			.withMessageContaining("history_is_linear");
		assertThatExceptionOfType(RuntimeException.class)
			.isThrownBy(() -> database.execute(insert.formatted(lifecycle.schema(), "00_root", "NULL")))
			.withMessageContaining("only_first_migration_without_parent");
	}

	@Test
	void initIsSafeWhenManyProcessesRunItAtOnce(TestDatabase database) throws Exception {
		TestDatabase fresh = database.createSibling("init");
		Pgroll pgroll = Pgroll.configure().dataSource(fresh.dataSource()).stateSchema("state").load();
		List<Future<Object>> results = runTogether(8, () -> {
			pgroll.init();
			return null;
		});
		for (Future<Object> result : results) {
			result.get();
		}
		assertThat(fresh.queryForList("SELECT tablename FROM pg_tables WHERE schemaname = 'state' ORDER BY 1"))
			.extracting((row) -> row.get("tablename")).containsExactly("instances", "migrations");
		pgroll.init();
	}

	@Test
	void concurrentStartsOfTheSameMigrationStartItOnce(TestDatabase database) throws Exception {
		MigrationLifecycle lifecycle = MigrationLifecycle.in(database)
			.configure((builder) -> builder.migrationLockWait(Duration.ofSeconds(30)));
		Pgroll pgroll = lifecycle.pgroll();
		pgroll.init();
		List<Future<StartResult>> results = runTogether(4, () -> pgroll.start(table("01_first", "a")));
		int started = 0;
		for (Future<StartResult> result : results) {
			try {
				result.get();
				started++;
			}
			catch (java.util.concurrent.ExecutionException ex) {
				assertThat(ex.getCause()).isInstanceOf(MigrationStateException.class)
					.hasMessageContaining("\"01_first\" is still active");
			}
		}
		assertThat(started).isEqualTo(1);
		assertThat(pgroll.status().history()).hasSize(1);
	}

	@Test
	void aProcessThatCannotGetTheMigrationLockInTimeFailsClearly(TestDatabase database) throws Exception {
		MigrationLifecycle lifecycle = MigrationLifecycle.in(database)
			.configure((builder) -> builder.migrationLockWait(Duration.ofMillis(200)));
		Pgroll pgroll = lifecycle.pgroll();
		pgroll.init();
		try (var holder = database.connect(); var statement = holder.createStatement()) {
			statement.execute("SELECT pg_advisory_lock(x'7067726c'::int, hashtext('pgroll." + lifecycle.schema() + "'))");
			assertThatExceptionOfType(MigrationStateException.class).isThrownBy(() -> pgroll.start(table("01_a", "a")))
				.withMessageContaining("another process is migrating schema \"" + lifecycle.schema() + "\"");
		}
		pgroll.start(table("01_a", "a"));
	}

	/** What a process does while another one holds the migration lock. */
	enum Waiter {

		START, COMPLETE, REPAIR, MIGRATE

	}

	@ParameterizedTest
	@EnumSource
	void aProcessWaitingForTheMigrationLockHoldsNoSnapshotThatWouldStallAnIndexBuild(Waiter waiter,
			TestDatabase database) throws Exception {
		MigrationLifecycle lifecycle = MigrationLifecycle.in(database)
			.configure((builder) -> builder.migrationLockWait(Duration.ofSeconds(30)));
		String schema = lifecycle.schema();
		Pgroll pgroll = lifecycle.pgroll();
		Migration items = MigrationLifecycle.yaml("01_items", """
				operations:
				  - create_table:
				      name: items
				      columns:
				        - {name: id, type: integer, pk: true}
				        - {name: label, type: text}
				""");
		Migration note = MigrationLifecycle.yaml("02_note", """
				operations:
				  - add_column:
				      table: items
				      column: {name: note, type: text, nullable: true}
				""");
		pgroll.migrate(List.of(items), MigrateOptions.defaults().withCompleteLast(true));
		database.execute("INSERT INTO " + schema + ".items SELECT g, 'item ' || g FROM generate_series(1, 1000) g");
		if (waiter == Waiter.COMPLETE) {
			pgroll.start(note);
		}
		String lock = "pgroll." + schema + ((waiter == Waiter.MIGRATE) ? "#reconcile" : "");
		CompletableFuture<Object> waiting;
		try (Connection holder = database.connect(); Statement statement = holder.createStatement()) {
			// The winner of a start-up race: it holds the lock in autocommit, so it has no snapshot itself.
			statement.execute("SELECT pg_advisory_lock(x'7067726c'::int, hashtext('" + lock + "'))");
			waiting = CompletableFuture.supplyAsync(() -> switch (waiter) {
				case START -> pgroll.start(note);
				case COMPLETE -> pgroll.complete();
				case REPAIR -> pgroll.repair();
				case MIGRATE -> pgroll.migrate(List.of(items, note), MigrateOptions.defaults());
			});
			long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
			while (database.queryForLong("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
					+ "AND application_name = 'pgroll' AND query LIKE '%advisory_lock(%'") == 0) {
				assertThat(System.nanoTime()).as("the waiter asked for the lock").isLessThan(deadline);
				Thread.sleep(20);
			}
			Thread.sleep(300);
			// What the winner does next: an index build, which waits for every transaction with an older snapshot.
			long building = System.nanoTime();
			try (Connection builder = database.connect(); Statement build = builder.createStatement()) {
				build.execute("SET lock_timeout = '2s'");
				build.execute("CREATE INDEX CONCURRENTLY items_label ON " + schema + ".items (label)");
			}
			catch (SQLException ex) {
				throw new AssertionError("the index build waited for the process waiting for the lock: "
						+ ex.getMessage(), ex);
			}
			System.out.printf("%s waiting for the lock: index built in %d ms%n", waiter,
					Duration.ofNanos(System.nanoTime() - building).toMillis());
			assertThat(waiting).as("still waiting for the lock").isNotDone();
		}
		assertThat(waiting.get(30, TimeUnit.SECONDS)).isNotNull();
	}

}
