package dev.pgroll4j.core;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.pgroll4j.core.migration.Migration;
import dev.pgroll4j.core.migration.MigrationParser;
import dev.pgroll4j.test.CatalogSnapshot;
import dev.pgroll4j.test.PostgresTest;
import dev.pgroll4j.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The engine runs SQL it reads from the migration history (the migrations' {@code down}, {@code up} and
 * expressions, what rolls back a {@code sql} operation without {@code down}), so it refuses a history that roles
 * without the migrating role's rights could have written, and runs nothing from a history row it has no migration
 * file to check against.
 */
@PostgresTest
class HistoryTrustTests {

	/** An application login with CREATE on the database: it may create schemas, and so a state schema. */
	private static final String APP = "pgroll_ht_app";

	/** The role migrations run as in the non-superuser cases ({@code role}). */
	private static final String OWNER = "pgroll_ht_owner";

	/** A member of {@link #OWNER}: it holds the owner's rights already. */
	private static final String TEAM = "pgroll_ht_team";

	private static final AtomicInteger counter = new AtomicInteger();

	private static final Migration SETUP = MigrationParser.parse("01_setup.yaml", """
			operations:
			  - create_table:
			      name: customers
			      columns:
			        - {name: id, type: integer, pk: true}
			        - {name: name, type: text, nullable: true}
			""");

	private static final Migration CHANGE = MigrationParser.parse("02_change.yaml", """
			operations:
			  - add_column:
			      table: customers
			      up: "'label ' || id"
			      column: {name: label, type: text, nullable: true}
			""");

	/** A sql operation without down: rollback drops what it created. */
	private static final Migration CREATES_OBJECTS = MigrationParser.parse("02_objects.yaml", """
			operations:
			  - sql:
			      up: |
			        CREATE TABLE gadgets (id integer PRIMARY KEY, label text);
			        CREATE FUNCTION twice(i integer, j integer) RETURNS integer LANGUAGE sql AS 'SELECT i * j';
			        CREATE TYPE mood AS ENUM ('happy', 'sad');
			        CREATE TYPE span AS RANGE (subtype = integer);
			        CREATE VIEW gadget_ids AS SELECT id FROM gadgets
			""");

	private static final Migration CREATES_TABLE = MigrationParser.parse("02_gadgets.yaml", """
			operations:
			  - sql:
			      up: CREATE TABLE gadgets (id integer PRIMARY KEY)
			""");

	/** The state table as init creates it, made by whoever runs it. */
	private static final String LAYOUT = """
			CREATE TABLE pgroll.migrations (
			  schema NAME NOT NULL, name TEXT NOT NULL, migration JSONB NOT NULL,
			  created_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
			  updated_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
			  parent TEXT, done BOOLEAN NOT NULL DEFAULT false, resulting_schema JSONB NOT NULL DEFAULT '{}'::jsonb,
			  migration_type VARCHAR(32) DEFAULT 'pgroll'
			    CONSTRAINT migration_type_check CHECK (migration_type IN ('pgroll', 'inferred', 'baseline')),
			  base_schema JSONB, inferred_undo JSONB, start_finished BOOLEAN NOT NULL DEFAULT true, rollout TEXT,
			  PRIMARY KEY (schema, name), FOREIGN KEY (schema, parent) REFERENCES pgroll.migrations (schema, name));
			CREATE UNIQUE INDEX history_is_linear ON pgroll.migrations (schema, parent);
			CREATE UNIQUE INDEX only_first_migration_without_parent ON pgroll.migrations (schema) WHERE parent IS NULL;
			CREATE UNIQUE INDEX one_active_rollout ON pgroll.migrations (schema)
			  WHERE NOT done AND (rollout IS NULL OR rollout = name);
			CREATE INDEX history_by_creation ON pgroll.migrations (schema, created_at, name);
			CREATE INDEX active_migrations ON pgroll.migrations (schema, name) WHERE NOT done
			""";

	/** A start that "did not finish", whose stored down makes the application role a superuser. */
	private static final String FORGED_ROW = """
			INSERT INTO pgroll.migrations (schema, name, migration, done, migration_type, base_schema, start_finished)
			VALUES ('shop', '01_setup',
			        '{"operations": [{"sql": {"up": "SELECT 1", "down": "ALTER ROLE %1$s SUPERUSER"}}]}',
			        false, 'inferred', '{"name": "shop", "exists": true, "tables": [], "occupiedNames": []}', false)
			""".formatted(APP);

