package dev.pgroll4j.core;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.pgroll4j.core.migration.Migration;
import dev.pgroll4j.core.testing.MigrationLifecycle;
import dev.pgroll4j.test.CatalogSnapshot;
import dev.pgroll4j.test.PostgresTest;
import dev.pgroll4j.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Complete and rollback drop a version schema, trigger functions and what a {@code sql} operation created; they
 * drop only what the engine (or the migration) created. Anything else that lives in a version schema, or depends on
 * what is dropped, makes them refuse with a list, and nothing changes: a table an application created through a
 * connection pinned to its version schema (Flyway, {@code spring.sql.init}, Hibernate {@code ddl-auto}) keeps its
 * rows.
 */
@PostgresTest
@Tag("operations")
class VersionSchemaOwnershipTests {

	private static final String USERS = """
			operations:
			  - create_table:
			      name: users
			      columns:
			        - {name: id, type: serial, pk: true}
			        - {name: name, type: text}
			""";

	private static final Migration ADD_EMAIL = MigrationLifecycle.yaml("500_add_email", """
			operations:
			  - add_column:
			      table: users
			      column: {name: email, type: text, nullable: true}
			      up: name || '@example.com'
			""");

	@Test
	void aTableCreatedThroughAConnectionPinnedToTheOldVersionSurvivesCompleteWithItsRows(TestDatabase database) {
		Fixture fixture = Fixture.started(database);
		fixture.pinnedTo(fixture.old, "CREATE TABLE notes (id serial PRIMARY KEY, body text)",
				"INSERT INTO notes (body) VALUES ('first'), ('second')");
		CatalogSnapshot before = database.catalogSnapshot();

		assertThatThrownBy(fixture.pgroll::complete).isInstanceOf(ForeignObjectsException.class)
			.hasMessageContaining("cannot complete migration \"500_add_email\"")
			.hasMessageContaining("version schema \"" + fixture.old + "\"")
			.hasMessageContaining("table " + fixture.old + ".notes")
			.hasMessageContaining("ALTER TABLE " + fixture.old + ".notes SET SCHEMA " + fixture.schema)
			.hasMessageContaining("Nothing was changed")
			.satisfies((ex) -> assertThat(((ForeignObjectsException) ex).objects())
				.containsExactly("table " + fixture.old + ".notes"));

		assertThat(before.diff(database.catalogSnapshot())).as("catalog changes left by the refused complete")
			.isEmpty();
		assertThat(database.queryForLong("SELECT count(*) FROM " + fixture.old + ".notes")).isEqualTo(2);
		assertThat(fixture.pgroll.status().activeMigration().name()).isEqualTo("500_add_email");

		database.execute("ALTER TABLE " + fixture.old + ".notes SET SCHEMA " + fixture.schema);
		fixture.pgroll.complete();
		assertThat(database.queryForLong("SELECT count(*) FROM " + fixture.schema + ".notes")).isEqualTo(2);
		assertThat(database.queryForLong("SELECT count(*) FROM " + fixture.next + ".notes"))
			.as("complete shows the moved table in the new version like any other").isEqualTo(2);
		assertThat(schemaExists(database, fixture.old)).isFalse();
		assertThat(fixture.pgroll.status().activeMigration()).isNull();
	}

