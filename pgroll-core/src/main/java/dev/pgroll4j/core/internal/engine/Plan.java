package dev.pgroll4j.core.internal.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import dev.pgroll4j.core.migration.Migration;
import dev.pgroll4j.core.operations.Operation;
import dev.pgroll4j.core.schema.SchemaSnapshot;
import dev.pgroll4j.core.schema.VirtualSchema;
import dev.pgroll4j.core.schema.VirtualTable;

/**
 * A validated rollout (one migration, or the migrations a release starts together): their operations in order,
 * each with the virtual schema before and after it, the schema the rollout starts from, the one it leads to, and
 * the warnings validation gave.
 *
 * @param migrations the rollout's migrations in order, with their SQL as the configured transformer returned it
 */
record Plan(List<Migration> migrations, SchemaSnapshot base, List<Step> steps, VirtualSchema result,
		List<String> warnings) {

	/**
	 * One operation with the virtual schema the earlier ones (of its migration and of the rollout's earlier
	 * migrations) leave and the one it leaves.
	 * @param index its index among its migration's operations
	 */
	record Step(Migration migration, int index, Operation operation, VirtualSchema before, VirtualSchema after) {
	}

	/** How errors and statements name an operation: its file, index and kind. */
	String origin(Step step) {
		return step.migration().source() + " operations[" + step.index() + "] (" + step.operation().kind() + ")";
	}

	/** The rollout's last migration, whose version schema the new release uses. */
	Migration last() {
		return this.migrations.get(this.migrations.size() - 1);
	}

	/** The rollout's migration names, in order. */
	List<String> names() {
		return this.migrations.stream().map(Migration::name).toList();
	}

	/** The steps last to first, as rollback undoes them. */
	List<Step> reversedSteps() {
		List<Step> reversed = new ArrayList<>(this.steps);
		Collections.reverse(reversed);
		return reversed;
	}

	/** The names of the tables the new version shows, which its version schema's views take. */
	Set<String> resultTableNames() {
		return this.result.tables().stream().map(VirtualTable::name).collect(Collectors.toSet());
	}

	/** A {@code sql} operation's version shows whatever tables the SQL left, under their own names. */
	boolean isolated() {
		return this.steps.stream().anyMatch((step) -> step.operation().isIsolated());
	}

}
