package dev.pgroll4j.core;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

import dev.pgroll4j.core.testing.MigrationLifecycle;
import dev.pgroll4j.test.CatalogSnapshot;
import dev.pgroll4j.test.PostgresTest;
import dev.pgroll4j.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** DDL waits at most lock_timeout per attempt, retries while a lock is held, and gives up cleanly. */
@PostgresTest
@Tag("reliability")
class LockTimeoutTests {

	private static final String TABLE = """
			operations:
			  - create_table:
			      name: accounts
			      columns:
			        - {name: id, type: integer, pk: true}
			""";

	private static final String ADD_COLUMN = """
			operations:
			  - add_column:
			      table: accounts
			      column: {name: note, type: text, nullable: true}
			""";

	@Test
	void startRetriesUntilALongTransactionReleasesItsLock(TestDatabase database) throws Exception {
		MigrationLifecycle lifecycle = MigrationLifecycle.in(database).given(TABLE)
			.configure((builder) -> builder.lockTimeout(Duration.ofMillis(50)).lockRetryTimeout(Duration.ofSeconds(30)));
		Pgroll pgroll = lifecycle.prepare();
		try (Connection holder = database.connect()) {
			holdLock(holder, lifecycle.schema());
			CompletableFuture<StartResult> start = CompletableFuture
				.supplyAsync(() -> pgroll.start(MigrationLifecycle.yaml("01_add_note", ADD_COLUMN)));
			Thread.sleep(1000);
			assertThat(start).as("start waits while the lock is held").isNotDone();
			holder.rollback();
			assertThat(start.get(30, TimeUnit.SECONDS).versionSchema()).isEqualTo(lifecycle.schema() + "_01_add_note");
		}
	}

	@Test
	void startGivesUpAfterTheRetryBudgetNamingTheStatementAndTheBlockerAndLeavesNothingBehind(TestDatabase database)
			throws Exception {
		MigrationLifecycle lifecycle = MigrationLifecycle.in(database).given(TABLE)
			.configure((builder) -> builder.lockTimeout(Duration.ofMillis(50)).lockRetryTimeout(Duration.ofSeconds(1)));
		Pgroll pgroll = lifecycle.prepare();
		CatalogSnapshot before = database.catalogSnapshot();
		try (Connection holder = database.connect()) {
			holdLock(holder, lifecycle.schema());
			assertThatExceptionOfType(LockTimeoutException.class)
				.isThrownBy(() -> pgroll.start(MigrationLifecycle.yaml("01_add_note", ADD_COLUMN)))
				.withMessageContaining("gave up after")
				.withMessageContaining("ALTER TABLE \"" + lifecycle.schema() + "\".\"accounts\" ADD COLUMN")
				.withMessageContaining("01_add_note.yaml operations[0] (add_column)")
				.withMessageContaining("AccessShareLock on accounts")
				.withMessageContaining("idle in transaction");
			holder.rollback();
		}
		assertThat(before.diff(database.catalogSnapshot())).isEmpty();
		assertThat(pgroll.status().state()).isEqualTo(MigrationStatus.State.COMPLETE);
	}

	@Test
	void theLockReportNamesOnlyTheBlockerInThisDatabaseThoughACopyOfItHasTablesWithTheSameOids(TestDatabase database)
			throws Exception {
		TestDatabase original = database.createSibling("report");
		MigrationLifecycle lifecycle = MigrationLifecycle.in(original).given(TABLE)
			.configure((builder) -> builder.lockTimeout(Duration.ofMillis(50)).lockRetryTimeout(Duration.ofSeconds(1)));
		Pgroll pgroll = lifecycle.prepare();
		TestDatabase copy = original.copy("copy");
		String oid = "SELECT '\"" + lifecycle.schema() + "\".accounts'::regclass::oid";
		assertThat(copy.queryForLong(oid)).as("the copy's table has the same OID").isEqualTo(original.queryForLong(oid));
		try (Connection elsewhere = copy.connect(); Connection blocker = original.connect()) {
			holdLock(elsewhere, lifecycle.schema());
			holdLock(blocker, lifecycle.schema());
			LockTimeoutException failure = catchThrowableOfType(LockTimeoutException.class,
					() -> pgroll.start(MigrationLifecycle.yaml("01_add_note", ADD_COLUMN)));
			assertThat(failure).isNotNull();
			assertThat(failure.getMessage()).contains("pid " + pid(blocker) + " holds AccessShareLock on accounts")
				.doesNotContain("pid " + pid(elsewhere) + " ");
			blocker.rollback();
			elsewhere.rollback();
		}
	}

	@Test
	void completeRetriesUntilTheLockIsFree(TestDatabase database) throws Exception {
		MigrationLifecycle lifecycle = MigrationLifecycle.in(database).given(TABLE)
			.configure((builder) -> builder.lockTimeout(Duration.ofMillis(50)));
		Pgroll pgroll = lifecycle.prepare();
		pgroll.start(MigrationLifecycle.yaml("01_add_note", ADD_COLUMN));
		try (Connection holder = database.connect()) {
			holdLock(holder, lifecycle.schema());
			CompletableFuture<CompleteResult> complete = CompletableFuture.supplyAsync(pgroll::complete);
			Thread.sleep(500);
			assertThat(complete).isNotDone();
			holder.rollback();
			assertThat(complete.get(30, TimeUnit.SECONDS).migration()).isEqualTo("01_add_note");
		}
	}