	@Test
	void aTableCreatedThroughAConnectionPinnedToTheNewVersionSurvivesRollbackWithItsRows(TestDatabase database) {
		Fixture fixture = Fixture.started(database);
		fixture.pinnedTo(fixture.next, "CREATE TABLE audit (id integer, what text)",
				"INSERT INTO audit VALUES (1, 'login')");
		CatalogSnapshot before = database.catalogSnapshot();

		assertThatThrownBy(fixture.pgroll::rollback).isInstanceOf(ForeignObjectsException.class)
			.hasMessageContaining("cannot roll back migration \"500_add_email\"")
			.hasMessageContaining("version schema \"" + fixture.next + "\"")
			.hasMessageContaining("ALTER TABLE " + fixture.next + ".audit SET SCHEMA " + fixture.schema)
			.hasMessageContaining("Nothing was changed");

		assertThat(before.diff(database.catalogSnapshot())).as("catalog changes left by the refused rollback")
			.isEmpty();
		assertThat(database.queryForString("SELECT what FROM " + fixture.next + ".audit")).isEqualTo("login");
		assertThat(fixture.pgroll.status().activeMigration().name()).isEqualTo("500_add_email");

		database.execute("ALTER TABLE " + fixture.next + ".audit SET SCHEMA " + fixture.schema);
		fixture.pgroll.rollback();
		assertThat(fixture.beforeStart.diff(database.catalogSnapshot())).as("the rollback undid all but the moved table")
			.isNotEmpty()
			.allMatch((line) -> line.startsWith("+ ") && line.contains(fixture.schema + ".audit"));
		assertThat(database.queryForString("SELECT what FROM " + fixture.schema + ".audit")).isEqualTo("login");
		assertThat(schemaExists(database, fixture.next)).isFalse();
	}

	@Test
	void aViewInAnotherSchemaThatReadsAVersionViewBlocksCompleteAndRollback(TestDatabase database) {
		Fixture fixture = Fixture.started(database);
		String reports = fixture.schema + "_reports";
		database.execute("CREATE SCHEMA " + reports,
				"CREATE VIEW " + reports + ".old_names AS SELECT name FROM " + fixture.old + ".users",
				"CREATE VIEW " + reports + ".new_emails AS SELECT email FROM " + fixture.next + ".users");
		CatalogSnapshot before = database.catalogSnapshot();

		assertThatThrownBy(fixture.pgroll::complete).isInstanceOf(ForeignObjectsException.class)
			.hasMessageContaining("view " + reports + ".old_names, which depends on view " + fixture.old + ".users")
			.hasMessageNotContaining("new_emails")
			.satisfies((ex) -> assertThat(((ForeignObjectsException) ex).objects())
				.containsExactly("view " + reports + ".old_names"));
		assertThat(before.diff(database.catalogSnapshot())).isEmpty();

		assertThatThrownBy(fixture.pgroll::rollback).isInstanceOf(ForeignObjectsException.class)
			.hasMessageContaining("view " + reports + ".new_emails, which depends on view " + fixture.next + ".users")
			.hasMessageNotContaining("old_names");
		assertThat(before.diff(database.catalogSnapshot())).isEmpty();

		database.execute("DROP VIEW " + reports + ".old_names");
		fixture.pgroll.complete();
		assertThat(database.queryForString("SELECT email FROM " + reports + ".new_emails")).isEqualTo("ann@example.com");
	}

	@Test
	void sequencesFunctionsTypesAndDomainsInAVersionSchemaBlockComplete(TestDatabase database) {
		Fixture fixture = Fixture.started(database);
		fixture.pinnedTo(fixture.old, "CREATE SEQUENCE invoice_numbers",
				"CREATE FUNCTION greeting() RETURNS text LANGUAGE sql AS 'SELECT ''hi'''",
				"CREATE TYPE mood AS ENUM ('happy', 'sad')", "CREATE DOMAIN positive AS integer CHECK (VALUE > 0)");
		CatalogSnapshot before = database.catalogSnapshot();

		assertThatThrownBy(fixture.pgroll::complete).isInstanceOf(ForeignObjectsException.class)
			.satisfies((ex) -> assertThat(((ForeignObjectsException) ex).objects()).containsExactlyInAnyOrder(
					"sequence " + fixture.old + ".invoice_numbers", "function " + fixture.old + ".greeting()",
					"type " + fixture.old + ".mood", "type " + fixture.old + ".positive"))
			.hasMessageContaining("ALTER FUNCTION " + fixture.old + ".greeting() SET SCHEMA " + fixture.schema)
			.hasMessageContaining("ALTER SEQUENCE " + fixture.old + ".invoice_numbers SET SCHEMA " + fixture.schema);
		assertThat(before.diff(database.catalogSnapshot())).isEmpty();
	}

