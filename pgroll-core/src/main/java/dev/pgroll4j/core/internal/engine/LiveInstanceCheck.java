package dev.pgroll4j.core.internal.engine;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.pgroll4j.core.Instance;
import dev.pgroll4j.core.InstancesStillLiveException;
import dev.pgroll4j.core.LiveInstancePolicy;

/**
 * Complete drops the version schema the running release uses, rollback the one the new release uses: before
 * either, the live instances of that version schema are looked up (registered ones and recognised sessions), and
 * the verb refuses while there are any, unless forced.
 */
final class LiveInstanceCheck {

	private static final Logger logger = LoggerFactory.getLogger(LiveInstanceCheck.class);

	private LiveInstanceCheck() {
	}

	/**
	 * Refuses (or, forced, warns) if live instances use the version schema about to be dropped.
	 * @param verb {@code complete} or {@code roll back}
	 * @param what how messages name the rollout
	 * @param versionSchema the version schema the verb drops
	 * @param caller the registered id of the instance asking, which knows what it asks for, or {@code null}
	 */
	static void check(EngineSetup setup, Connection connection, String verb, String what, String versionSchema,
			LiveInstancePolicy policy, @Nullable String caller) throws SQLException {
		List<Instance> live = setup.instances()
			.live(connection, versionSchema)
			.stream()
			.filter((instance) -> !instance.id().equals(caller))
			.toList();
		if (live.isEmpty()) {
			return;
		}
		String list = describe(live);
		if (policy == LiveInstancePolicy.FORCE) {
			logger.warn("forced to {} {} although {} live instance(s) still use version schema {}, which it drops: {}; "
					+ "their queries will fail from now on", verb, what, live.size(), versionSchema, list);
			return;
		}
		String stop = verb.equals("complete") ? "stop the instances of the previous release first (they leave the "
				+ "list when they shut down, or " : "stop the instances of the new release first (they leave the list "
				+ "when they shut down, or ";
		throw new InstancesStillLiveException("cannot " + verb + " " + what + " of schema \"" + setup.schema()
				+ "\": it would drop version schema \"" + versionSchema + "\", which " + live.size()
				+ " live instance(s) still use: " + list + ". Nothing was changed; " + stop
				+ "when their heartbeat expires if they were killed), or force it to let their queries fail",
				versionSchema, live);
	}

	/** {@code host (id, last heartbeat 2 s ago)}, one per instance. */
	static String describe(List<Instance> instances) {
		Instant now = Instant.now();
		return instances.stream().map((instance) -> {
			if (instance.source() == Instance.Source.SESSION) {
				return instance.host() + " (" + instance.id() + ", application_name '" + instance.applicationName()
						+ "')";
			}
			Instant beat = Objects.requireNonNullElse(instance.lastHeartbeat(), now);
			long ago = Math.max(0, now.toEpochMilli() - beat.toEpochMilli());
			return instance.host() + " (" + instance.id() + ", last heartbeat " + ago + " ms ago)";
		}).collect(Collectors.joining(", "));
	}

}