	@BeforeAll
	static void createRoles(TestDatabase database) {
		for (String role : new String[] { APP + " LOGIN PASSWORD 'app'", OWNER + " NOLOGIN", TEAM + " NOLOGIN" }) {
			database.execute("DO $$ BEGIN CREATE ROLE " + role + "; EXCEPTION WHEN duplicate_object THEN NULL; END $$");
		}
		// A failed run of the escalation scenario may have left the application role a superuser.
		database.execute("ALTER ROLE " + APP + " NOSUPERUSER", "GRANT " + OWNER + " TO " + TEAM,
				"GRANT CREATE ON DATABASE \"" + database.name() + "\" TO " + OWNER);
	}

	@Test
	void aStateSchemaTheApplicationRolePreparedIsRefusedAndTheRowItForgedNeverRuns(TestDatabase server)
			throws SQLException {
		TestDatabase database = server.createSibling("forged");
		database.execute("GRANT CREATE ON DATABASE \"" + database.name() + "\" TO " + APP);
		try (Connection app = connect(database, APP, "app")) {
			run(app, "CREATE SCHEMA pgroll", LAYOUT, FORGED_ROW);
		}
		String migrator = database.queryForString("SELECT current_user");
		CatalogSnapshot before = database.catalogSnapshot();
		String history = history(database);
		Pgroll pgroll = Pgroll.configure().dataSource(database.dataSource()).schema("shop").load();

		for (Runnable call : List.<Runnable>of(() -> pgroll.migrate(List.of(SETUP), MigrateOptions.defaults()),
				pgroll::repair, pgroll::init, pgroll::rollback, pgroll::complete, () -> pgroll.start(SETUP),
				() -> pgroll.validate(SETUP), pgroll::status, pgroll::history)) {
			assertThatExceptionOfType(MigrationStateException.class).isThrownBy(call::run)
				.withMessageContaining("\"pgroll\".\"migrations\"")
				.withMessageContaining("role \"" + APP + "\" owns schema \"pgroll\"")
				.withMessageContaining("role \"" + APP + "\" owns table \"pgroll\".\"migrations\"")
				.withMessageContaining("role \"" + migrator + "\"")
				.withMessageContaining("ALTER SCHEMA \"pgroll\" OWNER TO \"" + migrator + "\"")
				.withMessageContaining("stateSchema");
		}
		assertThat(database.queryForString("SELECT rolsuper::text FROM pg_roles WHERE rolname = ?", APP))
			.isEqualTo("false");
		assertThat(before.diff(database.catalogSnapshot())).isEmpty();
		assertThat(history(database)).isEqualTo(history);
		database.drop();
	}

	@Test
	void anEmptyStateSchemaOfAnotherRoleIsRefusedBeforeTheHistoryIsCreatedInIt(TestDatabase server)
			throws SQLException {
		TestDatabase database = server.createSibling("empty");
		database.execute("GRANT CREATE ON DATABASE \"" + database.name() + "\" TO " + APP);
		try (Connection app = connect(database, APP, "app")) {
			run(app, "CREATE SCHEMA pgroll");
		}
		CatalogSnapshot before = database.catalogSnapshot();
		Pgroll pgroll = Pgroll.configure().dataSource(database.dataSource()).schema("shop").load();
		assertThatExceptionOfType(MigrationStateException.class)
			.isThrownBy(() -> pgroll.migrate(List.of(SETUP), MigrateOptions.defaults()))
			.withMessageContaining("role \"" + APP + "\" owns schema \"pgroll\"");
		assertThatExceptionOfType(MigrationStateException.class).isThrownBy(pgroll::init);
		assertThat(before.diff(database.catalogSnapshot())).isEmpty();

		// Handed over as the message says, it is used.
		String migrator = database.queryForString("SELECT current_user");
		database.execute("ALTER SCHEMA pgroll OWNER TO \"" + migrator + "\"");
		assertThat(pgroll.migrate(List.of(SETUP), MigrateOptions.defaults()).started()).containsExactly("01_setup");
		database.drop();
	}

