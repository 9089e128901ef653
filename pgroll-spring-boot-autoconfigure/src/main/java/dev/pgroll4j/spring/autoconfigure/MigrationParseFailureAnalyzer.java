package dev.pgroll4j.spring.autoconfigure;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import dev.pgroll4j.core.MigrationParseException;

/** A migration file that cannot be read, reported as the file, the operation, the field and what is wrong. */
class MigrationParseFailureAnalyzer extends AbstractFailureAnalyzer<MigrationParseException> {

	/** {@code operations[1].add_column.column.nullable}: the operation, its kind and the field within it. */
	private static final Pattern OPERATION = Pattern.compile("(operations\\[\\d+])(?:\\.([a-z_]+))?(?:\\.(.+))?");

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, MigrationParseException cause) {
		StringBuilder description = new StringBuilder("pgroll could not read the migration file ")
			.append(cause.source())
			.append(":\n\n");
		String location = cause.location();
		Matcher operation = (location != null) ? OPERATION.matcher(location) : null;
		if (operation != null && operation.matches()) {
			description.append("\toperation: ").append(operation.group(1));
			if (operation.group(2) != null) {
				description.append(" (").append(operation.group(2)).append(')');
			}
			description.append('\n');
			if (operation.group(3) != null) {
				description.append("\tfield: ").append(operation.group(3)).append('\n');
			}
		}
		else if (location != null) {
			description.append("\tat: ").append(location).append('\n');
		}
		description.append("\tproblem: ").append(cause.detail()).append("\n\nNothing was migrated: the files are read "
				+ "before any of them runs.");
		String where = (location != null) ? location + " in " : "";
		return new FailureAnalysis(description.toString(), "Correct " + where + cause.source() + " (pgroll's migration "
				+ "format: a top-level 'operations' list of objects with one key each, the operation name), then "
				+ "start the application again. If this file was applied already, restore it as it was applied and put "
				+ "the change in a new migration instead.", cause);
	}

}
