package dev.pgroll4j.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.pgroll4j.core.migration.Migration;
import dev.pgroll4j.core.migration.MigrationParser;
import dev.pgroll4j.test.CatalogSnapshot;
import dev.pgroll4j.test.PostgresTest;
import dev.pgroll4j.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Every kind of bad migration, one file each under {@code bad-input/}, started against one fixed schema with rows.
 * Each must fail with the right exception, a message that names the file, the operation (index and kind) and the
 * field, and leave the catalog and the migration history exactly as they were. Because every failed start must
 * leave the baseline untouched, the baseline is built only once for the whole class.
 */
@PostgresTest
@Tag("operations")
// Runs on the oldest and newest server (14, 18) to keep CI in its budget; how each version scans SQL text is
// checked on every version by ExpressionLexerFuzzTests.
@Tag("hostile-input")
class BadInputTests {

	private static final String SCHEMA = "app";

	private static final String FOLDER = "bad-input/";

	private static final String TABLES = """
			operations:
			  - create_table:
			      name: users
			      columns:
			        - {name: id, type: integer, pk: true}
			        - {name: email, type: text, unique: true}
			        - {name: name, type: text}
			        - name: age
			          type: integer
			          nullable: true
			          check: {name: users_age_check, constraint: age >= 0}
			        - {name: nickname, type: text, nullable: true}
			  - create_table:
			      name: orders
			      columns:
			        - {name: id, type: serial, pk: true}
			        - name: user_id
			          type: integer
			          references: {name: orders_user_fk, table: users, column: id}
			        - {name: amount, type: numeric, default: "0"}
			        - {name: note, type: text, nullable: true}
			  - create_index:
			      name: orders_note_idx
			      table: orders
			      columns:
			        - column: note
			  - create_table:
			      name: tags
			      columns:
			        - {name: label, type: text, pk: true}
			  - create_table:
			      name: ledger
			      columns:
			        - {name: id, type: integer, pk: true}
			        - {name: net, type: numeric}
			        - {name: gross, type: numeric, generated: {expression: net * 1.2}}
			        - {name: code, type: text, nullable: true}
			  - create_table:
			      name: routes
			      columns:
			        - {name: id, type: integer, pk: true}
			        - {name: origin, type: text}
			        - {name: destination, type: text}
			        - {name: weight, type: integer, nullable: true}
			      constraints:
			        - {name: routes_distinct_check, type: check, check: origin <> destination}
			        - {name: routes_route_key, type: unique, columns: [origin, destination]}
			""";

	/**
	 * Two users share a name, so a unique index on it cannot be built; the canary counts executed injections; a
	 * view outside the version schemas uses {@code ledger.code}.
	 */
	private static final String ROWS = """
			operations:
			  - sql:
			      up: |
			        CREATE SEQUENCE app.canary;
			        INSERT INTO app.users VALUES (1, 'a@example.com', 'alice', 30, NULL),
			          (2, 'b@example.com', 'bob', 40, 'bobby'), (3, 'c@example.com', 'bob', NULL, NULL);
			        INSERT INTO app.orders (user_id, amount, note) VALUES (1, 10, 'first'), (2, 20, NULL);
			        INSERT INTO app.tags VALUES ('red'), ('green');
			        INSERT INTO app.ledger (id, net, code) VALUES (1, 10, 'L-1');
			        INSERT INTO app.routes VALUES (1, 'a', 'b', 10), (2, 'b', 'a', NULL);
			        CREATE VIEW app.ledger_codes AS SELECT id, code FROM app.ledger;
			""";

	/** A valid migration with triggers and a backfill, started under the name of a failed one. */
	private static final String VALID = """
			operations:
			  - add_column:
			      table: users
			      up: upper(name)
			      column: {name: shout, type: text, nullable: true}
			""";

	private static Pgroll pgroll;

	@BeforeAll
	static void createBaseline(TestDatabase database) {
		// Strict: an unresolved name in down is rejected, not only warned about (see the test below).
		pgroll = Pgroll.configure().dataSource(database.dataSource()).schema(SCHEMA).strictDownExpressions(true).load();
		pgroll.start(MigrationParser.parse("001_tables.yaml", TABLES));
		pgroll.complete();
		pgroll.start(MigrationParser.parse("002_rows.yaml", ROWS));
		pgroll.complete();
	}

	@Test
	void byDefaultAnUnresolvedNameInDownIsAWarningAsPgrollAcceptsSuchFiles(TestDatabase database) {
		Pgroll lenient = Pgroll.configure().dataSource(database.dataSource()).schema(SCHEMA).load();
		String file = "drop_column_down_unknown_column.yaml";
		StartResult started = lenient.start(MigrationParser.parse(FOLDER + file, resource(FOLDER + file)));
		try {
			assertThat(started.warnings()).singleElement()
				.asString()
				.contains(file + ": operations[0] (drop_column), field down")
				.contains("will fail when the new version writes");
		}
		finally {
			lenient.rollback();
		}
	}

