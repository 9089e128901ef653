package dev.pgroll4j.core.operations;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.pgroll4j.core.MigrationExecutionException;
import dev.pgroll4j.core.MigrationValidationException;
import dev.pgroll4j.core.Pgroll;
import dev.pgroll4j.core.migration.MigrationParser;
import dev.pgroll4j.test.CatalogSnapshot;
import dev.pgroll4j.test.PostgresTest;
import dev.pgroll4j.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The SQL of a {@code sql} operation runs inside the engine's transaction and as the role it migrates as
 * ({@code pgroll.role}). Transaction control and role changes are refused when the file is validated; the forms a
 * lexical check cannot see (inside a DO block, a procedure, a computed setting name) fail when they run, at start,
 * at complete and at rollback, and leave the database as it was.
 */
@PostgresTest
@Tag("operations")
class SqlOperationContainmentTests {

	private static final String OWNER = "pgroll_contained_owner";

	private static final String ITEMS = """
			operations:
			  - create_table:
			      name: items
			      columns:
			        - {name: id, type: integer, pk: true}
			        - {name: label, type: text, nullable: true}
			""";

	private static TestDatabase database;

	private static Pgroll pgroll;

	@BeforeAll
	static void migrateAsAnOwnerRole(TestDatabase server) {
		server.execute("DO $$ BEGIN CREATE ROLE " + OWNER + " NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$");
		database = server.createSibling("contained");
		database.execute("GRANT CREATE ON DATABASE \"" + database.name() + "\" TO " + OWNER,
				"CREATE SCHEMA shop AUTHORIZATION " + OWNER);
		pgroll = owner(database);
		pgroll.start(MigrationParser.parse("01_items.yaml", ITEMS));
		pgroll.complete();
		database.execute("INSERT INTO shop.items VALUES (1, 'one')");
	}

	private static Pgroll owner(TestDatabase target) {
		return Pgroll.configure().dataSource(target.dataSource()).schema("shop").role(OWNER).load();
	}

	@ParameterizedTest
	@ValueSource(strings = { "COMMIT", "RESET ROLE", "SET ROLE postgres", "SET SESSION AUTHORIZATION DEFAULT",
			"SELECT set_config('role', session_user, false)", "ROLLBACK", "RESET ALL" })
	void validationRefusesTransactionControlAndRoleChangesNamingTheField(String up) {
		CatalogSnapshot before = database.catalogSnapshot();

		assertThatThrownBy(() -> pgroll.validate(MigrationParser.parse("02_refused.yaml", """
				operations:
				  - sql:
				      up: "CREATE TABLE shop.made_first (id integer); %s"
				""".formatted(up))))
			.isInstanceOf(MigrationValidationException.class)
			.hasMessageStartingWith("02_refused.yaml: operations[0] (sql), field up: the SQL contains ");
		assertThat(before.diff(database.catalogSnapshot())).isEmpty();
	}

	/** What only shows when it runs: each fails the start, which leaves nothing behind. */
	@ParameterizedTest
	@ValueSource(strings = { "DO $$ BEGIN EXECUTE 'RESET ROLE'; END $$",
			"SELECT set_config('ro' || 'le', session_user, false)",
			"DO $$ BEGIN PERFORM set_config('session_authorization', session_user, false); END $$",
			"DO $$ BEGIN COMMIT; END $$", "DO $$ BEGIN EXECUTE 'SAVEPOINT s'; END $$",
			"CREATE PROCEDURE shop.commits() LANGUAGE plpgsql AS $p$ BEGIN COMMIT; END $p$; CALL shop.commits()",
			"DO $$ BEGIN EXECUTE 'SET standard_conforming_strings = off'; END $$",
			// The SQL runs as the role that owns the engine's temporary function: replacing it with one that is no
			// security definer, and then changing the role only for a moment, must not get past either.
			"CREATE OR REPLACE FUNCTION pg_temp._pgroll_contained(statement text, single boolean) RETURNS void "
					+ "LANGUAGE plpgsql AS $f$ BEGIN EXECUTE statement; END $f$; DO $d$ BEGIN EXECUTE 'RESET ROLE'; "
					+ "EXECUTE 'CREATE TABLE shop.made_by_the_login_role ()'; EXECUTE 'SET ROLE " + OWNER + "'; END $d$",
			"CREATE FUNCTION pg_temp._pgroll_contained(statement varchar, single boolean) RETURNS void "
					+ "LANGUAGE plpgsql AS $f$ BEGIN EXECUTE statement; END $f$; DO $d$ BEGIN EXECUTE 'RESET ROLE'; "
					+ "EXECUTE 'CREATE TABLE shop.made_by_the_login_role ()'; EXECUTE 'SET ROLE " + OWNER + "'; END $d$" })
	void roleChangesAndTransactionControlThatOnlyShowWhenTheyRunFailTheStartAndChangeNothing(String up) {
		CatalogSnapshot before = database.catalogSnapshot();

		assertThatThrownBy(() -> pgroll.start(MigrationParser.parse("02_contained.yaml", """
				operations:
				  - sql:
				      up: "CREATE TABLE shop.made_first (id integer); %s; CREATE TABLE shop.made_after (id integer)"
				      down: DROP TABLE IF EXISTS shop.made_first, shop.made_after
				""".formatted(up.replace("\"", "\\\"")))))
			.isInstanceOf(MigrationExecutionException.class)
			.hasMessageContaining("02_contained.yaml operations[0] (sql), field up failed: ")
			.hasMessageContaining("\n  statement: ");
		assertThat(before.diff(database.catalogSnapshot())).as("catalog changes").isEmpty();
		assertThat(pgroll.status().activeMigration()).isNull();
	}

