package dev.pgroll4j.core;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A live client of a version schema: an application instance that registered (see {@link InstanceHeartbeat}), or a
 * database session that names its version schema in {@code application_name} ({@code pgroll:<version schema>},
 * optionally followed by a space and a label).
 *
 * @param id the instance's id; for a session, {@code session <pid>}
 * @param host where it runs: the host or pod name it registered with; for a session, its client address (or
 * {@code another role's session} where the server does not show it)
 * @param versionSchema the version schema it uses
 * @param startedAt when it registered; for a session, when the session began, or {@code null} where the server
 * does not show it (another role's session, read without {@code pg_read_all_stats})
 * @param lastHeartbeat its latest heartbeat; {@code null} for a session
 * @param expiresAt when it stops counting as live unless it beats again; {@code null} for a session, live while
 * connected
 * @param source how it is known
 * @param applicationName for a session, its {@code application_name}; else {@code null}
 */
public record Instance(String id, String host, String versionSchema, @Nullable Instant startedAt,
		@Nullable Instant lastHeartbeat, @Nullable Instant expiresAt, Source source, @Nullable String applicationName) {

	/** How an instance is known. */
	public enum Source {

		/** It registered in the state schema and renews its registration with heartbeats. */
		REGISTERED,

		/** A connected session whose {@code application_name} names the version schema. */
		SESSION

	}

	/** How messages name it: {@code host (id)}. */
	public String describe() {
		return this.host + " (" + this.id + ")";
	}

}
