package dev.pgroll4j.core;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.pgroll4j.core.testing.MigrationLifecycle;
import dev.pgroll4j.core.testing.SchemaVersion;
import dev.pgroll4j.test.PostgresTest;
import dev.pgroll4j.test.TestDatabase;

import static dev.pgroll4j.core.testing.Leftovers.assertNoLeftovers;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The new version schema exists before the backfill ends, so its clients can update rows the backfill has not
 * reached. Such a write clears the row's backfill marker; the columns it leaves alone must still get their
 * {@code up} value, and the columns it sets keep what it set, even a value equal to the placeholder.
 */
@PostgresTest
@Tag("operations")
class NewVersionWritesDuringBackfillTests {

	private static final String SETUP = """
			operations:
			  - create_table:
			      name: items
			      columns:
			        - {name: id, type: integer, pk: true}
			        - {name: name, type: text}
			        - {name: qty, type: text}
			        - {name: note, type: text, nullable: true}
			""";

	private static final String RETYPE_BOTH = """
			operations:
			  - alter_column: {table: items, column: qty, type: integer, up: "CAST(qty AS integer)", down: "CAST(qty AS text)"}
			  - alter_column: {table: items, column: note, type: varchar(40), up: upper(note), down: lower(note)}
			""";

	@Test
	void anUpdateOfAnUnreachedRowKeepsTheUpValuesOfTheColumnsItLeavesAlone(TestDatabase database) {
		MigrationLifecycle lifecycle = lifecycle(database);
		startPausingAfterTheFirstBatch(lifecycle, (next) -> {
			assertThat(next.execute("UPDATE items SET name = 'renamed' WHERE id = 4")).isOne();
		});
		SchemaVersion next = lifecycle.version(lifecycle.schema() + "_500_under_test");
		assertThat(next.query("SELECT name, qty, note FROM items WHERE id = 4"))
			.containsExactly(Map.of("name", "renamed", "qty", 4, "note", "NOTE-4"));
		SchemaVersion previous = lifecycle.version(lifecycle.schema() + "_001_rows");
		assertThat(previous.query("SELECT name, qty, note FROM items WHERE id = 4"))
			.containsExactly(Map.of("name", "renamed", "qty", "4", "note", "note-4"));
		lifecycle.pgroll().complete();
		assertThat(next.query("SELECT name, qty, note FROM items WHERE id = 4"))
			.containsExactly(Map.of("name", "renamed", "qty", 4, "note", "NOTE-4"));
		assertNoLeftovers(lifecycle.version(lifecycle.schema()), "items");
	}

	@Test
	void aValueTheUpdateSetsWinsEvenWhenItEqualsThePlaceholderOfAnUnreachedRow(TestDatabase database) {
		MigrationLifecycle lifecycle = lifecycle(database);
		startPausingAfterTheFirstBatch(lifecycle, (next) -> {
			// NULL is what the new note column holds until the backfill reaches the row.
			assertThat(next.execute("UPDATE items SET note = NULL WHERE id = 3")).isOne();
			assertThat(next.execute("UPDATE items SET qty = 30, note = NULL WHERE id = 2")).isOne();
		});
		SchemaVersion next = lifecycle.version(lifecycle.schema() + "_500_under_test");
		assertThat(next.query("SELECT id, qty, note FROM items WHERE id IN (2, 3) ORDER BY id")).containsExactly(
				nullNote(Map.of("id", 2, "qty", 30)), nullNote(Map.of("id", 3, "qty", 3)));
		lifecycle.pgroll().rollback();
		SchemaVersion previous = lifecycle.version(lifecycle.schema() + "_001_rows");
		assertThat(previous.query("SELECT id, qty, note FROM items WHERE id IN (2, 3) ORDER BY id")).containsExactly(
				nullNote(Map.of("id", 2, "qty", "30")), nullNote(Map.of("id", 3, "qty", "3")));
	}

	private static Map<String, Object> nullNote(Map<String, Object> values) {
		Map<String, Object> row = new LinkedHashMap<>(values);
		row.put("note", null);
		return row;
	}

	private static MigrationLifecycle lifecycle(TestDatabase database) {
		return MigrationLifecycle.in(database)
			.given(SETUP)
			.givenRows("INSERT INTO items SELECT g, 'item-' || g, g::text, 'note-' || g FROM generate_series(1, 5) g");
	}

	/**
	 * Starts {@link #RETYPE_BOTH} one row per batch and, after the first batch, runs the writes through the new
	 * version while rows 2 to 5 still wait for the backfill.
	 */
	private static void startPausingAfterTheFirstBatch(MigrationLifecycle lifecycle, Consumer<SchemaVersion> writes) {
		AtomicBoolean wrote = new AtomicBoolean();
		SchemaVersion next = lifecycle.version(lifecycle.schema() + "_500_under_test");
		SchemaVersion physical = lifecycle.version(lifecycle.schema());
		lifecycle.configure((builder) -> builder.backfillBatchSize(1).backfillListener((progress) -> {
			if (!progress.finished() && progress.rowsDone() >= 1 && wrote.compareAndSet(false, true)) {
				assertThat(physical.value("SELECT count(*) FROM items WHERE _pgroll_needs_backfill")).isEqualTo(4L);
				writes.accept(next);
			}
		}));
		// The lifecycle's engines know the file, so the test's later complete or rollback may use a new one.
		lifecycle.migration(RETYPE_BOTH);
		Pgroll pgroll = lifecycle.prepare();
		pgroll.start(MigrationLifecycle.yaml("500_under_test", RETYPE_BOTH));
		assertThat(wrote).as("the writes ran while the backfill was under way").isTrue();
	}

}
