package dev.pgroll4j.core;

/**
 * What {@link Pgroll#complete(LiveInstancePolicy)} and {@link Pgroll#rollback(LiveInstancePolicy)} do when live
 * instances still use the version schema they would drop.
 */
public enum LiveInstancePolicy {

	/** Refuse, naming the instances ({@link InstancesStillLiveException}); nothing changes. */
	REFUSE,

	/** Go ahead: those instances' queries will fail. The instances are logged at WARN. */
	FORCE

}