	static Stream<Arguments> writeAccessForOthers() {
		return Stream.of(
				Arguments.of("GRANT INSERT ON %s.migrations TO " + APP, "role \"" + APP + "\" may INSERT into"),
				Arguments.of("GRANT UPDATE (migration) ON %s.migrations TO " + APP,
						"role \"" + APP + "\" may UPDATE column \"migration\" of"),
				Arguments.of("GRANT DELETE ON %s.migrations TO " + APP, "role \"" + APP + "\" may DELETE from"),
				Arguments.of("GRANT TRUNCATE ON %s.migrations TO PUBLIC", "PUBLIC may TRUNCATE"),
				Arguments.of("GRANT TRIGGER ON %s.migrations TO " + APP, "role \"" + APP + "\" may create triggers on"),
				Arguments.of("GRANT CREATE ON SCHEMA %s TO " + APP,
						"role \"" + APP + "\" may create objects in schema"),
				Arguments.of("CREATE FUNCTION %1$s.touch() RETURNS trigger LANGUAGE plpgsql AS "
						+ "$f$ BEGIN RETURN NEW; END $f$; ALTER FUNCTION %1$s.touch() OWNER TO " + APP
						+ "; CREATE TRIGGER touch BEFORE INSERT OR UPDATE ON %1$s.migrations "
						+ "FOR EACH ROW EXECUTE FUNCTION %1$s.touch()",
						"role \"" + APP + "\" owns function"));
	}

	@ParameterizedTest
	@MethodSource("writeAccessForOthers")
	void aHistoryOtherRolesCanWriteIsRefusedUntilTheirAccessIsGone(String grant, String problem,
			TestDatabase database) {
		String state = "trust_state_" + counter.incrementAndGet();
		Pgroll pgroll = owned(database, state, "trust_shop_" + counter.get());
		pgroll.init();
		database.execute(grant.formatted(state));
		CatalogSnapshot before = database.catalogSnapshot();
		assertThatExceptionOfType(MigrationStateException.class)
			.isThrownBy(() -> pgroll.migrate(List.of(SETUP), MigrateOptions.defaults()))
			.withMessageContaining("\"" + state + "\".\"migrations\"")
			.withMessageContaining(problem)
			.withMessageContaining("role \"" + OWNER + "\"");
		assertThatExceptionOfType(MigrationStateException.class).isThrownBy(pgroll::status)
			.withMessageContaining(problem);
		assertThat(before.diff(database.catalogSnapshot())).isEmpty();

		database.execute("DROP TRIGGER IF EXISTS touch ON " + state + ".migrations",
				"REVOKE ALL ON " + state + ".migrations FROM " + APP + ", PUBLIC",
				"REVOKE ALL (migration) ON " + state + ".migrations FROM " + APP,
				"REVOKE CREATE ON SCHEMA " + state + " FROM " + APP);
		assertThat(pgroll.migrate(List.of(SETUP), MigrateOptions.defaults()).started()).containsExactly("01_setup");
	}

	@Test
	void rolesThatHoldTheMigratingRolesRightsMayWriteTheHistory(TestDatabase database) {
		String state = "trust_state_" + counter.incrementAndGet();
		Pgroll pgroll = owned(database, state, "trust_shop_" + counter.get());
		pgroll.init();
		String superuser = database.queryForString("SELECT current_user");
		database.execute("GRANT INSERT, UPDATE, DELETE ON " + state + ".migrations TO " + TEAM,
				"GRANT CREATE ON SCHEMA " + state + " TO " + TEAM,
				"GRANT INSERT ON " + state + ".migrations TO \"" + superuser + "\"");
		assertThat(pgroll.migrate(List.of(SETUP), MigrateOptions.defaults()).started()).containsExactly("01_setup");
		assertThat(pgroll.status().activeMigration().name()).isEqualTo("01_setup");
	}

