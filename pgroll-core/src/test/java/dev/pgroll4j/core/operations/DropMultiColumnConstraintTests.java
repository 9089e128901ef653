package dev.pgroll4j.core.operations;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.pgroll4j.core.MigrationValidationException;
import dev.pgroll4j.core.Pgroll;
import dev.pgroll4j.core.testing.MigrationLifecycle;
import dev.pgroll4j.test.CatalogSnapshot;
import dev.pgroll4j.test.PostgresTest;
import dev.pgroll4j.test.TestDatabase;

import static dev.pgroll4j.core.testing.Leftovers.assertNoTriggerFunctionColumnOrRelation;
import static dev.pgroll4j.core.testing.Rows.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@PostgresTest
@Tag("operations")
class DropMultiColumnConstraintTests {

	private static final String BOOKINGS = """
			operations:
			  - create_table:
			      name: bookings
			      columns:
			        - {name: id, type: integer, pk: true}
			        - {name: room, type: integer}
			        - {name: day, type: integer}
			        - {name: starts, type: integer}
			        - {name: ends, type: integer}
			      constraints:
			        - {name: bookings_period_check, type: check, check: starts < ends}
			        - {name: bookings_room_day_key, type: unique, columns: [room, day]}
			""";

	private static final String ROWS = "INSERT INTO bookings VALUES (1, 1, 1, 9, 17), (2, 1, 2, 10, 12)";

	@Test
	void droppedTwoColumnCheckStillBindsTheOldVersionAndUpDefaultsToTheColumns(TestDatabase database) {
		MigrationLifecycle.in(database).given(BOOKINGS).givenRows(ROWS).migration("""
				operations:
				  - drop_multicolumn_constraint:
				      table: bookings
				      name: bookings_period_check
				      up:
				        starts: starts
				      down:
				        starts: least(starts, ends)
				        ends: "CASE WHEN starts = ends THEN ends + 1 ELSE greatest(starts, ends) END"
				""").afterStart((v) -> {
			assertThat(v.next().columns("bookings")).containsExactly("id", "room", "day", "starts", "ends");
			v.next().execute("INSERT INTO bookings VALUES (3, 2, 1, 18, 8)");
			assertThat(v.next().query("SELECT starts, ends FROM bookings WHERE id = 3"))
				.containsExactly(row("starts", 18, "ends", 8));
			assertThat(v.previous().query("SELECT starts, ends FROM bookings WHERE id = 3"))
				.containsExactly(row("starts", 8, "ends", 18));
			v.next().execute("INSERT INTO bookings VALUES (4, 3, 1, 5, 5)");
			assertThat(v.previous().query("SELECT starts, ends FROM bookings WHERE id = 4"))
				.containsExactly(row("starts", 5, "ends", 6));

			v.previous().assertFails("23514", "INSERT INTO bookings VALUES (5, 4, 1, 20, 10)");
			// ends has no up entry: the copy takes the old column's value.
			v.previous().execute("UPDATE bookings SET ends = 20 WHERE id = 2");
			assertThat(v.next().query("SELECT starts, ends FROM bookings WHERE id = 2"))
				.containsExactly(row("starts", 10, "ends", 20));
			// The other constraint, over other columns, binds both versions as before.
			v.next().assertFails("23505", "INSERT INTO bookings VALUES (6, 1, 1, 1, 2)");
			assertThat(v.physical().constraints("bookings")).contains("bookings_period_check c true");
		}).afterRollback((v) -> {
			assertThat(v.previous().query("SELECT starts, ends FROM bookings WHERE id = 3"))
				.containsExactly(row("starts", 8, "ends", 18));
			v.previous().assertFails("23514", "INSERT INTO bookings VALUES (5, 4, 1, 20, 10)");
		}).afterComplete((v) -> {
			assertThat(v.physical().constraints("bookings")).containsExactly("bookings_pkey p true",
					"bookings_room_day_key u true");
			v.next().execute("INSERT INTO bookings VALUES (7, 5, 1, 20, 10)");
			assertThat(v.next().query("SELECT starts, ends FROM bookings ORDER BY id"))
				.extracting((r) -> r.get("starts") + "-" + r.get("ends"))
				.containsExactly("9-17", "10-20", "8-18", "5-6", "20-10");
			assertThat(v.next().columns("bookings")).containsExactly("id", "room", "day", "starts", "ends");
			assertNoTriggerFunctionColumnOrRelation(v.physical(), "bookings");
		}).run();
	}