	/**
	 * A case that wrongly succeeds leaves its migration active, which would make every later case fail with "still
	 * active"; rolling it back keeps one engine bug from hiding behind a hundred follow-up failures.
	 */
	@AfterEach
	void leaveNoActiveMigration() {
		if (pgroll.status().activeMigration() != null) {
			pgroll.rollback();
		}
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("expectations")
	void badMigrationIsRejectedWithItsLocationAndChangesNothing(Expectation expected, TestDatabase database) {
		CatalogSnapshot catalogBefore = database.catalogSnapshot();
		MigrationStatus statusBefore = pgroll.status();

		Throwable thrown = catchThrowable(() -> start(expected.file()));

		SoftAssertions softly = new SoftAssertions();
		softly.assertThat(thrown).as("exception").isExactlyInstanceOf(expected.type());
		if (thrown != null) {
			String message = thrown.getMessage();
			softly.assertThat(message).as("message names the file").contains(expected.file());
			if (expected.index() >= 0) {
				softly.assertThat(message).as("message names the operation")
					.contains("operations[" + expected.index() + "]");
			}
			if (expected.kind() != null) {
				softly.assertThat(message).as("message names the operation kind").contains(expected.kind());
			}
			if (expected.field() != null) {
				softly.assertThat(message).as("message names the field").contains(expected.field());
			}
			if (thrown instanceof MigrationValidationException invalid) {
				softly.assertThat(invalid.source()).as("source").isEqualTo(FOLDER + expected.file());
				softly.assertThat(invalid.operationIndex()).as("operationIndex").isEqualTo(expected.index());
				softly.assertThat(invalid.operation()).as("operation").isEqualTo(expected.kind());
				softly.assertThat(invalid.field()).as("field").isEqualTo(expected.field());
			}
			if (thrown instanceof MigrationParseException unreadable && expected.field() != null) {
				softly.assertThat(unreadable.location()).as("location").endsWith(expected.field());
			}
		}
		softly.assertThat(catalogBefore.diff(database.catalogSnapshot())).as("catalog changes").isEmpty();
		softly.assertThat(pgroll.status()).as("migration status").isEqualTo(statusBefore);
		softly.assertAll();
	}

	/**
	 * Fragments that try to end the expression and run their own statements. If any of it reached the server, even
	 * in a transaction that was rolled back, the canary sequence would have moved (sequences ignore rollback).
	 */
	@ParameterizedTest(name = "{0}")
	@MethodSource("injectionAttempts")
	void injectedSqlIsNeverExecuted(Expectation expected, TestDatabase database) {
		String canary = canary(database);

		Throwable thrown = catchThrowable(() -> start(expected.file()));

		assertThat(thrown).isInstanceOf(MigrationValidationException.class)
			.hasMessageContaining(expected.file())
			.hasMessageContaining(expected.field());
		assertThat(database.queryForString("SELECT to_regclass('app.users')::text")).isEqualTo("app.users");
		assertThat(database.queryForLong("SELECT count(*) FROM app.users")).isEqualTo(3);
		assertThat(canary(database)).as("canary sequence").isEqualTo(canary);
		assertThat(pwnedTables(database)).isZero();
	}

	/** Validation alone runs probes on the server; none of them may run what a fragment smuggles in either. */
	@ParameterizedTest(name = "{0}")
	@MethodSource("injectionAttempts")
	void injectedSqlIsNeverExecutedByValidationAlone(Expectation expected, TestDatabase database) {
		String canary = canary(database);
		CatalogSnapshot catalogBefore = database.catalogSnapshot();

		Throwable thrown = catchThrowable(() -> pgroll
			.validate(MigrationParser.parse(FOLDER + expected.file(), resource(FOLDER + expected.file()))));

		assertThat(thrown).isInstanceOf(MigrationValidationException.class)
			.hasMessageContaining(expected.file())
			.hasMessageContaining(expected.field());
		assertThat(canary(database)).as("canary sequence").isEqualTo(canary);
		assertThat(pwnedTables(database)).isZero();
		assertThat(catalogBefore.diff(database.catalogSnapshot())).as("catalog changes").isEmpty();
	}

	/**
	 * A failed start leaves no state row, lock or version schema behind, whichever phase it failed in: a valid
	 * migration of the very same name starts afterwards.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "add_column_missing_table.yaml", "sql_up_second_statement_fails.json",
			"create_index_unique_over_duplicate_rows.yaml", "create_index_second_of_two_fails.yaml",
			"add_column_up_fails_during_backfill.yaml", "create_constraint_unique_up_produces_duplicates.json",
			"create_constraint_check_violated_after_up.yaml", "alter_column_not_null_up_leaves_nulls.yaml" })
	void aValidMigrationOfTheSameNameStartsAfterAFailedStart(String file, TestDatabase database) {
		CatalogSnapshot catalogBefore = database.catalogSnapshot();
		MigrationStatus statusBefore = pgroll.status();
		assertThat(catchThrowable(() -> start(file))).isInstanceOf(PgrollException.class);

		String name = MigrationParser.nameOf(file);
		StartResult started = pgroll.start(MigrationParser.parse(name + ".yaml", VALID));
		assertThat(started.versionSchema()).isEqualTo(SCHEMA + "_" + name);
		assertThat(pgroll.status().activeMigration().name()).isEqualTo(name);
		assertThat(database.queryForString("SELECT shout FROM \"" + started.versionSchema() + "\".users WHERE id = 1"))
			.isEqualTo("ALICE");

		pgroll.rollback();
		assertThat(catalogBefore.diff(database.catalogSnapshot())).as("catalog changes").isEmpty();
		assertThat(pgroll.status()).isEqualTo(statusBefore);
	}

	/** The other side of the 64-byte cases: exactly 63 bytes, ASCII or multibyte, is a valid name. */
	@Test
	void namesOfExactly63BytesAreAccepted(TestDatabase database) {
		String euro21 = "\u20ac".repeat(21);
		String ascii63 = "c".repeat(63);
		String mixed63 = "\u00e9".repeat(31) + "x";
		String migration = """
				operations:
				  - create_table:
				      name: %1$s
				      columns:
				        - {name: %2$s, type: integer, pk: true}
				        - name: %3$s
				          type: integer
				          check: {name: %1$s, constraint: "%3$s > 0"}
				  - create_index:
				      name: %3$s
				      table: %1$s
				      columns:
				        - column: %3$s
				  - add_column:
				      table: users
				      column: {name: %2$s, type: text, nullable: true, unique: true}
				""".formatted(euro21, ascii63, mixed63);
		CatalogSnapshot catalogBefore = database.catalogSnapshot();

		pgroll.start(MigrationParser.parse("names_of_63_bytes.yaml", migration));
		assertThat(database.queryForLong("SELECT count(*) FROM pg_class WHERE relnamespace = 'app'::regnamespace "
				+ "AND relname IN (?, ?)", euro21, mixed63)).isEqualTo(2);

		pgroll.rollback();
		assertThat(catalogBefore.diff(database.catalogSnapshot())).as("catalog changes").isEmpty();
	}

	/** The table below and the folder must agree, so no file goes untested and no expectation goes stale. */
	@Test
	void everyFileHasExactlyOneExpectation() throws IOException, URISyntaxException {
		URL folder = BadInputTests.class.getClassLoader().getResource(FOLDER);
		assertThat(folder).isNotNull();
		List<String> files;
		try (Stream<Path> entries = Files.list(Path.of(folder.toURI()))) {
			files = entries.map((path) -> path.getFileName().toString()).toList();
		}
		List<String> expected = EXPECTATIONS.stream().map(Expectation::file).toList();
		assertThat(expected).doesNotHaveDuplicates();
		assertThat(files).containsExactlyInAnyOrderElementsOf(expected);
		assertThat(files).hasSizeGreaterThanOrEqualTo(60);
	}

	static Stream<Expectation> expectations() {
		return EXPECTATIONS.stream();
	}

	static Stream<Expectation> injectionAttempts() {
		return EXPECTATIONS.stream().filter((expected) -> expected.file().startsWith("injection_"));
	}

	private static StartResult start(String file) {
		Migration migration = MigrationParser.parse(FOLDER + file, resource(FOLDER + file));
		return pgroll.start(migration);
	}

	private static long pwnedTables(TestDatabase database) {
		return database.queryForLong("SELECT count(*) FROM pg_class WHERE relname LIKE 'pwned%'");
	}

	private static String canary(TestDatabase database) {
		return database.queryForString("SELECT last_value || '/' || is_called FROM app.canary");
	}

	/** The file's bytes, so that the parser decodes them as it decodes files from disk. */
	private static byte[] resource(String path) {
		try (InputStream in = BadInputTests.class.getClassLoader().getResourceAsStream(path)) {
			assertThat(in).as(path).isNotNull();
			return in.readAllBytes();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * What a file must produce.
	 *
	 * @param file the file under {@code bad-input/}
	 * @param type the exception: unreadable file, invalid against the schema, or failed on the server
	 * @param index the operation the message must name, or -1 when the fault is the file as a whole
	 * @param kind the operation kind the message must name, or {@code null}
	 * @param field the field the message must name (a path inside the operation, or a top-level key), or
	 * {@code null}
	 */
	record Expectation(String file, Class<? extends PgrollException> type, int index, String kind, String field) {

		@Override
		public String toString() {
			return this.file;
		}

	}

	private static Expectation parse(String file, int index, String kind, String field) {
		return new Expectation(file, MigrationParseException.class, index, kind, field);
	}

	private static Expectation invalid(String file, int index, String kind, String field) {
		return new Expectation(file, MigrationValidationException.class, index, kind, field);
	}

	private static Expectation failed(String file, int index, String kind, String field) {
		return new Expectation(file, MigrationExecutionException.class, index, kind, field);
	}

	// @formatter:off
	private static final List<Expectation> EXPECTATIONS = List.of(
		// parse errors: the document
		parse("malformed_json_unclosed_brace.json", -1, null, null),
		parse("malformed_json_trailing_comma.json", -1, null, null),
		parse("malformed_yaml_unclosed_flow.yaml", -1, null, null),
		parse("malformed_yaml_tab_indentation.yaml", -1, null, null),
		parse("duplicate_key.json", -1, null, null),
		parse("duplicate_key.yaml", -1, null, null),
		parse("empty_file.json", -1, null, null),
		parse("empty_file.yaml", -1, null, null),
		parse("comment_only.yaml", -1, null, null),
		parse("top_level_list.json", -1, null, null),
		parse("top_level_scalar.yaml", -1, null, null),
		parse("missing_operations.yaml", -1, null, "operations"),
		parse("operations_not_a_list.json", -1, null, "operations"),
		parse("operations_null.yaml", -1, null, "operations"),
		parse("unknown_top_level_key.yaml", -1, null, "migrations"),
		parse("version_schema_not_a_string.yaml", -1, null, "version_schema"),
		// parse errors: the file's encoding, YAML aliases
		parse("invalid_utf8.yaml", -1, null, null),
		parse("utf16_with_byte_order_mark.json", -1, null, null),
		parse("yaml_alias_without_anchor.yaml", -1, null, null),
		parse("yaml_aliases_expanding_beyond_the_limit.yaml", -1, null, null),
		// parse errors: PostgreSQL text cannot hold NUL, so any string with one is refused, wherever it is
		parse("sql_up_with_nul.json", 0, "sql", "up"),
		parse("add_column_up_with_nul.yaml", 0, "add_column", "up"),
		parse("create_table_column_name_with_nul.json", 0, "create_table", "columns[0].name"),
		// parse errors: the migration name must be there to see
		parse("migration_name_empty.yaml", -1, null, "name"),
		parse("migration_name_with_zero_width_space.yaml", -1, null, "name"),
		// parse errors: operation objects
		parse("operation_with_no_key.json", 0, null, null),
		parse("operation_with_two_keys.yaml", 0, "rename_table", null),
		parse("operation_not_an_object.yaml", 0, null, null),
		parse("unknown_operation.yaml", 1, "create_tabel", null),
		parse("operation_body_not_an_object.json", 0, "drop_table", null),
		// parse errors: unknown fields at every level
		parse("unknown_field_in_operation_body.yaml", 0, "rename_table", "cascade"),
		parse("unknown_field_in_column.yaml", 0, "create_table", "columns[1].nulable"),
		parse("unknown_field_in_check.json", 0, "add_column", "column.check.expression"),
		parse("unknown_field_in_references.yaml", 0, "create_table", "columns[1].references.columns"),
		parse("unknown_field_in_constraint.yaml", 0, "create_table", "constraints[0].expression"),
		parse("unknown_field_in_constraint_references.json", 0, "create_table", "constraints[0].references.column"),
		parse("unknown_field_in_index_column.yaml", 0, "create_index", "columns[0].order"),
		parse("unknown_field_in_opclass.json", 0, "create_index", "columns[0].opclass.parameters"),
		parse("unknown_field_in_identity.yaml", 0, "create_table", "columns[0].generated.identity.start"),
		parse("unknown_field_in_generated.yaml", 0, "create_table", "columns[1].generated.stored"),
		parse("unknown_field_in_exclude.yaml", 0, "create_table", "constraints[0].exclude.using"),
		parse("unknown_field_in_index_parameters.json", 0, "create_table", "constraints[0].index_parameters.fillfactor"),
		parse("unknown_field_in_replica_identity.yaml", 0, "set_replica_identity", "identity.name"),
		parse("sql_on_complete_in_snake_case.yaml", 0, "sql", "on_complete"),
		// parse errors: wrong value types
		parse("wrong_type_string_for_bool.json", 0, "add_column", "column.nullable"),
		parse("wrong_type_word_for_bool.yaml", 0, "add_column", "column.unique"),
		parse("wrong_type_list_for_string.yaml", 0, "add_column", "table"),
		parse("wrong_type_object_for_list.json", 0, "create_table", "columns"),
		parse("wrong_type_string_for_list.yaml", 0, "create_index", "columns"),
		parse("wrong_type_number_for_string.yaml", 0, "add_column", "column.default"),
		parse("wrong_type_bool_for_string.json", 0, "create_table", "columns[0].type"),
		parse("wrong_type_object_for_string.yaml", 0, "add_column", "up"),
		parse("wrong_type_string_for_object.json", 0, "add_column", "column"),
		parse("wrong_type_string_for_index_column.yaml", 0, "create_index", "columns[0]"),
		// validation: missing required fields
		invalid("create_table_missing_name.yaml", 0, "create_table", "name"),
		invalid("create_table_missing_columns.json", 0, "create_table", "columns"),
		invalid("create_table_empty_columns.yaml", 0, "create_table", "columns"),
		invalid("create_table_column_missing_name.json", 0, "create_table", "columns[0].name"),
		invalid("create_table_column_missing_type.yaml", 0, "create_table", "columns[1].type"),
		invalid("create_table_check_missing_constraint.yaml", 0, "create_table", "columns[0].check.constraint"),
		invalid("create_table_references_missing_column.json", 0, "create_table", "columns[1].references.column"),
		invalid("create_table_constraint_missing_type.yaml", 0, "create_table", "constraints[0].type"),
		invalid("add_column_missing_table.yaml", 0, "add_column", "table"),
		invalid("add_column_missing_column.yaml", 0, "add_column", "column"),
		invalid("drop_column_missing_column.json", 0, "drop_column", "column"),
		invalid("rename_table_missing_to.json", 0, "rename_table", "to"),
		invalid("rename_column_missing_to.yaml", 0, "rename_column", "to"),
		invalid("rename_constraint_missing_from.yaml", 0, "rename_constraint", "from"),
		invalid("create_index_missing_name.json", 0, "create_index", "name"),
		invalid("create_index_missing_columns.yaml", 0, "create_index", "columns"),
		invalid("drop_index_missing_name.yaml", 0, "drop_index", "name"),
		invalid("set_replica_identity_missing_identity.yaml", 0, "set_replica_identity", "identity"),
		invalid("set_replica_identity_index_without_index_name.json", 0, "set_replica_identity", "identity.index"),
		// PostgreSQL only takes a unique, non-partial index on NOT NULL columns as replica identity.
		invalid("set_replica_identity_non_unique_index.json", 0, "set_replica_identity", "identity.index"),
		invalid("sql_missing_up.yaml", 0, "sql", "up"),
		// a sql operation may not end or mark the engine's transaction, nor change the role it runs as
		invalid("sql_up_commits_halfway.yaml", 0, "sql", "up"),
		invalid("sql_down_rolls_back.json", 0, "sql", "down"),
		invalid("sql_up_savepoint.yaml", 0, "sql", "up"),
		invalid("sql_up_resets_role.yaml", 0, "sql", "up"),
		invalid("sql_up_sets_session_authorization.yaml", 0, "sql", "up"),
		invalid("sql_up_set_config_role.json", 0, "sql", "up"),
		invalid("sql_on_complete_commits.yaml", 0, "sql", "up"),
		invalid("sql_blank_up.json", 0, "sql", "up"),
		invalid("empty_operations_list.yaml", -1, null, "operations"),
		// validation: objects that do not exist
		invalid("add_column_unknown_table.yaml", 0, "add_column", "table"),
		invalid("drop_column_unknown_column.yaml", 0, "drop_column", "column"),
		invalid("drop_table_unknown_table.json", 0, "drop_table", "name"),
		invalid("rename_table_unknown_table.yaml", 0, "rename_table", "from"),
		invalid("rename_column_unknown_column.json", 0, "rename_column", "from"),
		invalid("create_index_unknown_table.yaml", 0, "create_index", "table"),
		invalid("create_index_unknown_column.yaml", 0, "create_index", "columns[1].column"),
		invalid("drop_index_unknown_index.yaml", 0, "drop_index", "name"),
		invalid("rename_constraint_unknown_constraint.json", 0, "rename_constraint", "from"),
		invalid("set_replica_identity_unknown_index.yaml", 0, "set_replica_identity", "identity.index"),
		invalid("create_table_fk_to_missing_table.yaml", 0, "create_table", "columns[1].references.table"),
		invalid("create_table_fk_to_missing_column.json", 0, "create_table", "constraints[0].references.columns[0]"),
		// A foreign key needs a primary key or unique constraint on the referenced column.
		invalid("create_table_fk_to_non_unique_column.yaml", 0, "create_table", "columns[1].references.column"),
		invalid("add_column_fk_to_missing_column.yaml", 0, "add_column", "column.references.column"),
		invalid("create_table_constraint_unknown_column.yaml", 0, "create_table", "constraints[0].columns[0]"),
		invalid("add_column_to_table_dropped_earlier.yaml", 1, "add_column", "table"),
		invalid("second_operation_invalid.json", 1, "drop_column", "column"),
		// validation: names already taken
		invalid("create_table_table_exists.yaml", 0, "create_table", "name"),
		invalid("create_table_twice_in_one_migration.yaml", 1, "create_table", "name"),
		invalid("create_table_column_twice.yaml", 0, "create_table", "columns[2].name"),
		invalid("create_table_constraint_name_twice.json", 0, "create_table", "constraints[1].name"),
		invalid("add_column_column_exists.json", 0, "add_column", "column.name"),
		invalid("add_column_check_name_exists.yaml", 0, "add_column", "column.check.name"),
		invalid("add_column_fk_name_exists.json", 0, "add_column", "column.references.name"),
		invalid("create_index_index_exists.yaml", 0, "create_index", "name"),
		invalid("create_index_name_taken_by_table.yaml", 0, "create_index", "name"),
		invalid("rename_table_to_existing.yaml", 0, "rename_table", "to"),
		invalid("rename_column_to_existing.json", 0, "rename_column", "to"),
		invalid("rename_constraint_to_existing.yaml", 0, "rename_constraint", "to"),
		invalid("version_schema_already_exists.yaml", -1, null, "version_schema"),
		// validation: names over 63 bytes
		invalid("create_table_name_64_bytes.yaml", 0, "create_table", "name"),
		invalid("add_column_name_66_bytes_utf8.yaml", 0, "add_column", "column.name"),
		invalid("create_index_name_64_bytes_utf8.json", 0, "create_index", "name"),
		invalid("create_table_constraint_name_64_bytes.yaml", 0, "create_table", "constraints[0].name"),
		invalid("add_column_check_name_66_bytes_utf8.yaml", 0, "add_column", "column.check.name"),
		invalid("rename_table_to_64_bytes.json", 0, "rename_table", "to"),
		invalid("rename_column_to_66_bytes_utf8.yaml", 0, "rename_column", "to"),
		invalid("version_schema_too_long.yaml", -1, null, "version_schema"),
		invalid("version_schema_from_a_file_name_so_long_that_app_plus_it_exceeds_63_bytes.json", -1, null, null),
		// validation: characters a name may not have
		invalid("create_table_name_with_double_quote.yaml", 0, "create_table", "name"),
		invalid("add_column_name_with_semicolon.json", 0, "add_column", "column.name"),
		invalid("create_table_column_name_with_control_character.json", 0, "create_table", "columns[0].name"),
		invalid("create_table_name_with_newline.yaml", 0, "create_table", "name"),
		invalid("create_index_name_with_leading_space.yaml", 0, "create_index", "name"),
		invalid("rename_column_to_trailing_space.json", 0, "rename_column", "to"),
		invalid("create_table_reserved_prefix.yaml", 0, "create_table", "name"),
		invalid("add_column_reserved_prefix.yaml", 0, "add_column", "column.name"),
		invalid("create_index_reserved_prefix.json", 0, "create_index", "name"),
		invalid("rename_table_to_reserved_prefix.yaml", 0, "rename_table", "to"),
		invalid("create_table_constraint_reserved_prefix.yaml", 0, "create_table", "constraints[0].name"),
		invalid("create_index_collate_with_double_quote.yaml", 0, "create_index", "columns[0].collate"),
		// validation: names with characters that cannot be seen, so that they look like other names
		invalid("create_table_name_with_zero_width_space.yaml", 0, "create_table", "name"),
		invalid("add_column_name_with_no_break_space.json", 0, "add_column", "column.name"),
		parse("rename_column_to_right_to_left_override.yaml", 0, "rename_column", "operations[0].rename_column.to"),
		invalid("create_index_name_with_decomposed_accent.yaml", 0, "create_index", "name"),
		parse("create_table_constraint_name_with_left_to_right_isolate.json", 0, "create_table",
				"operations[0].create_table.constraints[0].name"),
		invalid("version_schema_with_zero_width_joiner.yaml", -1, null, "version_schema"),
		// validation: SQL that does not compile
		invalid("add_column_up_syntax_error.yaml", 0, "add_column", "up"),
		invalid("add_column_up_unknown_column.json", 0, "add_column", "up"),
		invalid("add_column_up_unknown_function.yaml", 0, "add_column", "up"),
		invalid("add_column_up_type_mismatch.yaml", 0, "add_column", "up"),
		// PostgreSQL has no assignment cast from text to integer: up must not return text for an integer column.
		invalid("add_column_up_returns_text_for_integer.yaml", 0, "add_column", "up"),
		invalid("add_column_default_syntax_error.json", 0, "add_column", "column.default"),
		invalid("add_column_default_unknown_function.yaml", 0, "add_column", "column.default"),
		invalid("add_column_default_type_mismatch.yaml", 0, "add_column", "column.default"),
		invalid("add_column_default_refers_to_column.yaml", 0, "add_column", "column.default"),
		// PostgreSQL refuses a text default for an integer column (no assignment cast), so the DDL cannot succeed.
		invalid("add_column_default_text_for_integer.yaml", 0, "add_column", "column.default"),
		invalid("add_column_check_unknown_column.json", 0, "add_column", "column.check.constraint"),
		invalid("create_table_check_syntax_error.yaml", 0, "create_table", "constraints[0].check"),
		// CHECK needs a boolean expression; an integer (though castable to boolean) is not one.
		invalid("create_table_check_not_boolean.yaml", 0, "create_table", "columns[0].check.constraint"),
		invalid("create_table_generated_unknown_column.yaml", 0, "create_table", "columns[1].generated.expression"),
		// A generation expression must be assignable to the column's type, as a default must.
		invalid("create_table_generated_type_mismatch.json", 0, "create_table", "columns[1].generated.expression"),
		invalid("create_table_generated_unknown_function.json", 0, "create_table", "columns[1].generated.expression"),
		invalid("create_table_default_type_mismatch.json", 0, "create_table", "columns[0].default"),
		invalid("create_table_exclude_predicate_unknown_column.yaml", 0, "create_table", "constraints[0].exclude.predicate"),
		invalid("create_index_predicate_unknown_column.yaml", 0, "create_index", "predicate"),
		// An index predicate needs a boolean expression; an integer (though castable to boolean) is not one.
		invalid("create_index_predicate_not_boolean.yaml", 0, "create_index", "predicate"),
		invalid("create_index_predicate_syntax_error.json", 0, "create_index", "predicate"),
		invalid("drop_column_down_unknown_column.yaml", 0, "drop_column", "down"),
		// down fills an integer column from a text one: no assignment cast exists, as for up.
		invalid("drop_column_down_returns_text_for_integer.yaml", 0, "drop_column", "down"),
		invalid("add_column_bad_type.yaml", 0, "add_column", "column.type"),
		invalid("add_column_type_with_comment.yaml", 0, "add_column", "column.type"),
		invalid("create_table_bad_type.json", 0, "create_table", "columns[1].type"),
		// validation: not one self-contained expression
		invalid("add_column_up_unbalanced_parentheses.yaml", 0, "add_column", "up"),
		invalid("add_column_up_extra_closing_parenthesis.json", 0, "add_column", "up"),
		invalid("add_column_default_stray_semicolon.yaml", 0, "add_column", "column.default"),
		invalid("create_table_check_unterminated_quote.yaml", 0, "create_table", "columns[0].check.constraint"),
		invalid("create_index_predicate_unterminated_comment.yaml", 0, "create_index", "predicate"),
		invalid("create_table_generated_stray_semicolon.json", 0, "create_table", "columns[1].generated.expression"),
		invalid("drop_column_down_unterminated_quoted_identifier.yaml", 0, "drop_column", "down"),
		invalid("create_table_check_breaks_out_of_parentheses.yaml", 0, "create_table", "constraints[0].check"),
		invalid("create_table_default_unterminated_dollar_quote.yaml", 0, "create_table", "columns[0].default"),
		// validation: injection attempts
		invalid("injection_in_add_column_up.yaml", 0, "add_column", "up"),
		invalid("injection_in_add_column_default.json", 0, "add_column", "column.default"),
		invalid("injection_in_check.yaml", 0, "create_table", "columns[0].check.constraint"),
		invalid("injection_in_generated_expression.json", 0, "create_table", "columns[1].generated.expression"),
		invalid("injection_in_create_index_predicate.json", 0, "create_index", "predicate"),
		invalid("injection_in_drop_column_down.yaml", 0, "drop_column", "down"),
		invalid("injection_in_table_name.yaml", 0, "create_table", "name"),
		invalid("injection_in_column_type.yaml", 0, "add_column", "column.type"),
		invalid("injection_in_storage_parameters.yaml", 0, "create_index", "storage_parameters"),
		invalid("injection_in_identity_sequence_options.json", 0, "create_table", "columns[0].generated.identity.sequence_options"),
		invalid("injection_in_exclude_elements.yaml", 0, "create_table", "constraints[0].exclude.elements"),
		invalid("injection_in_opclass_params.yaml", 0, "create_index", "columns[0].opclass.params[0]"),
		invalid("injection_in_index_parameters.json", 0, "create_table", "constraints[0].index_parameters.storage_parameters"),
		invalid("injection_in_version_schema.yaml", -1, null, "version_schema"),
		invalid("injection_in_default_comment_ended_by_carriage_return.yaml", 0, "add_column", "column.default"),
		invalid("injection_in_add_column_up_comment_ended_by_carriage_return.json", 0, "add_column", "up"),
		invalid("injection_in_check_comment_ended_by_carriage_return.yaml", 0, "add_column", "column.check.constraint"),
		invalid("injection_in_down_unicode_space_before_dollar_quote.yaml", 0, "drop_column", "down"),
		// validation: invalid enumerated values
		invalid("create_table_references_bad_on_delete.yaml", 0, "create_table", "columns[1].references.on_delete"),
		invalid("add_column_references_bad_on_update.json", 0, "add_column", "column.references.on_update"),
		invalid("create_table_constraint_bad_match_type.yaml", 0, "create_table", "constraints[0].references.match_type"),
		// pgroll's schema lists PARTIAL, but PostgreSQL has never implemented it: the DDL cannot succeed.
		invalid("create_table_fk_match_partial.json", 0, "create_table", "constraints[0].references.match_type"),
		invalid("create_index_bad_sort.yaml", 0, "create_index", "columns[0].sort"),
		invalid("create_index_bad_nulls.json", 0, "create_index", "columns[0].nulls"),
		invalid("create_index_bad_method.yaml", 0, "create_index", "method"),
		invalid("create_table_identity_bad_user_specified_values.yaml", 0, "create_table", "columns[0].generated.identity.user_specified_values"),
		invalid("set_replica_identity_bad_type.json", 0, "set_replica_identity", "identity.type"),
		invalid("create_table_exclude_bad_index_method.yaml", 0, "create_table", "constraints[0].exclude.index_method"),
		invalid("create_table_constraint_bad_type.json", 0, "create_table", "constraints[0].type"),
		// validation: rules of each operation
		invalid("add_column_not_null_without_default_or_up.yaml", 0, "add_column", "up"),
		invalid("add_column_pk.json", 0, "add_column", "column.pk"),
		invalid("add_column_generated.yaml", 0, "add_column", "column.generated"),
		invalid("add_column_identity.json", 0, "add_column", "column.generated"),
		invalid("add_column_serial.yaml", 0, "add_column", "column.type"),
		invalid("drop_column_not_null_without_down.yaml", 0, "drop_column", "down"),
		invalid("sql_without_on_complete_with_other_operation.yaml", 1, "sql", null),
		invalid("sql_down_with_on_complete.json", 0, "sql", "down"),
		invalid("create_table_primary_key_constraint_and_pk_column.yaml", 0, "create_table", "constraints[0]"),
		invalid("create_table_fk_column_count_mismatch.yaml", 0, "create_table", "constraints[0].references.columns"),
		invalid("create_table_on_delete_set_columns_with_cascade.json", 0, "create_table", "constraints[0].references.on_delete_set_columns"),
		invalid("create_table_on_delete_set_columns_not_in_key.yaml", 0, "create_table", "constraints[0].references.on_delete_set_columns"),
		invalid("create_table_check_constraint_deferrable.json", 0, "create_table", "constraints[0].deferrable"),
		invalid("create_table_exclude_with_columns.yaml", 0, "create_table", "constraints[0].columns"),
		invalid("create_table_exclude_without_exclude.json", 0, "create_table", "constraints[0].exclude"),
		invalid("create_table_unique_constraint_without_columns.yaml", 0, "create_table", "constraints[0].columns"),
		invalid("create_table_nulls_not_distinct_on_check.json", 0, "create_table", "constraints[0].nulls_not_distinct"),
		invalid("create_table_index_parameters_on_check.yaml", 0, "create_table", "constraints[0].index_parameters"),
		invalid("create_table_generated_expression_and_identity.yaml", 0, "create_table", "columns[0].generated"),
		invalid("create_table_generated_with_default.json", 0, "create_table", "columns[1].default"),
		invalid("drop_table_referenced_by_foreign_key.yaml", 0, "drop_table", "name"),
		invalid("drop_column_referenced_by_foreign_key.json", 0, "drop_column", "column"),
		invalid("drop_index_backing_a_constraint.yaml", 0, "drop_index", "name"),
		// execution: fails on the server during start
		failed("sql_up_fails_at_runtime.yaml", 0, "sql", "up"),
		failed("sql_up_second_statement_fails.json", 0, "sql", "up"),
		failed("create_index_unique_over_duplicate_rows.yaml", 0, "create_index", null),
		failed("create_index_second_of_two_fails.yaml", 2, "create_index", null),
		failed("add_column_up_fails_during_backfill.yaml", 0, "add_column", "up"),
		// alter_column: what it changes must exist and be a change
		invalid("alter_column_unknown_table.yaml", 0, "alter_column", "table"),
		invalid("alter_column_unknown_column.json", 0, "alter_column", "column"),
		invalid("alter_column_missing_column.yaml", 0, "alter_column", "column"),
		invalid("alter_column_changes_nothing.yaml", 0, "alter_column", null),
		invalid("alter_column_not_null_on_not_null_column.yaml", 0, "alter_column", "nullable"),
		invalid("alter_column_nullable_on_nullable_column.json", 0, "alter_column", "nullable"),
		// Rows holding NULL need a value from up; NULLs the new version writes need one from down.
		invalid("alter_column_not_null_without_up.yaml", 0, "alter_column", "up"),
		invalid("alter_column_nullable_without_down.json", 0, "alter_column", "down"),
		// default and comment take a string or null (to drop them), nothing else.
		invalid("alter_column_default_number.yaml", 0, "alter_column", "default"),
		invalid("alter_column_default_list.json", 0, "alter_column", "default"),
		invalid("alter_column_comment_number.json", 0, "alter_column", "comment"),
		invalid("alter_column_comment_list.yaml", 0, "alter_column", "comment"),
		invalid("alter_column_unique_name_exists.yaml", 0, "alter_column", "unique.name"),
		// The unique constraint's index would need the name of an existing index.
		invalid("alter_column_unique_name_taken_by_index.json", 0, "alter_column", "unique.name"),
		invalid("alter_column_check_name_exists.json", 0, "alter_column", "check.name"),
		invalid("alter_column_references_name_exists.yaml", 0, "alter_column", "references.name"),
		invalid("alter_column_check_syntax_error.yaml", 0, "alter_column", "check.constraint"),
		invalid("alter_column_check_not_boolean.json", 0, "alter_column", "check.constraint"),
		invalid("alter_column_unknown_type.yaml", 0, "alter_column", "type"),
		invalid("alter_column_up_text_for_integer.yaml", 0, "alter_column", "up"),
		// up defaults to the column itself, which does not fit the new type either.
		invalid("alter_column_type_change_without_up.json", 0, "alter_column", "up"),
		invalid("alter_column_fk_to_unknown_table.yaml", 0, "alter_column", "references.table"),
		invalid("alter_column_fk_to_unknown_column.json", 0, "alter_column", "references.column"),
		invalid("alter_column_fk_to_non_unique_column.yaml", 0, "alter_column", "references.column"),
		// Replacing these columns would need a table rewrite, or be blocked by the view at complete.
		invalid("alter_column_generated_column.yaml", 0, "alter_column", "column"),
		invalid("alter_column_used_by_generated_column.json", 0, "alter_column", "column"),
		invalid("alter_column_used_by_view.yaml", 0, "alter_column", "column"),
		invalid("alter_column_after_a_constraint_added_to_it.yaml", 1, "alter_column", "column"),
		// alter_column: rows the new column's constraints reject fail start (in the backfill, whose writes are
		// checked, or when the index is built or the constraint validated at its end), which is rolled back
		failed("alter_column_unique_over_duplicate_rows.yaml", 0, "alter_column", null),
		failed("alter_column_check_violated_by_existing_rows.json", 0, "alter_column", null),
		failed("alter_column_not_null_up_leaves_nulls.yaml", 0, "alter_column", null),
		// create_constraint
		invalid("create_constraint_unknown_table.yaml", 0, "create_constraint", "table"),
		invalid("create_constraint_unknown_column.json", 0, "create_constraint", "columns[1]"),
		invalid("create_constraint_missing_up_entry.yaml", 0, "create_constraint", "up.nickname"),
		invalid("create_constraint_without_down.json", 0, "create_constraint", "down"),
		invalid("create_constraint_blank_down_entry.yaml", 0, "create_constraint", "down.nickname"),
		invalid("create_constraint_up_for_other_column.yaml", 0, "create_constraint", "up.age"),
		invalid("create_constraint_duplicate_columns.yaml", 0, "create_constraint", "columns[1]"),
		// pgroll's create_constraint has no exclude type.
		invalid("create_constraint_unknown_type.json", 0, "create_constraint", "type"),
		invalid("create_constraint_missing_type.yaml", 0, "create_constraint", "type"),
		invalid("create_constraint_primary_key_when_table_has_one.yaml", 0, "create_constraint", "type"),
		invalid("create_constraint_check_without_check.json", 0, "create_constraint", "check"),
		invalid("create_constraint_foreign_key_without_references.yaml", 0, "create_constraint", "references"),
		invalid("create_constraint_fk_column_count_mismatch.json", 0, "create_constraint", "references.columns"),
		// users has keys on (id) and (email), none on (id, name).
		invalid("create_constraint_fk_to_non_unique_columns.yaml", 0, "create_constraint", "references.columns"),
		invalid("create_constraint_fk_to_unknown_table.json", 0, "create_constraint", "references.table"),
		invalid("create_constraint_fk_to_unknown_column.yaml", 0, "create_constraint", "references.columns[1]"),
		invalid("create_constraint_name_exists.yaml", 0, "create_constraint", "name"),
		invalid("create_constraint_check_not_boolean.json", 0, "create_constraint", "check"),
		invalid("create_constraint_check_unknown_column.yaml", 0, "create_constraint", "check"),
		invalid("create_constraint_up_text_for_integer.yaml", 0, "create_constraint", "up.age"),
		invalid("create_constraint_index_parameters_on_check.json", 0, "create_constraint", "index_parameters"),
		// create_constraint: rows that still violate the constraint after up fail start, as for alter_column
		failed("create_constraint_check_violated_after_up.yaml", 0, "create_constraint", null),
		failed("create_constraint_unique_up_produces_duplicates.json", 0, "create_constraint", null),
		failed("create_constraint_fk_existing_rows_dangle.yaml", 0, "create_constraint", null),
		// drop_constraint (single column) and drop_multicolumn_constraint
		invalid("drop_constraint_unknown_table.yaml", 0, "drop_constraint", "table"),
		invalid("drop_constraint_unknown_constraint.json", 0, "drop_constraint", "name"),
		// Only check, foreign key and unique constraints can be dropped.
		invalid("drop_constraint_primary_key.yaml", 0, "drop_constraint", "name"),
		invalid("drop_constraint_multi_column_constraint.json", 0, "drop_constraint", "name"),
		invalid("drop_constraint_without_down.yaml", 0, "drop_constraint", "down"),
		// up and down are single expressions here: the error names the field as the file spells it.
		invalid("drop_constraint_down_text_for_integer.yaml", 0, "drop_constraint", "down"),
		invalid("drop_constraint_up_unknown_column.json", 0, "drop_constraint", "up"),
		invalid("drop_multicolumn_constraint_unknown_constraint.yaml", 0, "drop_multicolumn_constraint", "name"),
		invalid("drop_multicolumn_constraint_primary_key.json", 0, "drop_multicolumn_constraint", "name"),
		invalid("drop_multicolumn_constraint_missing_down_entry.yaml", 0, "drop_multicolumn_constraint", "down.destination"),
		invalid("drop_multicolumn_constraint_without_down.json", 0, "drop_multicolumn_constraint", "down"),
		invalid("drop_multicolumn_constraint_up_for_other_column.yaml", 0, "drop_multicolumn_constraint", "up.weight"),
		invalid("drop_multicolumn_constraint_down_for_other_column.json", 0, "drop_multicolumn_constraint", "down.id")
	);
	// @formatter:on

}
