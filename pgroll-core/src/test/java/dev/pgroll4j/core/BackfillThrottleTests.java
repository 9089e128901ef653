package dev.pgroll4j.core;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.pgroll4j.core.testing.MigrationLifecycle;
import dev.pgroll4j.core.testing.SchemaVersion;
import dev.pgroll4j.test.PostgresTest;
import dev.pgroll4j.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A rate cap paces the backfill, progress reports carry its rate and the time it has left, and the backfill ends at
 * the rows there were when it began.
 */
@PostgresTest
@Tag("operations")
class BackfillThrottleTests {

	private static final String ITEMS = """
			operations:
			  - create_table:
			      name: items
			      columns:
			        - {name: id, type: integer, pk: true}
			        - {name: qty, type: text}
			""";

	private static final String RETYPE = """
			operations:
			  - alter_column: {table: items, column: qty, type: integer, up: "CAST(qty AS integer)", down: "CAST(qty AS text)"}
			""";

	@Test
	void aRateCapKeepsTheBackfillAtOrBelowItAndProgressReportsRateAndTimeLeft(TestDatabase database) {
		List<BackfillProgress> reports = new CopyOnWriteArrayList<>();
		MigrationLifecycle lifecycle = MigrationLifecycle.in(database)
			.given(ITEMS)
			.givenRows("INSERT INTO items SELECT g, g::text FROM generate_series(1, 300) g", "ANALYZE items")
			.configure((builder) -> builder.backfillBatchSize(50)
				.backfillMaxRowsPerSecond(1000)
				.backfillListener(reports::add));
		Pgroll pgroll = lifecycle.prepare();
		reports.clear();
		pgroll.start(MigrationLifecycle.yaml("01_retype", RETYPE));

		assertThat(reports).hasSize(7);
		BackfillProgress last = reports.get(reports.size() - 1);
		assertThat(last.finished()).isTrue();
		assertThat(last.rowsDone()).isEqualTo(300);
		// 300 rows at no more than 1,000 a second cannot take less than 0.3 s.
		assertThat(last.elapsed()).isGreaterThanOrEqualTo(Duration.ofMillis(300));
		assertThat(last.rowsPerSecond()).isPositive().isLessThanOrEqualTo(1000);
		assertThat(last.estimatedRemaining()).isEqualTo(Duration.ZERO);
		BackfillProgress first = reports.get(0);
		assertThat(first.finished()).isFalse();
		assertThat(first.rowsDone()).isEqualTo(50);
		assertThat(first.rowsTotal()).isEqualTo(300);
		assertThat(first.estimatedRemaining()).isPositive();
		assertThat(lifecycle.version(lifecycle.schema() + "_01_retype").value("SELECT sum(qty)::bigint FROM items"))
			.isEqualTo(45150L);
	}

	@Test
	void rowsInsertedWhileTheBackfillRunsDoNotKeepItGoing(TestDatabase database) {
		List<BackfillProgress> reports = new CopyOnWriteArrayList<>();
		MigrationLifecycle lifecycle = MigrationLifecycle.in(database)
			.given(ITEMS)
			.givenRows("INSERT INTO items SELECT g, g::text FROM generate_series(1, 300) g", "ANALYZE items");
		String items = lifecycle.schema() + ".items";
		AtomicInteger inserted = new AtomicInteger(300);
		// After every batch an old-version client inserts twice a batch's rows above every key so far: a backfill
		// that followed them would never catch up (the client gives up after 50 batches, so such a test ends).
		lifecycle.configure((builder) -> builder.backfillBatchSize(50).backfillListener((progress) -> {
			reports.add(progress);
			if (!progress.finished() && reports.size() <= 50) {
				int from = inserted.getAndAdd(100) + 1;
				database.execute("INSERT INTO " + items + " SELECT g, g::text FROM generate_series(" + from + ", "
						+ (from + 99) + ") g");
			}
		}));
		Pgroll pgroll = lifecycle.prepare();
		reports.clear();
		pgroll.start(MigrationLifecycle.yaml("01_retype", RETYPE));

		// The 300 rows there were when it began, in batches of 50, and the final report.
		assertThat(reports).hasSize(7);
		assertThat(reports.get(reports.size() - 1).rowsDone()).isEqualTo(300);
		// The trigger filled the rows inserted meanwhile.
		SchemaVersion next = lifecycle.version(lifecycle.schema() + "_01_retype");
		assertThat(next.value("SELECT count(*) FROM items")).isEqualTo((long) inserted.get());
		assertThat(next.value("SELECT count(*) FROM items WHERE qty IS DISTINCT FROM id")).isEqualTo(0L);
	}

	@Test
	void aNegativeCapIsRefused() {
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> Pgroll.configure().dataSource(new org.postgresql.ds.PGSimpleDataSource())
				.backfillMaxRowsPerSecond(-1)
				.build())
			.withMessage("backfillMaxRowsPerSecond must not be negative, was -1");
	}

}
