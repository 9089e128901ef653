package dev.pgroll4j.core;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.pgroll4j.core.testing.MigrationLifecycle;
import dev.pgroll4j.test.PostgresTest;
import dev.pgroll4j.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** A rate cap paces the backfill, and progress reports carry its rate and the time it has left. */
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
	void aNegativeCapIsRefused() {
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> Pgroll.configure().dataSource(new org.postgresql.ds.PGSimpleDataSource())
				.backfillMaxRowsPerSecond(-1)
				.build())
			.withMessage("backfillMaxRowsPerSecond must not be negative, was -1");
	}

}
