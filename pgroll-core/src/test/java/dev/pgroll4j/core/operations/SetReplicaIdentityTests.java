package dev.pgroll4j.core.operations;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.pgroll4j.core.MigrationValidationException;
import dev.pgroll4j.core.PgrollException;
import dev.pgroll4j.core.Pgroll;
import dev.pgroll4j.core.testing.MigrationLifecycle;
import dev.pgroll4j.core.testing.SchemaVersion;
import dev.pgroll4j.test.CatalogSnapshot;
import dev.pgroll4j.test.PostgresTest;
import dev.pgroll4j.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@PostgresTest
@Tag("operations")
class SetReplicaIdentityTests {

	/** code is NOT NULL with a unique index, the shape PostgreSQL demands of a replica identity index. */
	private static final String EVENTS = "CREATE TABLE events (id integer PRIMARY KEY, code text NOT NULL, note text)";

	private static final String CODE_INDEX = "CREATE UNIQUE INDEX events_code_idx ON events (code)";

	/**
	 * The lifecycle's catalog comparison after rollback includes each table's replica identity, so every case also
	 * proves that rollback restores the identity the table had before (pgroll leaves the new one in place).
	 */
	@ParameterizedTest(name = "{0} -> {1} {2}")
	@CsvSource(delimiter = '|', nullValues = "-", textBlock = """
			DEFAULT                     | FULL    | -                | full
			DEFAULT                     | nothing | -                | nothing
			FULL                        | DEFAULT | -                | default
			DEFAULT                     | INDEX   | events_code_idx  | index:events_code_idx
			USING INDEX events_code_idx | index   | events_pkey      | index:events_pkey
			NOTHING                     | Full    | -                | full
			""")
	void identityIsAppliedAtStartAndRollbackRestoresThePreviousOne(String initial, String type, String index,
			String expected, TestDatabase database) {
		String identity = (index != null) ? "{type: %s, index: %s}".formatted(type, index) : "{type: %s}".formatted(type);
		String previous = describe(initial);
		MigrationLifecycle.in(database)
			.givenRows(EVENTS, CODE_INDEX, "ALTER TABLE events REPLICA IDENTITY " + initial)
			.migration("""
					operations:
					  - set_replica_identity: {table: events, identity: %s}
					""".formatted(identity))
			.afterStart((v) -> {
				// Replication sees the physical table, so the identity applies to both versions at once.
				assertThat(replicaIdentity(v.physical())).isEqualTo(expected);
				v.previous().execute("INSERT INTO events VALUES (1, 'a')");
				v.next().execute("UPDATE events SET note = 'n' WHERE id = 1");
			})
			.afterRollback((v) -> assertThat(replicaIdentity(v.physical())).isEqualTo(previous))
			.afterComplete((v) -> assertThat(replicaIdentity(v.physical())).isEqualTo(expected))
			.run();
	}

	@Test
	void identityCanUseAUniqueIndexCreatedEarlierInTheSameMigration(TestDatabase database) {
		MigrationLifecycle.in(database)
			.givenRows(EVENTS, "INSERT INTO events VALUES (1, 'a'), (2, 'b')")
			.migration("""
					operations:
					  - create_index: {table: events, name: events_code_key, unique: true, columns: [{column: code}]}
					  - set_replica_identity: {table: events, identity: {type: index, index: events_code_key}}
					""")
			.afterStart((v) -> assertThat(replicaIdentity(v.physical())).isEqualTo("index:events_code_key"))
			.afterRollback((v) -> assertThat(replicaIdentity(v.physical())).isEqualTo("default"))
			.afterComplete((v) -> assertThat(replicaIdentity(v.physical())).isEqualTo("index:events_code_key"))
			.run();
	}

