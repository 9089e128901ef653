package dev.pgroll4j.core.migration;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.pgroll4j.core.MigrationParseException;
import dev.pgroll4j.core.operations.CreateTable;
import dev.pgroll4j.core.operations.RawSql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class MigrationParserTests {

	@Test
	void takesTheNameFromTheFileNameWithoutItsLastExtension() {
		Migration migration = MigrationParser.parse("db/pgroll/03.migration.3.yml", "operations: []");
		assertThat(migration.name()).isEqualTo("03.migration.3");
		assertThat(migration.versionSchemaFor("public")).isEqualTo("public_03.migration.3");
	}

	@Test
	void readsJsonAndYamlAlike() {
		Migration yaml = MigrationParser.parse("01_a.yaml", """
				operations:
				  - create_table:
				      name: t
				      columns:
				        - {name: id, type: integer, pk: true}
				""");
		Migration json = MigrationParser.parse("01_a.json", """
				{"operations": [{"create_table": {"name": "t", "columns": [{"name": "id", "type": "integer", "pk": true}]}}]}
				""");
		assertThat(yaml.operations()).isEqualTo(json.operations());
		assertThat(yaml.json()).isEqualTo(json.json());
		CreateTable table = (CreateTable) yaml.operations().get(0);
		assertThat(table.columns().get(0).isPrimaryKey()).isTrue();
		assertThat(table.columns().get(0).isNullable()).isFalse();
	}

	@Test
	void versionSchemaOverridesTheNameInTheVersionSchema() {
		Migration migration = MigrationParser.parse("01_a.yaml", "version_schema: v1\noperations: []");
		assertThat(migration.versionSchemaFor("app")).isEqualTo("app_v1");
		assertThat(migration.json()).isEqualTo("{\"version_schema\":\"v1\",\"operations\":[]}");
	}

	@Test
	void readsCamelCaseOnComplete() {
		Migration migration = MigrationParser.parse("01_a.yaml", """
				operations:
				  - sql: {up: "ALTER TABLE t ADD COLUMN c int", onComplete: true}
				""");
		assertThat(((RawSql) migration.operations().get(0)).onComplete()).isTrue();
	}

	@Test
	void scalarsAreNotCoercedBetweenTypes() {
		assertThatExceptionOfType(MigrationParseException.class)
			.isThrownBy(() -> MigrationParser.parse("x.yaml", """
					operations:
					  - add_column: {table: t, column: {name: n, type: int, default: 5}}
					"""))
			.withMessageContaining("operations[0].add_column.column.default: must be a string");
		assertThatExceptionOfType(MigrationParseException.class)
			.isThrownBy(() -> MigrationParser.parse("x.json", """
					{"operations": [{"add_column": {"table": "t", "column": {"name": "n", "type": "int", "nullable": "true"}}}]}
					"""))
			.withMessageContaining("operations[0].add_column.column.nullable: must be true or false");
	}

	@Test
	void aFileNameKeyNamesTheMigrationAsInOlderPgrollFiles() {
		assertThat(MigrationParser.parse("01_file.yaml", "name: 01_declared\noperations: []").name())
			.isEqualTo("01_declared");
	}

	@Test
	void unknownFieldsAreErrorsThatNameTheFileAndPath() {
		assertThatExceptionOfType(MigrationParseException.class)
			.isThrownBy(() -> MigrationParser.parse("02_b.yaml", """
					operations:
					  - create_table: {name: t, columns: [{name: id, type: int}]}
					  - add_column: {table: t, column: {name: c, type: int, nulable: true}}
					"""))
			.withMessageContaining("02_b.yaml")
			.withMessageContaining("operations[1].add_column.column.nulable")
			.withMessageContaining("unknown field \"nulable\"");
	}

	@Test
	void unknownOperationsAreErrorsListingTheKnownOnes() {
		assertThatExceptionOfType(MigrationParseException.class)
			.isThrownBy(() -> MigrationParser.parse("02_b.json", "{\"operations\": [{\"create_tabel\": {}}]}"))
			.withMessageContaining("operations[0]")
			.withMessageContaining("unknown operation \"create_tabel\"")
			.withMessageContaining("create_table");
	}

	@Test
	void anOperationHasExactlyOneKey() {
		assertThatExceptionOfType(MigrationParseException.class)
			.isThrownBy(() -> MigrationParser.parse("x.yaml", """
					operations:
					  - drop_table: {name: a}
					    drop_index: {name: b}
					"""))
			.withMessageContaining("exactly one key");
	}

	@Test
	void wrongValueTypesAreErrorsThatNameTheField() {
		assertThatExceptionOfType(MigrationParseException.class)
			.isThrownBy(() -> MigrationParser.parse("x.yaml", """
					operations:
					  - create_table: {name: t, columns: [{name: id, type: int, nullable: maybe}]}
					"""))
			.withMessageContaining("operations[0].create_table.columns[0].nullable");
	}

	@Test
	void malformedDocumentsSayWhere() {
		assertThatExceptionOfType(MigrationParseException.class)
			.isThrownBy(() -> MigrationParser.parse("x.yaml", "operations: [\n  - {a: 1\n"))
			.withMessageContaining("x.yaml")
			.withMessageContaining("not valid YAML")
			.withMessageContaining("line");
		assertThatExceptionOfType(MigrationParseException.class)
			.isThrownBy(() -> MigrationParser.parse("x.json", "{\"operations\": [}"))
			.withMessageContaining("not valid JSON");
		assertThatExceptionOfType(MigrationParseException.class)
			.isThrownBy(() -> MigrationParser.parse("x.json", "{\"operations\": [], \"operations\": []}"))
			.withMessageContaining("not valid JSON");
	}

	@Test
	void theMigrationMustBeAnObjectWithOperations() {
		assertThatExceptionOfType(MigrationParseException.class).isThrownBy(() -> MigrationParser.parse("x.yaml", ""))
			.withMessageContaining("is empty");
		assertThatExceptionOfType(MigrationParseException.class)
			.isThrownBy(() -> MigrationParser.parse("x.yaml", "- a\n- b"))
			.withMessageContaining("must be an object");
		assertThatExceptionOfType(MigrationParseException.class)
			.isThrownBy(() -> MigrationParser.parse("x.yaml", "version_schema: v"))
			.withMessageContaining("operations: is required");
		assertThatExceptionOfType(MigrationParseException.class)
			.isThrownBy(() -> MigrationParser.parse("x.yaml", "operations: []\nextra: 1"))
			.withMessageContaining("extra: unknown field");
		assertThatExceptionOfType(MigrationParseException.class)
			.isThrownBy(() -> MigrationParser.parse("x.txt", "operations: []"))
			.withMessageContaining(".json, .yaml or .yml");
	}

	@Test
	void createIndexColumnsInAnOlderPgrollFormAreRefusedShowingTheCurrentShape() {
		// pgroll reads only the list of objects; a list of names and a map of settings are forms it dropped.
		MigrationParseException names = catchThrowableOfType(
				MigrationParseException.class, () -> MigrationParser.parse("04_index.yaml", """
						operations:
						  - create_table: {name: t, columns: [{name: id, type: integer, pk: true}]}
						  - create_index: {name: t_by_id, table: t, columns: [id]}
						"""));
		assertThat(names.source()).isEqualTo("04_index.yaml");
		assertThat(names.location()).isEqualTo("operations[1].create_index.columns[0]");
		assertThat(names).hasMessageContaining("must be an object")
			.hasMessageContaining("columns: [{column: name}, {column: created_at, sort: DESC, nulls: LAST}]")
			.hasMessageContaining("pgroll update rewrites it");
		assertThatExceptionOfType(MigrationParseException.class)
			.isThrownBy(() -> MigrationParser.parse("05_index.yaml", """
					operations:
					  - create_index: {name: t_by_id, table: t, columns: {id: {sort: DESC}}}
					"""))
			.withMessageStartingWith("05_index.yaml: operations[0].create_index.columns: must be a list; ")
			.withMessageContaining("columns: [{column: name}");
		// A wrong field inside a column object keeps its own message.
		assertThatExceptionOfType(MigrationParseException.class)
			.isThrownBy(() -> MigrationParser.parse("06_index.yaml", """
					operations:
					  - create_index: {name: t_by_id, table: t, columns: [{column: [id]}]}
					"""))
			.withMessageContaining("operations[0].create_index.columns[0].column: must be a string")
			.withMessageNotContaining("older pgroll form");
	}

	@Test
	void aFileOverTheSizeLimitIsRefusedBeforeItIsParsed() {
		// One line of 64 MiB: the YAML parser would take minutes over it (its time grows with the square of the
		// line's length), so only a refusal by size ends in time.
		byte[] huge = new byte[64 << 20];
		java.util.Arrays.fill(huge, (byte) 'x');
		assertTimeoutPreemptively(Duration.ofSeconds(10),
				() -> assertThatExceptionOfType(MigrationParseException.class)
					.isThrownBy(() -> MigrationParser.parse("01_huge.yaml", huge))
					.withMessageStartingWith("01_huge.yaml: is " + huge.length + " bytes")
					.withMessageContaining("at most 1048576 bytes"));
		String justOver = "{\"operations\": [], \"version_schema\": \"" + "v".repeat(MigrationParser.MAX_FILE_BYTES)
				+ "\"}";
		assertThatExceptionOfType(MigrationParseException.class)
			.isThrownBy(() -> MigrationParser.parse("02_big.json", justOver))
			.withMessageContaining("02_big.json: is " + justOver.length() + " bytes");
		// The limit is on bytes: 400,000 three-byte characters are 1.2 MB.
		String multibyte = "operations: []\n# " + "\u20ac".repeat(400_000);
		assertThatExceptionOfType(MigrationParseException.class)
			.isThrownBy(() -> MigrationParser.parse("03_euros.yaml", multibyte))
			.withMessageContaining("is " + (multibyte.length() + 2 * 400_000) + " bytes");
	}

	@Test
	void aFileOfExactlyTheSizeLimitIsParsedInSecondsEvenAsOneLongLine() {
		// SnakeYAML's default buffer made this one line take 10 s or more (its time grows with the square of the
		// line's length); the larger buffer makes it under a second.
		String head = "operations: []\n# ";
		byte[] exact = (head + "x".repeat(MigrationParser.MAX_FILE_BYTES - head.length()))
			.getBytes(StandardCharsets.UTF_8);
		assertTimeoutPreemptively(Duration.ofSeconds(5),
				() -> assertThat(MigrationParser.parse("01_exact.yaml", exact).operations()).isEmpty());
	}

	@Test
	void invalidUtf8IsAnErrorThatNamesTheFileAndTheByteOffset() {
		byte[] latin1 = "operations: []\n# caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1);
		assertThatExceptionOfType(MigrationParseException.class)
			.isThrownBy(() -> MigrationParser.parse("01_latin1.yaml", latin1))
			.withMessage("01_latin1.yaml: is not valid UTF-8: byte 0xE9 at byte offset 20 (line 2, byte 6 of the line)"
					+ " does not form a character; save the file as UTF-8");
		byte[] truncated = "{\"operations\": []}\u20ac".getBytes(StandardCharsets.UTF_8);
		byte[] cut = java.util.Arrays.copyOf(truncated, truncated.length - 1);
		assertThatExceptionOfType(MigrationParseException.class)
			.isThrownBy(() -> MigrationParser.parse("02_cut.json", cut))
			.withMessageContaining("02_cut.json: is not valid UTF-8: bytes 0xE2 0x82 at byte offset 18");
		byte[] utf16 = "operations: []".getBytes(StandardCharsets.UTF_16);
		assertThatExceptionOfType(MigrationParseException.class)
			.isThrownBy(() -> MigrationParser.parse("03_utf16.yaml", utf16))
			.withMessageContaining("UTF-16 byte order mark");
	}

	@Test
	void aLeadingByteOrderMarkIsSkippedInJsonAndYaml() {
		byte[] bom = { (byte) 0xEF, (byte) 0xBB, (byte) 0xBF };
		byte[] json = concat(bom, "{\"operations\": [{\"drop_table\": {\"name\": \"t\"}}]}".getBytes(StandardCharsets.UTF_8));
		byte[] yaml = concat(bom, "operations:\n  - drop_table: {name: t}\n".getBytes(StandardCharsets.UTF_8));
		assertThat(MigrationParser.parse("01_a.json", json).operations()).hasSize(1);
		assertThat(MigrationParser.parse("01_a.yaml", yaml).operations()).hasSize(1);
		assertThat(MigrationParser.parse("01_a.json", new String(json, StandardCharsets.UTF_8)).json())
			.isEqualTo(MigrationParser.parse("01_a.yaml", yaml).json());
	}

	@Test
	void aNulCharacterInAStringIsRefusedNamingItsField() {
		assertThatExceptionOfType(MigrationParseException.class)
			.isThrownBy(() -> MigrationParser.parse("01_nul.json",
					"{\"operations\": [{\"sql\": {\"up\": \"SELECT 1\\u0000; DROP TABLE t\"}}]}"))
			.withMessage("01_nul.json: operations[0].sql.up: contains a NUL character (\\u0000), which PostgreSQL "
					+ "text cannot hold");
		assertThatExceptionOfType(MigrationParseException.class)
			.isThrownBy(() -> MigrationParser.parse("02_nul.yaml", """
					operations:
					  - add_column: {table: t, up: "x\\0", column: {name: c, type: text}}
					"""))
			.withMessageContaining("02_nul.yaml: operations[0].add_column.up: contains a NUL character");
		assertThatExceptionOfType(MigrationParseException.class)
			.isThrownBy(() -> MigrationParser.parse("03_nul.json",
					"{\"version_schema\": \"v\\u0000\", \"operations\": []}"))
			.withMessageContaining("03_nul.json: version_schema: contains a NUL character");
		assertThatExceptionOfType(MigrationParseException.class)
			.isThrownBy(() -> MigrationParser.parse("04_nul.json",
					"{\"operations\": [{\"drop_table\": {\"na\\u0000me\": \"t\"}}]}"))
			.withMessageContaining("04_nul.json: operations[0].drop_table.na\\u0000me: contains a NUL character");
	}

	@Test
	void aBidirectionalControlThatReordersWhatAReviewerSeesIsRefusedNamingItsField() {
		// Displayed, the comment seems to end the line; run, the DROP is part of it, or the other way round.
		assertThatExceptionOfType(MigrationParseException.class)
			.isThrownBy(() -> MigrationParser.parse("01_bidi.json",
					"{\"operations\": [{\"sql\": {\"up\": \"SELECT 1 /* \\u202e } ;DROP TABLE t \\u2066*/\"}}]}"))
			.withMessageStartingWith("01_bidi.json: operations[0].sql.up: contains U+202E RIGHT-TO-LEFT OVERRIDE, a "
					+ "bidirectional control")
			.withMessageContaining("U&'\\202E'");
		assertThatExceptionOfType(MigrationParseException.class)
			.isThrownBy(() -> MigrationParser.parse("02_bidi.yaml", """
					operations:
					  - add_column: {table: t, up: "'a' \u2067|| 'b'", column: {name: c, type: text}}
					"""))
			.withMessageContaining("02_bidi.yaml: operations[0].add_column.up: contains U+2067 RIGHT-TO-LEFT ISOLATE");
		// Right-to-left text itself is data like any other.
		assertThat(MigrationParser.parse("03_rtl.yaml", """
				operations:
				  - sql: {up: "INSERT INTO greetings VALUES ('שלום')"}
				""").operations()).hasSize(1);
	}

	@Test
	void yamlAliasesAndMergeKeysAreResolvedAsPgrollResolvesThem() {
		Migration aliased = MigrationParser.parse("01_a.yaml", """
				operations:
				  - create_table:
				      name: a
				      columns:
				        - &id {name: id, type: integer, pk: true}
				        - &note {name: note, type: text, nullable: true}
				  - create_table:
				      name: b
				      columns:
				        - *id
				        - <<: *note
				          name: remark
				""");
		Migration expanded = MigrationParser.parse("01_a.yaml", """
				operations:
				  - create_table:
				      name: a
				      columns:
				        - {name: id, type: integer, pk: true}
				        - {name: note, type: text, nullable: true}
				  - create_table:
				      name: b
				      columns:
				        - {name: id, type: integer, pk: true}
				        - {type: text, nullable: true, name: remark}
				""");
		assertThat(aliased.operations()).isEqualTo(expanded.operations());
	}

	@Test
	void yamlAliasesThatExpandBeyondTheLimitAreRefusedQuickly() {
		StringBuilder laughs = new StringBuilder("operations:\n  - sql:\n      up: &l0 \"lol\"\n");
		for (int level = 1; level <= 9; level++) {
			laughs.append("  - sql:\n      up: &l").append(level).append(" [");
			for (int i = 0; i < 9; i++) {
				laughs.append((i > 0) ? ", " : "").append("*l").append(level - 1);
			}
			laughs.append("]\n");
		}
		String bigString = "operations:\n  - sql: {up: &big \"" + "x".repeat(500_000) + "\"}\n"
				+ "  - sql: {up: *big}\n".repeat(10);
		assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
			assertThatExceptionOfType(MigrationParseException.class)
				.isThrownBy(() -> MigrationParser.parse("01_laughs.yaml", laughs.toString()))
				.withMessageStartingWith("01_laughs.yaml: is too large once its YAML aliases are expanded");
			assertThatExceptionOfType(MigrationParseException.class)
				.isThrownBy(() -> MigrationParser.parse("02_big.yaml", bigString))
				.withMessageStartingWith("02_big.yaml: is too large once its YAML aliases are expanded: its aliases "
						+ "expand it beyond 2097152 characters");
		});
	}

	@Test
	void aMigrationWithoutANameIsRefused() {
		assertThatExceptionOfType(MigrationParseException.class)
			.isThrownBy(() -> MigrationParser.parse("db/pgroll/.json", "{\"operations\": []}"))
			.withMessage("db/pgroll/.json: the file name has nothing before its extension, so the migration has no "
					+ "name");
		assertThatExceptionOfType(MigrationParseException.class)
			.isThrownBy(() -> MigrationParser.parse("01_a.yaml", "name: \"\"\noperations: []"))
			.withMessage("01_a.yaml: name: must not be empty");
	}

	@Test
	void aMigrationNameWithAnInvisibleCharacterIsRefused() {
		assertThatExceptionOfType(MigrationParseException.class)
			.isThrownBy(() -> MigrationParser.parse("02_add\u200bemail.yaml", "operations: []"))
			.withMessageContaining("migration name \"02_add\\u200bemail\" contains U+200B ZERO WIDTH SPACE");
		assertThatExceptionOfType(MigrationParseException.class)
			.isThrownBy(() -> MigrationParser.parse("02_a.yaml", "name: \"02_add\\u200beemail\"\noperations: []"))
			.withMessageContaining("02_a.yaml: name: migration name")
			.withMessageContaining("U+200B ZERO WIDTH SPACE");
		// A bidirectional control is refused in every string of the file, the name included.
		assertThatExceptionOfType(MigrationParseException.class)
			.isThrownBy(() -> MigrationParser.parse("02_a.yaml", "name: \"02_add\\u202eemail\"\noperations: []"))
			.withMessageContaining("02_a.yaml: name: contains U+202E RIGHT-TO-LEFT OVERRIDE");
		assertThat(MigrationParser.parse("03_caf\u00e9_\u540d\u524d.yaml", "operations: []").name())
			.isEqualTo("03_caf\u00e9_\u540d\u524d");
	}

	@Test
	void aMigrationOfMoreThanTheOperationLimitIsRefused() {
		String operation = "  - drop_index: {name: i}\n";
		String atLimit = "operations:\n" + operation.repeat(MigrationParser.MAX_OPERATIONS);
		assertThat(MigrationParser.parse("01_a.yaml", atLimit).operations()).hasSize(MigrationParser.MAX_OPERATIONS);
		assertThatExceptionOfType(MigrationParseException.class)
			.isThrownBy(() -> MigrationParser.parse("02_b.yaml", atLimit + operation))
			.withMessage("02_b.yaml: operations: has 5001 operations; a migration may have at most 5000: split it "
					+ "into several migrations");
	}

	private static byte[] concat(byte[] first, byte[] second) {
		byte[] joined = java.util.Arrays.copyOf(first, first.length + second.length);
		System.arraycopy(second, 0, joined, first.length, second.length);
		return joined;
	}

}