	@Test
	void defaultPrivilegesThatWouldOpenANewHistoryToOtherRolesAreTakenBackAsItIsCreated(TestDatabase server) {
		TestDatabase database = server.createSibling("defaults");
		String state = "trust_state_" + counter.incrementAndGet();
		// Default privileges of the role that creates the history; on a fresh database init must still succeed.
		database.execute("ALTER DEFAULT PRIVILEGES FOR ROLE " + OWNER + " GRANT CREATE, USAGE ON SCHEMAS TO " + APP,
				"ALTER DEFAULT PRIVILEGES FOR ROLE " + OWNER + " GRANT INSERT, UPDATE, SELECT ON TABLES TO PUBLIC",
				"GRANT CREATE ON DATABASE \"" + database.name() + "\" TO " + OWNER);
		Pgroll pgroll = owned(database, state, "trust_shop_" + counter.get());
		pgroll.init();
		assertThat(pgroll.migrate(List.of(SETUP), MigrateOptions.defaults()).started()).containsExactly("01_setup");
		assertThat(database.queryForList("SELECT has_schema_privilege(?, ?, 'CREATE') AS app_creates, "
				+ "has_schema_privilege(?, ?, 'USAGE') AS app_uses, has_table_privilege(?, ?, 'INSERT') AS app_inserts, "
				+ "has_table_privilege(?, ?, 'SELECT') AS app_reads", APP, state, APP, state, APP, state + ".migrations",
				APP, state + ".migrations"))
			.containsExactly(java.util.Map.of("app_creates", false, "app_uses", true, "app_inserts", false,
					"app_reads", true));
	}

	@Test
	void aMigratingRoleThatIsOnlyAMemberOfTheHistorysOwnerIsRefused(TestDatabase database) {
		String state = "trust_state_" + counter.incrementAndGet();
		String schema = "trust_shop_" + counter.get();
		owned(database, state, schema).init();
		// TEAM has the owner's rights, but the owner not TEAM's: what the owner wrote would run with TEAM's rights.
		Pgroll asMember = Pgroll.configure().dataSource(database.dataSource()).schema(schema).stateSchema(state)
			.role(TEAM).load();
		assertThatExceptionOfType(MigrationStateException.class).isThrownBy(asMember::status)
			.withMessageContaining("role \"" + OWNER + "\" owns schema \"" + state + "\"")
			.withMessageContaining("role \"" + TEAM + "\"");
	}

	@Test
	void aRowAnotherToolWroteRunsNothingEvenWithAFileOfTheSameContent(TestDatabase database) {
		String state = "trust_state_" + counter.incrementAndGet();
		String schema = "trust_shop_" + counter.get();
		Migration forged = downCreatingATable("02_forged");
		Pgroll pgroll = configured(database, state, schema, (builder) -> builder.migrations(List.of(SETUP, forged)));
		pgroll.migrate(List.of(SETUP), MigrateOptions.defaults().withCompleteLast(true));
		insertActive(database, state, schema, forged, "inferred", false);
		CatalogSnapshot before = database.catalogSnapshot();

		assertThat(pgroll.migrate(List.of(SETUP), MigrateOptions.defaults()).outcome())
			.as("left to the tool that wrote it").isEqualTo(MigrateResult.Outcome.DATABASE_AHEAD);
		for (Runnable call : List.<Runnable>of(pgroll::repair, pgroll::rollback, pgroll::complete,
				() -> pgroll.migrate(List.of(SETUP, forged), MigrateOptions.defaults()))) {
			assertThatExceptionOfType(MigrationStateException.class).isThrownBy(call::run)
				.withMessageContaining("migration \"02_forged\"")
				.withMessageContaining("migration_type 'inferred'");
		}
		database.execute("UPDATE " + state + ".migrations SET start_finished = true WHERE name = '02_forged'");
		assertThatExceptionOfType(MigrationStateException.class).isThrownBy(pgroll::rollback)
			.withMessageContaining("migration_type 'inferred'");
		assertThat(before.diff(database.catalogSnapshot())).as("down never ran").isEmpty();
	}