	@Test
	void identityIsRestoredWhenALaterOperationOfTheSameStartFails(TestDatabase database) {
		Pgroll pgroll = MigrationLifecycle.in(database)
			.givenRows(EVENTS, CODE_INDEX, "ALTER TABLE events REPLICA IDENTITY USING INDEX events_code_idx",
					"INSERT INTO events VALUES (1, 'a', 'same'), (2, 'b', 'same')")
			.prepare();
		CatalogSnapshot before = database.catalogSnapshot();

		// The unique index build fails on the duplicate notes after the start transaction committed.
		assertThatThrownBy(() -> pgroll.start(MigrationLifecycle.yaml("500_identity_then_failure", """
				operations:
				  - set_replica_identity: {table: events, identity: {type: full}}
				  - create_index: {table: events, name: events_note_key, unique: true, columns: [{column: note}]}
				""")))
			.isInstanceOf(PgrollException.class)
			.hasMessageContaining("events_note_key");
		assertThat(before.diff(database.catalogSnapshot())).as("catalog changes left by the failed start").isEmpty();
	}

	@Test
	void indexIdentityNeedsAnIndexOfTheTable(TestDatabase database) {
		Pgroll pgroll = MigrationLifecycle.in(database).givenRows(EVENTS).prepare();
		CatalogSnapshot before = database.catalogSnapshot();

		assertThatThrownBy(() -> pgroll.start(MigrationLifecycle.yaml("500_missing_index", """
				operations:
				  - set_replica_identity: {table: events, identity: {type: index, index: events_nope}}
				""")))
			.isInstanceOf(MigrationValidationException.class)
			.hasMessage("500_missing_index.yaml: operations[0] (set_replica_identity), field identity.index: "
					+ "index \"events_nope\" does not exist on table \"events\"");
		assertThatThrownBy(() -> pgroll.start(MigrationLifecycle.yaml("500_no_index", """
				operations:
				  - set_replica_identity: {table: events, identity: {type: index}}
				""")))
			.isInstanceOf(MigrationValidationException.class)
			.hasMessageStartingWith("500_no_index.yaml: operations[0] (set_replica_identity), field identity.index");
		assertThatThrownBy(() -> pgroll.start(MigrationLifecycle.yaml("500_bad_type", """
				operations:
				  - set_replica_identity: {table: events, identity: {type: everything}}
				""")))
			.isInstanceOf(MigrationValidationException.class)
			.hasMessageStartingWith("500_bad_type.yaml: operations[0] (set_replica_identity), field identity.type")
			.hasMessageContaining("DEFAULT, FULL, INDEX, NOTHING");
		assertThat(before.diff(database.catalogSnapshot())).isEmpty();
	}

	@Test
	void indexThatCannotIdentifyRowsIsRejectedAndChangesNothing(TestDatabase database) {
		Pgroll pgroll = MigrationLifecycle.in(database)
			.givenRows(EVENTS, "CREATE INDEX events_note_idx ON events (note)")
			.prepare();
		CatalogSnapshot before = database.catalogSnapshot();

		// PostgreSQL only accepts a unique, non-partial, immediate index on NOT NULL columns.
		assertThatThrownBy(() -> pgroll.start(MigrationLifecycle.yaml("500_non_unique", """
				operations:
				  - set_replica_identity: {table: events, identity: {type: INDEX, index: events_note_idx}}
				""")))
			.isInstanceOf(PgrollException.class)
			.hasMessageContaining("500_non_unique.yaml")
			.hasMessageContaining("operations[0] (set_replica_identity)")
			.hasMessageContaining("events_note_idx");
		assertThat(before.diff(database.catalogSnapshot())).isEmpty();
	}

	private static String replicaIdentity(SchemaVersion version) {
		return (String) version.value("""
				SELECT CASE c.relreplident WHEN 'd' THEN 'default' WHEN 'f' THEN 'full' WHEN 'n' THEN 'nothing'
				    ELSE 'index:' || (SELECT ic.relname FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
				                      WHERE i.indrelid = c.oid AND i.indisreplident) END
				FROM pg_class c WHERE c.oid = 'events'::regclass
				""");
	}

	private static String describe(String alterClause) {
		return alterClause.startsWith("USING INDEX ") ? "index:" + alterClause.substring("USING INDEX ".length())
				: alterClause.toLowerCase();
	}

}
