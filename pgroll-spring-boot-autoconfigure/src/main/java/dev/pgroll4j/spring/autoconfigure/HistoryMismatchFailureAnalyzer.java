package dev.pgroll4j.spring.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import dev.pgroll4j.core.HistoryMismatchException;

/**
 * The history and the migration files disagree: a file renamed, removed or inserted before an applied one, or
 * edited after it was applied. Reported as the migration, the file and how to get them to agree again.
 */
class HistoryMismatchFailureAnalyzer extends AbstractFailureAnalyzer<HistoryMismatchException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, HistoryMismatchException cause) {
		if (cause.difference() == HistoryMismatchException.Difference.NAME) {
			return new FailureAnalysis("The migration history of schema \"" + cause.schema() + "\" and this "
					+ "application's migration files disagree at position " + cause.position() + ": the database "
					+ "applied \"" + cause.appliedMigration() + "\" where the files have \"" + cause.fileMigration()
					+ "\" (" + cause.file() + "). Nothing was migrated.",
					"Applied migration files must keep their names and their order: restore the file of \""
							+ cause.appliedMigration() + "\" under that name, and give a new migration a name that sorts "
							+ "after every applied one (GET /actuator/pgroll lists the history).",
					cause);
		}
		return new FailureAnalysis("Migration \"" + cause.appliedMigration() + "\" was changed after it was applied to "
				+ "schema \"" + cause.schema() + "\": " + cause.file() + " no longer holds what the database applied. "
				+ "Nothing was migrated.\n\n" + cause.getMessage(),
				"Restore " + cause.file() + " to the content that was applied (from version control) and put the change "
						+ "in a new migration, with a name that sorts after \"" + cause.appliedMigration() + "\".",
				cause);
	}

}