	@Test
	void anActiveMigrationRunsNothingFromTheHistoryUntilItsFileIsConfigured(TestDatabase database) {
		String state = "trust_state_" + counter.incrementAndGet();
		String schema = "trust_shop_" + counter.get();
		Migration handWritten = downCreatingATable("02_by_hand");
		Pgroll pgroll = owned(database, state, schema);
		pgroll.migrate(List.of(SETUP), MigrateOptions.defaults().withCompleteLast(true));
		insertActive(database, state, schema, handWritten, "pgroll", false);
		CatalogSnapshot before = database.catalogSnapshot();

		assertThatExceptionOfType(MigrationStateException.class).isThrownBy(pgroll::repair)
			.withMessageContaining("cannot repair migration \"02_by_hand\" of schema \"" + schema + "\"")
			.withMessageContaining("no migration file of that name")
			.withMessageContaining("cannot be checked")
			.withMessageContaining("migrations(");
		database.execute("UPDATE " + state + ".migrations SET start_finished = true WHERE name = '02_by_hand'");
		for (Runnable call : List.<Runnable>of(pgroll::rollback, pgroll::complete)) {
			assertThatExceptionOfType(MigrationStateException.class).isThrownBy(call::run)
				.withMessageContaining("migration \"02_by_hand\"")
				.withMessageContaining("no migration file of that name");
		}
		assertThat(before.diff(database.catalogSnapshot())).as("down never ran").isEmpty();

		Pgroll withFiles = configured(database, state, schema,
				(builder) -> builder.migrations(List.of(SETUP, handWritten)));
		assertThat(withFiles.rollback().migration()).isEqualTo("02_by_hand");
		assertThat(database.queryForLong("SELECT count(*) FROM pg_tables WHERE schemaname = ? AND tablename = "
				+ "'down_ran'", schema)).as("its down ran").isEqualTo(1);
	}

	@Test
	void anUnfinishedStartOfANewerReleaseIsLeftForThatRelease(TestDatabase database) {
		String state = "trust_state_" + counter.incrementAndGet();
		String schema = "trust_shop_" + counter.get();
		owned(database, state, schema).migrate(List.of(SETUP, CHANGE), MigrateOptions.defaults());
		// As if the newer release had died during its backfill.
		database.execute("UPDATE " + state + ".migrations SET start_finished = false WHERE name = '02_change'");
		CatalogSnapshot before = database.catalogSnapshot();

		Pgroll older = owned(database, state, schema);
		assertThat(older.migrate(List.of(SETUP), MigrateOptions.defaults()).outcome())
			.isEqualTo(MigrateResult.Outcome.DATABASE_AHEAD);
		assertThat(older.status().activeMigration().name()).isEqualTo("02_change");
		assertThat(before.diff(database.catalogSnapshot())).isEmpty();

		MigrateResult newer = owned(database, state, schema).migrate(List.of(SETUP, CHANGE), MigrateOptions.defaults());
		assertThat(newer.started()).as("repaired and started again").containsExactly("02_change");
		assertThat(older.status().activeMigration().startFinished()).isTrue();
	}

	@Test
	void anActiveMigrationWhoseStoredContentDiffersFromItsFileIsRefusedNamingBoth(TestDatabase database) {
		String state = "trust_state_" + counter.incrementAndGet();
		String schema = "trust_shop_" + counter.get();
		Pgroll starter = owned(database, state, schema);
		starter.migrate(List.of(SETUP), MigrateOptions.defaults().withCompleteLast(true));
		starter.start(CHANGE);
		CatalogSnapshot started = database.catalogSnapshot();

		Migration edited = MigrationParser.parse("02_change.yaml", """
				operations:
				  - add_column:
				      table: customers
				      up: "'edited'"
				      column: {name: label, type: text, nullable: true}
				""");
		Pgroll other = configured(database, state, schema, (builder) -> builder.migrations(List.of(SETUP, edited)));
		for (Runnable call : List.<Runnable>of(other::complete, other::rollback)) {
			assertThatExceptionOfType(MigrationStateException.class).isThrownBy(call::run)
				.withMessageContaining("migration \"02_change\"")
				.withMessageContaining("the history holds other content than its file")
				.withMessageContaining("02_change.yaml differs from the history at (history → file):\n"
						+ "  operations[0].add_column.up: ''label ' || id' → ''edited''\n");
		}

		// The instance that started it knows its file; a hand edit of the history is refused all the same.
		database.execute("UPDATE " + state + ".migrations SET migration = jsonb_set(migration, "
				+ "'{operations,0,add_column,up}', '\"''x''\"') WHERE name = '02_change'");
		for (Runnable call : List.<Runnable>of(starter::complete, starter::rollback)) {
			assertThatExceptionOfType(MigrationStateException.class).isThrownBy(call::run)
				.withMessageContaining("02_change.yaml differs from the history at (history → file):\n"
						+ "  operations[0].add_column.up: ''x'' → ''label ' || id'\n");
		}
		assertThat(started.diff(database.catalogSnapshot())).isEmpty();
		database.execute("UPDATE " + state + ".migrations SET migration = " + literal(CHANGE.json())
				+ "::jsonb WHERE name = '02_change'");
		assertThat(starter.complete().migration()).isEqualTo("02_change");
	}

