package dev.pgroll4j.core;

import java.lang.management.ManagementFactory;
import java.util.function.IntFunction;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.pgroll4j.core.migration.Migration;
import dev.pgroll4j.core.migration.MigrationParser;
import dev.pgroll4j.test.PostgresTest;
import dev.pgroll4j.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Validation of a migration costs time and memory in proportion to its number of operations. Each shape is
 * validated at the operation limit ({@link MigrationParser#MAX_OPERATIONS}) and at half of it; the work is compared
 * as bytes allocated by the validating thread, which a loaded machine does not disturb as it does wall-clock time.
 * Timings are printed for {@code docs/reliability.md}.
 */
@PostgresTest
@Tag("operations")
class ValidationScalingTests {

	private static final String SCHEMA = "scaling";

	/** Twice the operations may cost at most this many times the bytes; quadratic growth would be four. */
	private static final double MAX_GROWTH = 2.6;

	/** What validating a migration at the operation limit may allocate, all of it garbage by the end. */
	private static final long MAX_ALLOCATED_BYTES = 256L << 20;

	private static Pgroll pgroll;

	@BeforeAll
	static void createTable(TestDatabase database) {
		database.execute("CREATE SCHEMA " + SCHEMA,
				"CREATE TABLE " + SCHEMA + ".t (id integer PRIMARY KEY, a integer, b text)");
		pgroll = Pgroll.configure().dataSource(database.dataSource()).schema(SCHEMA).load();
		// Warm up class loading and the server's caches so the first measured run is not penalised.
		pgroll.validate(migration(200, ValidationScalingTests::indexOnOneTable));
	}

	@Test
	void indexesOnOneTableCostTimeAndMemoryInProportionToTheirNumber() {
		assertLinear("create_index on one table", ValidationScalingTests::indexOnOneTable);
	}

	@Test
	void newTablesEachWithAnIndexCostTimeAndMemoryInProportionToTheirNumber() {
		assertLinear("create_table, then create_index on it",
				(i) -> (i % 2 == 0) ? "  - create_table: {name: t" + i + ", columns: [{name: id, type: integer, "
						+ "pk: true}, {name: a, type: integer}]}\n"
						: "  - create_index: {name: t" + (i - 1) + "_a, table: t" + (i - 1)
								+ ", columns: [{column: a}]}\n");
	}

	@Test
	void columnsAddedRenamedAndIndexedOnOneTableCostTimeAndMemoryInProportionToTheirNumber() {
		assertLinear("add_column, rename_column, create_index on one table",
				(i) -> switch (i % 3) {
					case 0 -> "  - add_column: {table: t, column: {name: c" + i + ", type: integer, nullable: true}}\n";
					case 1 -> "  - rename_column: {table: t, from: c" + (i - 1) + ", to: r" + (i - 1) + "}\n";
					default -> "  - create_index: {name: t_r" + (i - 2) + ", table: t, columns: [{column: r"
							+ (i - 2) + "}]}\n";
				});
	}

	@Test
	void indexesDroppedAmongManyTablesCostTimeAndMemoryInProportionToTheirNumber() {
		assertLinear("create_table, create_index, drop_index",
				(i) -> switch (i % 3) {
					case 0 -> "  - create_table: {name: t" + i + ", columns: [{name: a, type: integer}]}\n";
					case 1 -> "  - create_index: {name: t" + (i - 1) + "_a, table: t" + (i - 1)
							+ ", columns: [{column: a}]}\n";
					default -> "  - drop_index: {name: t" + (i - 2) + "_a}\n";
				});
	}

	@Test
	void columnsDroppedAmongManyReferencingTablesCostTimeAndMemoryInProportionToTheirNumber() {
		assertLinear("create_table referencing t, add_column to t, drop_column of it",
				(i) -> switch (i % 3) {
					case 0 -> "  - create_table: {name: t" + i + ", columns: [{name: a, type: integer, references: "
							+ "{name: t" + i + "_fk, table: t, column: id}}]}\n";
					case 1 -> "  - add_column: {table: t, column: {name: c" + i + ", type: integer, nullable: true}}\n";
					default -> "  - drop_column: {table: t, column: c" + (i - 1) + "}\n";
				});
	}

	private static String indexOnOneTable(int i) {
		return "  - create_index: {name: t_a_" + i + ", table: t, columns: [{column: a}]}\n";
	}

	private static void assertLinear(String shape, IntFunction<String> operation) {
		int full = MigrationParser.MAX_OPERATIONS;
		Measurement half = measure(migration(full / 2, operation));
		Measurement whole = measure(migration(full, operation));
		System.out.printf("validation scaling, %s: %s; %s; bytes x%.2f, CPU time x%.2f%n", shape, half, whole,
				(double) whole.allocatedBytes() / half.allocatedBytes(), (double) whole.cpuNanos() / half.cpuNanos());
		assertThat((double) whole.allocatedBytes() / half.allocatedBytes()).as("growth of allocated bytes, " + shape)
			.isLessThan(MAX_GROWTH);
		assertThat(whole.allocatedBytes()).as("bytes allocated at the operation limit, " + shape)
			.isLessThan(MAX_ALLOCATED_BYTES);
	}

	private static Migration migration(int operations, IntFunction<String> operation) {
		StringBuilder yaml = new StringBuilder("operations:\n");
		for (int i = 0; i < operations; i++) {
			yaml.append(operation.apply(i));
		}
		return MigrationParser.parse("ops_" + operations + ".yaml", yaml.toString());
	}

	private static Measurement measure(Migration migration) {
		com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory
			.getThreadMXBean();
		long bytes = threads.getCurrentThreadAllocatedBytes();
		long cpu = threads.getCurrentThreadCpuTime();
		long wall = System.nanoTime();
		pgroll.validate(migration);
		return new Measurement(migration.operations().size(), threads.getCurrentThreadAllocatedBytes() - bytes,
				threads.getCurrentThreadCpuTime() - cpu, System.nanoTime() - wall);
	}

	record Measurement(int operations, long allocatedBytes, long cpuNanos, long wallNanos) {

		@Override
		public String toString() {
			return String.format("%d operations in %d ms (CPU %d ms), %d MB allocated", this.operations,
					this.wallNanos / 1_000_000, this.cpuNanos / 1_000_000, this.allocatedBytes >> 20);
		}

	}

}