	@Test
	void droppedTwoColumnUniqueStillBindsTheOldVersionAndDownMovesConflictsAside(TestDatabase database) {
		// The column aliases keep the subquery's columns apart from the row's own room, day and id.
		MigrationLifecycle.in(database).given(BOOKINGS).givenRows(ROWS).migration("""
				operations:
				  - drop_multicolumn_constraint:
				      table: bookings
				      name: bookings_room_day_key
				      down:
				        room: room
				        day: >-
				          CASE WHEN EXISTS (SELECT 1 FROM bookings AS b(b_id, b_room, b_day)
				          WHERE b_room = room AND b_day = day AND b_id <> id) THEN -id ELSE day END
				""").afterStart((v) -> {
			v.next().execute("INSERT INTO bookings VALUES (3, 1, 1, 9, 10)");
			assertThat(v.next().value("SELECT count(*) FROM bookings WHERE room = 1 AND day = 1")).isEqualTo(2L);
			assertThat(v.previous().value("SELECT day FROM bookings WHERE id = 3")).isEqualTo(-3);
			v.next().execute("INSERT INTO bookings VALUES (4, 2, 1, 9, 10)");
			assertThat(v.previous().value("SELECT day FROM bookings WHERE id = 4")).isEqualTo(1);

			v.previous().assertFails("23505", "INSERT INTO bookings VALUES (5, 1, 2, 1, 2)");
			v.previous().execute("INSERT INTO bookings VALUES (6, 5, 5, 1, 2)");
			assertThat(v.next().query("SELECT room, day FROM bookings WHERE id = 6"))
				.containsExactly(row("room", 5, "day", 5));
			// The untouched check still binds the new version.
			v.next().assertFails("23514", "INSERT INTO bookings VALUES (7, 9, 9, 2, 1)");
			assertThat(v.physical().constraints("bookings")).contains("bookings_room_day_key u true");
		}).afterRollback((v) -> assertThat(v.previous().query("SELECT day FROM bookings ORDER BY id"))
			.extracting((r) -> r.get("day"))
			.containsExactly(1, 2, -3, 1, 5)).afterComplete((v) -> {
				assertThat(v.physical().constraints("bookings")).containsExactly("bookings_period_check c true",
						"bookings_pkey p true");
				assertThat(v.physical().value("SELECT to_regclass('bookings_room_day_key')")).isNull();
				v.next().execute("INSERT INTO bookings VALUES (8, 1, 1, 9, 10)");
				assertThat(v.next().value("SELECT count(*) FROM bookings WHERE room = 1 AND day = 1")).isEqualTo(2L);
				assertNoTriggerFunctionColumnOrRelation(v.physical(), "bookings");
			}).run();
	}

	@Test
	void droppedTwoColumnForeignKeyStillBindsTheOldVersion(TestDatabase database) {
		MigrationLifecycle.in(database).given(BOOKINGS).given("""
				operations:
				  - create_table:
				      name: cleanings
				      columns:
				        - {name: id, type: integer, pk: true}
				        - {name: room, type: integer, nullable: true}
				        - {name: day, type: integer, nullable: true}
				      constraints:
				        - name: cleanings_booking_fk
				          type: foreign_key
				          columns: [room, day]
				          references: {table: bookings, columns: [room, day]}
				""").givenRows(ROWS, "INSERT INTO cleanings VALUES (1, 1, 1)").migration("""
				operations:
				  - drop_multicolumn_constraint:
				      table: cleanings
				      name: cleanings_booking_fk
				      down:
				        room: "CASE WHEN (room, day) IN (SELECT room, day FROM bookings) THEN room END"
				        day: day
				""").afterStart((v) -> {
			v.next().execute("INSERT INTO cleanings VALUES (2, 7, 7)");
			assertThat(v.previous().query("SELECT room, day FROM cleanings WHERE id = 2"))
				.containsExactly(row("room", null, "day", 7));
			v.previous().assertFails("23503", "INSERT INTO cleanings VALUES (3, 7, 7)");
		}).afterComplete((v) -> {
			assertThat(v.physical().constraints("cleanings")).containsExactly("cleanings_pkey p true");
			v.next().execute("INSERT INTO cleanings VALUES (4, 8, 8)");
			// bookings lost nothing: its key no longer has a foreign key pointing at it.
			v.next().execute("DELETE FROM bookings WHERE id = 1");
			assertNoTriggerFunctionColumnOrRelation(v.physical(), "cleanings");
		}).run();
	}

	@Test
	void downNeedsAnEntryForEveryColumnOfTheConstraint(TestDatabase database) {
		Pgroll pgroll = MigrationLifecycle.in(database).given(BOOKINGS).prepare();
		CatalogSnapshot before = database.catalogSnapshot();
		assertThatThrownBy(() -> pgroll.start(MigrationLifecycle.yaml("500_under_test", """
				operations:
				  - drop_multicolumn_constraint:
				      table: bookings
				      name: bookings_room_day_key
				      up: {room: room, day: day}
				      down: {room: room}
				""")))
			.isInstanceOf(MigrationValidationException.class)
			.hasMessageStartingWith("500_under_test.yaml: operations[0] (drop_multicolumn_constraint), field down.day: ");
		assertThatThrownBy(() -> pgroll.start(MigrationLifecycle.yaml("500_under_test", """
				operations:
				  - drop_multicolumn_constraint:
				      table: bookings
				      name: bookings_room_day_key
				""")))
			.isInstanceOf(MigrationValidationException.class)
			.hasMessageStartingWith("500_under_test.yaml: operations[0] (drop_multicolumn_constraint), field down: ");
		assertThat(before.diff(database.catalogSnapshot())).isEmpty();
		assertThat(pgroll.status().activeMigration()).isNull();
	}

}