	@Test
	void aSqlOperationWithoutDownRecordsWhatItCreatedByIdentityAndRollbackDropsExactlyThat(TestDatabase database) {
		String state = "trust_state_" + counter.incrementAndGet();
		String schema = "trust_shop_" + counter.get();
		Pgroll pgroll = owned(database, state, schema);
		pgroll.migrate(List.of(SETUP), MigrateOptions.defaults().withCompleteLast(true));
		database.execute("CREATE FUNCTION " + schema + ".twice(i integer) RETURNS integer LANGUAGE sql AS 'SELECT i'",
				"CREATE TYPE " + schema + ".size AS ENUM ('s', 'm')");
		CatalogSnapshot before = database.catalogSnapshot();

		pgroll.start(CREATES_OBJECTS);
		assertThat(database.queryForString("SELECT inferred_undo::text FROM " + state + ".migrations "
				+ "WHERE name = '02_objects'")).as("identities, not SQL").doesNotContainIgnoringCase("drop");
		assertThat(database.queryForList("SELECT e->>'kind' AS kind, e->>'schema' AS schema, e->>'name' AS name, "
				+ "e->>'arguments' AS arguments FROM " + state + ".migrations, jsonb_array_elements(inferred_undo) e "
				+ "WHERE name = '02_objects'").stream().map(Object::toString).toList())
			.containsExactly(identity("view", schema, "gadget_ids", null), identity("table", schema, "gadgets", null),
					identity("function", schema, "twice", "i integer, j integer"),
					identity("type", schema, "mood", null), identity("type", schema, "span", null));

		pgroll.rollback();
		assertThat(before.diff(database.catalogSnapshot())).as("exactly what up created is gone").isEmpty();
	}

	static Stream<Arguments> forgedUndo() {
		return Stream.of(
				Arguments.of("[{\"kind\": \"table\", \"schema\": \"%2$s\", \"name\": \"victim\"}]",
						"names table \"%2$s\".\"victim\", which is in another schema"),
				Arguments.of("[{\"kind\": \"view\", \"schema\": \"%1$s\", \"name\": \"gadgets\"}]",
						"which is a table in the database, not a view"),
				Arguments.of("[{\"kind\": \"role\", \"schema\": \"%1$s\", \"name\": \"gadgets\"}]",
						"which is not a kind of object"),
				Arguments.of("[{\"kind\": \"table\", \"schema\": \"%1$s\", \"name\": \"gadgets\", \"x\": \"y\"}]",
						"neither an object's identity"),
				Arguments.of("[\"DROP TABLE IF EXISTS %2$s.victim CASCADE\"]", "which is in another schema"),
				Arguments.of("[\"DROP TABLE IF EXISTS %1$s.gadgets CASCADE; DROP TABLE %2$s.victim\"]",
						"nor a DROP statement exactly as the previous release wrote it"),
				Arguments.of("[\"DROP TABLE IF EXISTS %1$s.gadgets CASCADE\", \"TRUNCATE %2$s.victim\"]",
						"nor a DROP statement exactly as the previous release wrote it"),
				Arguments.of("{\"drop\": \"everything\"}", "is not a list of objects"));
	}

	@ParameterizedTest
	@MethodSource("forgedUndo")
	void anInferredUndoNamingAnythingButWhatUpCreatedIsRefusedAndNothingIsDropped(String undo, String problem,
			TestDatabase database) {
		String state = "trust_state_" + counter.incrementAndGet();
		String schema = "trust_shop_" + counter.get();
		String other = "trust_other_" + counter.get();
		database.execute("CREATE SCHEMA " + other, "CREATE TABLE " + other + ".victim (id integer)");
		Pgroll pgroll = owned(database, state, schema);
		pgroll.migrate(List.of(SETUP), MigrateOptions.defaults().withCompleteLast(true));
		pgroll.start(CREATES_TABLE);
		database.execute("UPDATE " + state + ".migrations SET inferred_undo = " + literal(undo.formatted(schema, other))
				+ "::jsonb WHERE name = '02_gadgets'");
		CatalogSnapshot started = database.catalogSnapshot();

		assertThatExceptionOfType(MigrationStateException.class).isThrownBy(pgroll::rollback)
			.withMessageContaining("cannot roll back migration \"02_gadgets\" of schema \"" + schema + "\"")
			.withMessageContaining("inferred_undo")
			.withMessageContaining(problem.formatted(schema, other))
			.withMessageContaining("nothing was dropped");
		assertThat(started.diff(database.catalogSnapshot())).isEmpty();
		assertThat(pgroll.status().activeMigration().name()).isEqualTo("02_gadgets");
	}

