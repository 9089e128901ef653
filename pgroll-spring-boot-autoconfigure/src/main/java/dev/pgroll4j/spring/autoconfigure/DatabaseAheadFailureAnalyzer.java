package dev.pgroll4j.spring.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import dev.pgroll4j.core.DatabaseAheadException;

/**
 * A release older than the database whose version schema was dropped when a later rollout completed: its
 * connections would have no schema to be pinned to. Reported as which migrations and which release to deploy.
 */
class DatabaseAheadFailureAnalyzer extends AbstractFailureAnalyzer<DatabaseAheadException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, DatabaseAheadException cause) {
		return new FailureAnalysis("The database of schema \"" + cause.schema() + "\" is ahead of this application: "
				+ "this release's newest migration is \"" + cause.newestLocalMigration() + "\", but \""
				+ cause.newestAppliedMigration() + "\" has been applied since, and this release's version schema \""
				+ cause.missingVersionSchema() + "\" no longer exists (a later rollout was completed), so its "
				+ "connections have no schema to use.",
				"Deploy a release that contains migration \"" + cause.newestAppliedMigration() + "\". An older release "
						+ "can run only while its version schema exists: while the rollout after it is active, before it "
						+ "is completed.",
				cause);
	}

}
