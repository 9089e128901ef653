package dev.pgroll4j.spring.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import dev.pgroll4j.core.MigrationValidationException;

/**
 * A migration that does not fit the live schema (a missing table, a name taken), reported as the file, the
 * operation, the field and what is wrong. It is checked before any DDL runs, so the database is untouched.
 */
class MigrationValidationFailureAnalyzer extends AbstractFailureAnalyzer<MigrationValidationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, MigrationValidationException cause) {
		StringBuilder description = new StringBuilder("pgroll cannot run the migration file ").append(cause.source())
			.append(": it does not fit the database schema.\n\n");
		String operation = null;
		if (cause.operationIndex() >= 0) {
			operation = "operations[" + cause.operationIndex() + "]"
					+ ((cause.operation() != null) ? " (" + cause.operation() + ")" : "");
			description.append("\toperation: ").append(operation).append('\n');
		}
		if (cause.field() != null) {
			description.append("\tfield: ").append(cause.field()).append('\n');
		}
		description.append("\tproblem: ").append(cause.detail()).append("\n\nIt was checked before any DDL ran: the "
				+ "database is unchanged.");
		String what = ((cause.field() != null) ? "field " + cause.field() + " of " : "")
				+ ((operation != null) ? operation : "the migration");
		return new FailureAnalysis(description.toString(), "Correct " + what + " in " + cause.source() + " so that it "
				+ "fits the schema the migrations before it leave (GET /actuator/pgroll shows what was applied), then "
				+ "start the application again.", cause);
	}

}