	@Test
	void anInferredUndoThePreviousReleaseWroteIsReadAsIdentitiesAndStillRollsBack(TestDatabase database) {
		String state = "trust_state_" + counter.incrementAndGet();
		String schema = "trust_shop_" + counter.get();
		Pgroll pgroll = owned(database, state, schema);
		pgroll.migrate(List.of(SETUP), MigrateOptions.defaults().withCompleteLast(true));
		CatalogSnapshot before = database.catalogSnapshot();
		pgroll.start(CREATES_OBJECTS);
		// What the previous release stored for the same objects: its DROP statements, names as quote_ident writes them.
		database.execute("UPDATE " + state + ".migrations SET inferred_undo = jsonb_build_array("
				+ "'DROP VIEW IF EXISTS ' || quote_ident('" + schema + "') || '.gadget_ids CASCADE', "
				+ "'DROP TABLE IF EXISTS " + schema + ".gadgets CASCADE', "
				+ "'DROP FUNCTION IF EXISTS " + schema + ".twice(i integer, j integer) CASCADE', "
				+ "'DROP TYPE IF EXISTS " + schema + ".mood CASCADE', 'DROP TYPE IF EXISTS " + schema + ".span CASCADE')"
				+ " WHERE name = '02_objects'");
		pgroll.rollback();
		assertThat(before.diff(database.catalogSnapshot())).isEmpty();
	}

	private static String identity(String kind, String schema, String name, String arguments) {
		java.util.Map<String, Object> row = new java.util.LinkedHashMap<>();
		row.put("kind", kind);
		row.put("schema", schema);
		row.put("name", name);
		row.put("arguments", arguments);
		return row.toString();
	}

	/** A migration whose down leaves a mark: a table {@code down_ran}. */
	private static Migration downCreatingATable(String name) {
		return MigrationParser.parse(name + ".yaml", """
				operations:
				  - sql:
				      up: SELECT 1
				      down: CREATE TABLE down_ran ()
				""");
	}

	/** An active migration after 01_setup, written into the history directly. */
	private static void insertActive(TestDatabase database, String state, String schema, Migration migration,
			String type, boolean startFinished) {
		database.execute("INSERT INTO " + state + ".migrations (schema, name, migration, parent, done, migration_type, "
				+ "base_schema, start_finished) VALUES (" + literal(schema) + ", " + literal(migration.name()) + ", "
				+ literal(migration.json()) + ", '01_setup', false, " + literal(type) + ", '{\"name\": "
				+ "\"" + schema + "\", \"exists\": true, \"tables\": [], \"occupiedNames\": []}', " + startFinished + ")");
	}

	private static String literal(String text) {
		return "'" + text.replace("'", "''") + "'";
	}

	/** A history made by {@link #OWNER}, as a deployment that migrates with {@code role} does. */
	private static Pgroll owned(TestDatabase database, String state, String schema) {
		return configured(database, state, schema, (builder) -> {
		});
	}

	private static Pgroll configured(TestDatabase database, String state, String schema,
			Consumer<PgrollConfiguration.Builder> customizer) {
		PgrollConfiguration.Builder builder = Pgroll.configure().dataSource(database.dataSource()).schema(schema)
			.stateSchema(state).role(OWNER);
		customizer.accept(builder);
		return builder.load();
	}

	/** Every row of the history, as one string. */
	private static String history(TestDatabase database) {
		return database.queryForString("SELECT string_agg(to_jsonb(m)::text, ',' ORDER BY schema, name) "
				+ "FROM pgroll.migrations m");
	}

	private static Connection connect(TestDatabase database, String user, String password) throws SQLException {
		return DriverManager.getConnection(database.jdbcUrl(), user, password);
	}

	private static void run(Connection connection, String... statements) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			for (String sql : statements) {
				statement.execute(sql);
			}
		}
	}

}