	@Test
	void anOwnedSequenceIsListedWithItsTableOnlyThroughTheTable(TestDatabase database) {
		Fixture fixture = Fixture.started(database);
		fixture.pinnedTo(fixture.old, "CREATE TABLE notes (id serial PRIMARY KEY, body text)");

		assertThatThrownBy(fixture.pgroll::complete).isInstanceOf(ForeignObjectsException.class)
			.satisfies((ex) -> assertThat(((ForeignObjectsException) ex).objects())
				.as("ALTER TABLE ... SET SCHEMA moves the serial column's sequence along")
				.containsExactly("table " + fixture.old + ".notes"));
	}

	@Test
	void aTriggerOrRuleOnAVersionViewBlocksComplete(TestDatabase database) {
		Fixture fixture = Fixture.started(database);
		database.execute("CREATE FUNCTION " + fixture.schema + ".refuse() RETURNS trigger LANGUAGE plpgsql AS "
				+ "'BEGIN RETURN NULL; END'",
				"CREATE TRIGGER no_inserts INSTEAD OF INSERT ON " + fixture.old + ".users FOR EACH ROW EXECUTE FUNCTION "
						+ fixture.schema + ".refuse()",
				"CREATE RULE no_deletes AS ON DELETE TO " + fixture.old + ".users DO INSTEAD NOTHING");
		CatalogSnapshot before = database.catalogSnapshot();

		assertThatThrownBy(fixture.pgroll::complete).isInstanceOf(ForeignObjectsException.class)
			.satisfies((ex) -> assertThat(((ForeignObjectsException) ex).objects()).containsExactlyInAnyOrder(
					"trigger no_inserts on view " + fixture.old + ".users",
					"rule no_deletes on view " + fixture.old + ".users"));
		assertThat(before.diff(database.catalogSnapshot())).isEmpty();
	}

	@Test
	void aViewTheApplicationCreatedInTheNewVersionSchemaSurvivesComplete(TestDatabase database) {
		Fixture fixture = Fixture.started(database);
		fixture.pinnedTo(fixture.next, "CREATE VIEW named_users AS SELECT id, name FROM users WHERE name <> ''");

		fixture.pgroll.complete();

		assertThat(database.queryForString("SELECT name FROM " + fixture.next + ".named_users")).isEqualTo("ann");
	}

	@Test
	void aUserTriggerThatRunsTheEngineTriggerFunctionBlocksComplete(TestDatabase database) {
		Fixture fixture = Fixture.started(database);
		database.execute("CREATE TABLE " + fixture.schema + ".other (id integer, name text, email text)",
				"CREATE TRIGGER borrowed BEFORE INSERT ON " + fixture.schema + ".other FOR EACH ROW EXECUTE FUNCTION "
						+ fixture.schema + "._pgroll_trigger_users()");
		CatalogSnapshot before = database.catalogSnapshot();

		assertThatThrownBy(fixture.pgroll::complete).isInstanceOf(ForeignObjectsException.class)
			.hasMessageContaining("trigger borrowed on table " + fixture.schema + ".other, which depends on function "
					+ fixture.schema + "._pgroll_trigger_users()");
		assertThat(before.diff(database.catalogSnapshot())).isEmpty();

		database.execute("DROP TRIGGER borrowed ON " + fixture.schema + ".other");
		fixture.pgroll.complete();
		assertThat(database.queryForLong("SELECT count(*) FROM pg_trigger WHERE tgname LIKE '\\_pgroll\\_%' "
				+ "AND tgrelid = '" + fixture.schema + ".users'::regclass")).isZero();
	}

