package dev.pgroll4j.spring.autoconfigure;

import java.util.stream.Collectors;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import dev.pgroll4j.core.Instance;
import dev.pgroll4j.core.InstancesStillLiveException;

/**
 * Start-up of a release completes the previous rollout first; while instances of the release before it still run,
 * that is refused and start-up fails. Reported as which instances and what to do, without the bean chain.
 */
class InstancesStillLiveFailureAnalyzer extends AbstractFailureAnalyzer<InstancesStillLiveException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InstancesStillLiveException cause) {
		String instances = cause.instances()
			.stream()
			.map((instance) -> "\t" + instance.describe() + ((instance.source() == Instance.Source.SESSION)
					? ", a session named " + instance.applicationName() : ", registered, last heartbeat "
							+ instance.lastHeartbeat()))
			.collect(Collectors.joining("\n"));
		return new FailureAnalysis("pgroll could not complete the active rollout before starting this release's "
				+ "migrations: " + cause.getMessage() + "\n\nLive instances of version schema " + cause.versionSchema()
				+ ":\n" + instances, "Finish the previous deployment first: stop the instances listed (they "
						+ "deregister on shutdown; a killed one expires after its pgroll.instances.expiry) and complete "
						+ "the active rollout (POST /actuator/pgroll/complete on an instance of its release, or "
						+ "pgroll.auto-complete.enabled=true there), then deploy this release again.",
				cause);
	}

}
