package dev.pgroll4j.core.migration;

import org.junit.jupiter.api.Test;

import dev.pgroll4j.core.MigrationParseException;
import dev.pgroll4j.core.operations.CreateTable;
import dev.pgroll4j.core.operations.RawSql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

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

}