	@Test
	void clientsQueueBehindAWaitingStatementForAboutOneLockTimeoutNotForTheWholeLongTransaction(
			TestDatabase database) throws Exception {
		Duration lockTimeout = Duration.ofMillis(200);
		Duration held = Duration.ofSeconds(4);
		MigrationLifecycle lifecycle = MigrationLifecycle.in(database).given(TABLE)
			.configure((builder) -> builder.lockTimeout(lockTimeout).lockRetryTimeout(Duration.ofSeconds(30)));
		Pgroll pgroll = lifecycle.prepare();
		AtomicBoolean stop = new AtomicBoolean();
		AtomicLong slowestNanos = new AtomicLong();
		AtomicLong statements = new AtomicLong();
		CompletableFuture<Void> client = CompletableFuture.runAsync(() -> {
			try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
				int id = 0;
				while (!stop.get()) {
					long begin = System.nanoTime();
					statement.execute("INSERT INTO \"" + lifecycle.schema() + "\".accounts VALUES (" + (++id) + ")");
					statement.execute("SELECT count(*) FROM \"" + lifecycle.schema() + "\".accounts");
					slowestNanos.accumulateAndGet(System.nanoTime() - begin, Math::max);
					statements.addAndGet(2);
				}
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		});
		long startedAt;
		CompletableFuture<StartResult> start;
		try (Connection holder = database.connect()) {
			holdLock(holder, lifecycle.schema());
			startedAt = System.nanoTime();
			start = CompletableFuture.supplyAsync(() -> pgroll.start(MigrationLifecycle.yaml("01_add_note", ADD_COLUMN)));
			Thread.sleep(held.toMillis());
			assertThat(start).as("start keeps retrying while the lock is held").isNotDone();
			holder.rollback();
		}
		start.get(30, TimeUnit.SECONDS);
		long migrationMillis = Duration.ofNanos(System.nanoTime() - startedAt).toMillis();
		stop.set(true);
		client.get(30, TimeUnit.SECONDS);
		long slowestMillis = Duration.ofNanos(slowestNanos.get()).toMillis();
		System.out.printf("lock held %d ms, lock_timeout %d ms: start finished after %d ms; the client ran %d "
				+ "statements, slowest INSERT+SELECT pair %d ms%n", held.toMillis(), lockTimeout.toMillis(),
				migrationMillis, statements.get(), slowestMillis);
		assertThat(statements.get()).as("the client kept working while the lock was held").isGreaterThan(20);
		// Queued behind a waiting ALTER TABLE for one lock_timeout at most, plus the pause before its retry; had
		// the DDL waited without a timeout, the client would have stalled for the whole time the lock was held.
		assertThat(slowestMillis).isLessThan(held.toMillis() / 2);
	}

	@Test
	void aValidationAfterTheBackfillWaitsPastDeadlockTimeoutSoAutovacuumCanYield(TestDatabase database)
			throws Exception {
		// A large backfill wakes autovacuum, whose SHARE UPDATE EXCLUSIVE blocks VALIDATE CONSTRAINT; autovacuum
		// yields only to a request that waited deadlock_timeout (1 s). A session holding the same lock for 1.2 s
		// stands in for it: with 100 ms per try and a 300 ms budget, giving up at lock_timeout would fail the start.
		MigrationLifecycle lifecycle = MigrationLifecycle.in(database).given(TABLE)
			.givenRows("INSERT INTO accounts SELECT generate_series(1, 10)");
		CompletableFuture<Void> holding = new CompletableFuture<>();
		CountDownLatch held = new CountDownLatch(1);
		lifecycle.configure((builder) -> builder.lockTimeout(Duration.ofMillis(100))
			.lockRetryTimeout(Duration.ofMillis(300))
			.backfillListener((progress) -> {
				if (progress.finished() && held.getCount() > 0) {
					CompletableFuture.runAsync(() -> holdShareUpdateExclusive(database, lifecycle.schema(), held, holding));
					awaitQuietly(held);
				}
			}));
		Pgroll pgroll = lifecycle.prepare();
		StartResult started = pgroll.start(MigrationLifecycle.yaml("01_note_required", """
				operations:
				  - add_column:
				      table: accounts
				      up: "'none'"
				      column: {name: note, type: text}
				"""));
		holding.get(30, TimeUnit.SECONDS);
		assertThat(started.backfilledRows()).isEqualTo(10);
		assertThat(database.queryForString("SELECT convalidated::text FROM pg_constraint WHERE conname = "
				+ "'_pgroll_check_not_null_note' AND connamespace = '" + lifecycle.schema() + "'::regnamespace"))
			.isEqualTo("true");
	}

	private static void holdShareUpdateExclusive(TestDatabase database, String schema, CountDownLatch held,
			CompletableFuture<Void> holding) {
		try (Connection holder = database.connect(); Statement statement = holder.createStatement()) {
			holder.setAutoCommit(false);
			statement.execute("LOCK TABLE \"" + schema + "\".accounts IN SHARE UPDATE EXCLUSIVE MODE");
			held.countDown();
			Thread.sleep(1200);
			holder.rollback();
			holding.complete(null);
		}
		catch (Exception ex) {
			held.countDown();
			holding.completeExceptionally(ex);
		}
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static int pid(Connection connection) throws Exception {
		return connection.unwrap(PGConnection.class).getBackendPID();
	}

	/** An open transaction that read the table: it holds ACCESS SHARE, which blocks every ALTER TABLE. */
	private static void holdLock(Connection holder, String schema) throws Exception {
		holder.setAutoCommit(false);
		try (Statement statement = holder.createStatement()) {
			statement.execute("SELECT * FROM \"" + schema + "\".accounts");
		}
	}

}
