package dev.pgroll4j.core.operations;

/** The replica identity of {@code set_replica_identity}: NOTHING, DEFAULT, FULL, or INDEX with an index name. */
public record ReplicaIdentity(String type, String index) {
}