	@Test
	void aUserObjectThatDependsOnWhatASqlOperationCreatedBlocksRollbackInsteadOfBeingDropped(TestDatabase database) {
		MigrationLifecycle lifecycle = MigrationLifecycle.in(database).given(USERS);
		Pgroll pgroll = lifecycle.prepare();
		String schema = lifecycle.schema();
		CatalogSnapshot beforeStart = database.catalogSnapshot();
		pgroll.start(MigrationLifecycle.yaml("500_gadgets", """
				operations:
				  - sql:
				      up: CREATE TABLE gadgets (id integer PRIMARY KEY, label text)
				"""));
		String reports = schema + "_reports";
		database.execute("INSERT INTO " + schema + ".gadgets VALUES (1, 'one')", "CREATE SCHEMA " + reports,
				"CREATE VIEW " + reports + ".gadget_labels AS SELECT label FROM " + schema + ".gadgets");
		CatalogSnapshot started = database.catalogSnapshot();

		assertThatThrownBy(pgroll::rollback).isInstanceOf(ForeignObjectsException.class)
			.hasMessageContaining("cannot roll back migration \"500_gadgets\"")
			.hasMessageContaining("view " + reports + ".gadget_labels, which depends on table " + schema + ".gadgets")
			.hasMessageContaining("Nothing was changed");
		assertThat(started.diff(database.catalogSnapshot())).isEmpty();
		assertThat(database.queryForString("SELECT label FROM " + reports + ".gadget_labels")).isEqualTo("one");

		database.execute("DROP VIEW " + reports + ".gadget_labels", "DROP SCHEMA " + reports);
		pgroll.rollback();
		assertThat(beforeStart.diff(database.catalogSnapshot())).isEmpty();
	}

	@Test
	void tablesASqlOperationCreatedWithAForeignKeyBetweenThemAreDroppedOnRollback(TestDatabase database) {
		MigrationLifecycle lifecycle = MigrationLifecycle.in(database).given(USERS);
		Pgroll pgroll = lifecycle.prepare();
		CatalogSnapshot beforeStart = database.catalogSnapshot();
		pgroll.start(MigrationLifecycle.yaml("500_authors_and_books", """
				operations:
				  - sql:
				      up: |
				        CREATE TABLE authors (id serial PRIMARY KEY, name text);
				        CREATE TABLE books (id serial PRIMARY KEY, author_id integer REFERENCES authors);
				        CREATE TYPE genre AS ENUM ('fiction', 'poetry');
				        CREATE TYPE shelf AS (genre genre, position integer);
				        CREATE FUNCTION book_count() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM books';
				        CREATE VIEW prolific AS SELECT author_id FROM books GROUP BY author_id HAVING count(*) > 1
				"""));

		pgroll.rollback();

		assertThat(beforeStart.diff(database.catalogSnapshot())).isEmpty();
	}

	@Test
	void theSyncTriggersOfAPartitionedTableGoFromEveryPartitionOnRollbackAndComplete(TestDatabase database) {
		MigrationLifecycle.in(database)
			.given("""
					operations:
					  - sql:
					      up: |
					        CREATE TABLE events (id integer PRIMARY KEY, name text) PARTITION BY RANGE (id);
					        CREATE TABLE events_low PARTITION OF events FOR VALUES FROM (0) TO (100);
					        CREATE TABLE events_high PARTITION OF events FOR VALUES FROM (100) TO (200);
					        INSERT INTO events VALUES (1, 'one'), (150, 'many')
					""")
			.migration("""
					operations:
					  - add_column:
					      table: events
					      column: {name: label, type: text, nullable: true}
					      up: upper(name)
					""")
			.afterStart((v) -> {
				assertThat(v.physical().value("SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
						+ "WHERE c.relnamespace = ?::regnamespace AND c.relname = 'events_high' "
						+ "AND t.tgname LIKE '\\_pgroll\\_%'", v.physical().schema())).isNotEqualTo(0L);
				v.previous().execute("INSERT INTO events (id, name) VALUES (160, 'more')");
				assertThat(v.next().value("SELECT label FROM events WHERE id = 160")).isEqualTo("MORE");
			})
			.afterComplete((v) -> {
				assertThat(v.physical().value("SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
						+ "WHERE c.relnamespace = ?::regnamespace AND t.tgname LIKE '\\_pgroll\\_%'",
						v.physical().schema())).isEqualTo(0L);
				assertThat(v.next().value("SELECT label FROM events WHERE id = 150")).isEqualTo("MANY");
			})
			.run();
	}

