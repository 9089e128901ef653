package dev.pgroll4j.core.internal.state;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** How a changed migration file is reported: by path, keys in any order, bounded. */
class MigrationDiffTests {

	private static final String STORED = """
			{"operations": [{"add_column": {"table": "orders", "column": {"name": "currency", "type": "text",
			"default": "EUR"}}}]}""";

	@Test
	void aChangedValueIsReportedByItsPathWithBothValues() {
		String file = """
				{"operations": [{"add_column": {"column": {"type": "text", "name": "currency", "default": "USD"},
				"table": "orders"}}]}""";
		assertThat(MigrationDiff.between(STORED, file).differences())
			.containsExactly("operations[0].add_column.column.default: 'EUR' → 'USD'");
	}

	@Test
	void documentsThatDifferOnlyInKeyOrderHaveNoDifferences() {
		String file = """
				{"operations": [{"add_column": {"column": {"default": "EUR", "type": "text", "name": "currency"},
				"table": "orders"}}]}""";
		assertThat(MigrationDiff.between(STORED, file).differences()).isEmpty();
	}

	@Test
	void addedAndRemovedKeysShowAsAbsentOnTheirSide() {
		String file = """
				{"operations": [{"add_column": {"table": "orders", "column": {"name": "currency", "type": "text",
				"nullable": true}}}], "version_schema": "v2"}""";
		assertThat(MigrationDiff.between(STORED, file).differences()).containsExactly(
				"operations[0].add_column.column.nullable: (absent) → true",
				"operations[0].add_column.column.default: 'EUR' → (absent)", "version_schema: (absent) → 'v2'");
	}

	@Test
	void anArrayThatGrewReportsItsLengthAndTheNewElement() {
		String stored = """
				{"operations": [{"drop_table": {"name": "a"}}]}""";
		String file = """
				{"operations": [{"drop_table": {"name": "a"}}, {"drop_table": {"name": "b"}}]}""";
		assertThat(MigrationDiff.between(stored, file).differences()).containsExactly("operations: 1 → 2 elements",
				"operations[1]: (absent) → {\"drop_table\":{\"name\":\"b\"}}");
	}

	@Test
	void aChangedTypeOfValueAndOddKeysAreShownAsJson() {
		String stored = """
				{"operations": [{"sql": {"up": "SELECT 1", "on complete": false}}]}""";
		String file = """
				{"operations": [{"sql": {"up": ["SELECT 1"], "on complete": 1}}]}""";
		assertThat(MigrationDiff.between(stored, file).differences()).containsExactly(
				"operations[0].sql.up: 'SELECT 1' → [\"SELECT 1\"]", "operations[0].sql[\"on complete\"]: false → 1");
	}

	@Test
	void longValuesAreCutAndLineBreaksShownEscaped() {
		String longSql = "SELECT " + "x, ".repeat(60) + "1";
		String stored = "{\"operations\": [{\"sql\": {\"up\": \"SELECT 1\\nFROM t\"}}]}";
		String file = "{\"operations\": [{\"sql\": {\"up\": \"" + longSql + "\"}}]}";
		String line = MigrationDiff.between(stored, file).differences().get(0);
		assertThat(line).startsWith("operations[0].sql.up: 'SELECT 1\\nFROM t' → 'SELECT x, x,").endsWith("…");
		assertThat(line).hasSizeLessThan(200);
	}

	@Test
	void theDescriptionListsTheFirstTenAndCountsTheRest() {
		StringBuilder stored = new StringBuilder("{\"operations\": [");
		StringBuilder file = new StringBuilder("{\"operations\": [");
		for (int i = 0; i < 13; i++) {
			String separator = (i > 0) ? ", " : "";
			stored.append(separator).append("{\"drop_table\": {\"name\": \"t").append(i).append("\"}}");
			file.append(separator).append("{\"drop_table\": {\"name\": \"u").append(i).append("\"}}");
		}
		String description = MigrationDiff.between(stored + "]}", file + "]}").describe();
		assertThat(description.lines().filter((line) -> !line.isEmpty()).toList()).hasSize(11)
			.startsWith("  operations[0].drop_table.name: 't0' → 'u0'")
			.contains("  operations[9].drop_table.name: 't9' → 'u9'")
			.endsWith("  and 3 more");
	}

}
