package dev.pgroll4j.core.operations;

import org.jspecify.annotations.Nullable;

/** The replica identity of {@code set_replica_identity}: NOTHING, DEFAULT, FULL, or INDEX with an index name. */
public record ReplicaIdentity(@Nullable String type, @Nullable String index) {
}