	@Test
	void theSqlRunsAsTheConfiguredRoleWhichOwnsWhatItCreatesAndTheVersionSchema() {
		pgroll.start(MigrationParser.parse("02_gadgets.yaml", """
				operations:
				  - sql:
				      up: CREATE TABLE shop.gadgets (id integer)
				"""));
		try {
			assertThat(database.queryForString("SELECT tableowner FROM pg_tables WHERE tablename = 'gadgets'"))
				.isEqualTo(OWNER);
			assertThat(database.queryForString("SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = "
					+ "'shop_02_gadgets'")).isEqualTo(OWNER);
		}
		finally {
			pgroll.rollback();
		}
	}

	@Test
	void aRoleChangeAtCompleteFailsTheCompleteAndTheMigrationCanStillBeRolledBack() {
		CatalogSnapshot beforeStart = database.catalogSnapshot();
		pgroll.start(MigrationParser.parse("02_on_complete.yaml", """
				operations:
				  - add_column:
				      table: items
				      column: {name: note, type: text, nullable: true}
				  - sql:
				      up: "DO $$ BEGIN EXECUTE 'RESET ROLE'; END $$"
				      onComplete: true
				"""));
		CatalogSnapshot started = database.catalogSnapshot();

		assertThatThrownBy(pgroll::complete).isInstanceOf(MigrationExecutionException.class)
			.hasMessageContaining("operations[1] (sql), field up failed: ")
			.hasMessageContaining("cannot set parameter \"role\"");

		assertThat(started.diff(database.catalogSnapshot())).as("catalog changes by the failed complete").isEmpty();
		assertThat(pgroll.status().activeMigration().name()).isEqualTo("02_on_complete");
		pgroll.rollback();
		assertThat(beforeStart.diff(database.catalogSnapshot())).isEmpty();
	}

	@ParameterizedTest
	@ValueSource(strings = { "DO $$ BEGIN COMMIT; END $$|invalid transaction termination",
			"DO $$ BEGIN EXECUTE 'RESET ROLE'; END $$|cannot set parameter \"role\"" })
	void aCommitOrRoleChangeInDownFailsTheRollbackAndCommitsNoneOfIt(String downAndError, TestDatabase server) {
		String[] parts = downAndError.split("\\|");
		TestDatabase own = server.createSibling("down" + Math.abs(parts[0].hashCode()));
		own.execute("GRANT CREATE ON DATABASE \"" + own.name() + "\" TO " + OWNER, "CREATE SCHEMA shop AUTHORIZATION " + OWNER);
		Pgroll migrating = owner(own);
		migrating.start(MigrationParser.parse("01_gadgets.yaml", """
				operations:
				  - sql:
				      up: CREATE TABLE shop.gadgets (id integer)
				      down: "DROP TABLE shop.gadgets; %s"
				""".formatted(parts[0])));
		CatalogSnapshot started = own.catalogSnapshot();

		assertThatThrownBy(migrating::rollback).isInstanceOf(MigrationExecutionException.class)
			.hasMessageContaining("operations[0] (sql), field down failed: " + parts[1]);

		assertThat(started.diff(own.catalogSnapshot())).as("catalog changes by the failed rollback").isEmpty();
		assertThat(migrating.status().activeMigration().name()).isEqualTo("01_gadgets");
	}

	@Test
	void ordinarySqlRunsEachStatementOnceWithItsSettingsAndRoutineBodies() {
		pgroll.start(MigrationParser.parse("02_ordinary.yaml", """
				operations:
				  - sql:
				      up: |
				        SET search_path TO shop;
				        CREATE SEQUENCE moves;
				        WITH moved AS (UPDATE items SET label = 'moved; twice?' RETURNING id)
				          SELECT nextval('moves') FROM moved; -- once per row, not twice
				        CREATE FUNCTION doubled(x integer) RETURNS integer LANGUAGE sql
				          BEGIN ATOMIC SELECT CASE WHEN x IS NULL THEN 0 ELSE x * 2 END; END;
				        CREATE TABLE doubles AS SELECT doubled(id) AS d FROM items
				      down: |
				        DROP TABLE shop.doubles; DROP FUNCTION shop.doubled(integer); DROP SEQUENCE shop.moves;
				        UPDATE shop.items SET label = 'one'
				"""));
		try {
			assertThat(database.queryForString("SELECT last_value || '/' || is_called FROM shop.moves")).isEqualTo("1/true");
			assertThat(database.queryForString("SELECT label FROM shop.items")).isEqualTo("moved; twice?");
			assertThat(database.queryForLong("SELECT d FROM shop.doubles")).isEqualTo(2);
		}
		finally {
			pgroll.rollback();
		}
		assertThat(database.queryForString("SELECT label FROM shop.items")).isEqualTo("one");
	}

}