	@Test
	void otherRolesGetUsageButNeverCreateOnAVersionSchemaWhateverTheDefaultPrivileges(TestDatabase server) {
		TestDatabase database = server.createSibling("privileges");
		String role = "pgroll_vs_app";
		database.execute("DO $$ BEGIN CREATE ROLE " + role + "; EXCEPTION WHEN duplicate_object THEN NULL; END $$",
				"ALTER DEFAULT PRIVILEGES GRANT CREATE, USAGE ON SCHEMAS TO " + role,
				"ALTER DEFAULT PRIVILEGES GRANT CREATE ON SCHEMAS TO PUBLIC");
		MigrationLifecycle lifecycle = MigrationLifecycle.in(database).given(USERS);
		Pgroll pgroll = lifecycle.prepare();
		pgroll.start(ADD_EMAIL);
		for (String versionSchema : new String[] { lifecycle.schema() + "_000_setup",
				lifecycle.schema() + "_500_add_email" }) {
			assertThat(database.queryForString("SELECT has_schema_privilege(?::name, ?::text, 'USAGE')::text", role,
					versionSchema))
				.as("USAGE on " + versionSchema).isEqualTo("true");
			assertThat(database.queryForString("SELECT has_schema_privilege(?::name, ?::text, 'CREATE')::text", role,
					versionSchema))
				.as("CREATE on " + versionSchema).isEqualTo("false");
			assertThat(database.queryForString("SELECT count(*)::text FROM pg_namespace n, aclexplode(n.nspacl) a "
					+ "WHERE n.nspname = ? AND a.privilege_type = 'CREATE' AND a.grantee <> n.nspowner",
					versionSchema))
				.as("CREATE granted to anyone but the owner on " + versionSchema).isEqualTo("0");
		}
	}

	private static boolean schemaExists(TestDatabase database, String name) {
		return database.queryForLong("SELECT count(*) FROM pg_namespace WHERE nspname = ?", name) > 0;
	}

	/** A table with a row, and ADD_EMAIL started on it: both version schemas exist, with triggers. */
	private static final class Fixture {

		final TestDatabase database;

		final Pgroll pgroll;

		final String schema;

		final String old;

		final String next;

		final CatalogSnapshot beforeStart;

		private Fixture(TestDatabase database, Pgroll pgroll, String schema, CatalogSnapshot beforeStart) {
			this.database = database;
			this.pgroll = pgroll;
			this.schema = schema;
			this.beforeStart = beforeStart;
			this.old = schema + "_000_setup";
			this.next = schema + "_500_add_email";
		}

		static Fixture started(TestDatabase database) {
			MigrationLifecycle lifecycle = MigrationLifecycle.in(database).given(USERS);
			Pgroll pgroll = lifecycle.prepare();
			database.execute("INSERT INTO " + lifecycle.schema() + ".users (name) VALUES ('ann')");
			CatalogSnapshot beforeStart = database.catalogSnapshot();
			pgroll.start(ADD_EMAIL);
			return new Fixture(database, pgroll, lifecycle.schema(), beforeStart);
		}

		/** Runs statements on one connection whose search_path is that version schema alone, as the starter pins. */
		void pinnedTo(String versionSchema, String... statements) {
			try (Connection connection = this.database.connect(); Statement statement = connection.createStatement()) {
				statement.execute("SET search_path TO " + versionSchema);
				for (String sql : statements) {
					statement.execute(sql);
				}
			}
			catch (SQLException ex) {
				throw new IllegalStateException(ex);
			}
		}

	}

}
