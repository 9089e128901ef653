package dev.pgroll4j.core.testing;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks, after complete, that a migration left none of its temporary objects behind. The three checks cover
 * different sets of objects; each test class keeps the one it was written against.
 */
public final class Leftovers {

	private Leftovers() {
	}

	/** No trigger on the table, no {@code _pgroll} function in the schema, no {@code _pgroll} column on the table. */
	public static void assertNoTriggerFunctionOrColumn(SchemaVersion physical, String table) {
		assertThat(physical.value("SELECT count(*) FROM pg_trigger WHERE tgrelid = ?::regclass AND NOT tgisinternal",
				table)).isEqualTo(0L);
		assertThat(physical.value("SELECT count(*) FROM pg_proc WHERE proname LIKE '\\_pgroll%' "
				+ "AND pronamespace = current_schema()::regnamespace")).isEqualTo(0L);
		assertThat(physical.columns(table)).noneMatch((column) -> column.startsWith("_pgroll"));
	}

	/**
	 * {@link #assertNoTriggerFunctionOrColumn}, and no {@code _pgroll} relation (index, sequence, ...) anywhere in the
	 * schema, for migrations that build indexes on copies.
	 */
	public static void assertNoTriggerFunctionColumnOrRelation(SchemaVersion physical, String table) {
		assertNoTriggerFunctionOrColumn(physical, table);
		assertThat(physical.value("SELECT count(*) FROM pg_class WHERE relname LIKE '\\_pgroll%' "
				+ "AND relnamespace = current_schema()::regnamespace")).isEqualTo(0L);
	}

	/**
	 * No {@code _pgroll} column, constraint, index or index column on the table and no trigger on it, no
	 * {@code _pgroll} function or sequence in the schema. One query, so that a failure names every leftover at once;
	 * a table that does not exist has none.
	 */
	public static void assertNoLeftovers(SchemaVersion physical, String table) {
		List<Object> leftovers = physical.query("""
				SELECT 'column ' || attname AS o FROM pg_attribute
				WHERE attrelid = to_regclass(?) AND attnum > 0 AND NOT attisdropped AND attname LIKE '\\_pgroll%'
				UNION ALL SELECT 'constraint ' || conname FROM pg_constraint
				WHERE conrelid = to_regclass(?) AND conname LIKE '\\_pgroll%'
				UNION ALL SELECT 'index ' || c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
				WHERE i.indrelid = to_regclass(?) AND c.relname LIKE '\\_pgroll%'
				UNION ALL SELECT 'index column ' || a.attname FROM pg_index i
				JOIN pg_attribute a ON a.attrelid = i.indexrelid
				WHERE i.indrelid = to_regclass(?) AND a.attname LIKE '\\_pgroll%'
				UNION ALL SELECT 'trigger ' || tgname FROM pg_trigger
				WHERE tgrelid = to_regclass(?) AND NOT tgisinternal
				UNION ALL SELECT 'function ' || proname FROM pg_proc
				WHERE pronamespace = to_regnamespace(current_schema()) AND proname LIKE '\\_pgroll%'
				UNION ALL SELECT 'sequence ' || relname FROM pg_class
				WHERE relkind = 'S' AND relnamespace = to_regnamespace(current_schema()) AND relname LIKE '\\_pgroll%'
				""", table, table, table, table, table).stream().map((r) -> r.get("o")).toList();
		assertThat(leftovers).as("leftovers of the migration on " + table).isEmpty();
	}

}
