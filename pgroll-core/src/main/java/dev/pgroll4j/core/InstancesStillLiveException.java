package dev.pgroll4j.core;

import java.util.List;

/**
 * Complete or rollback would drop a version schema that live application instances still use: they would fail
 * every query from then on. Nothing was changed.
 */
public class InstancesStillLiveException extends MigrationStateException {

	private static final long serialVersionUID = 1L;

	private final String versionSchema;

	private final transient List<Instance> instances;

	public InstancesStillLiveException(String message, String versionSchema, List<Instance> instances) {
		super(message);
		this.versionSchema = versionSchema;
		this.instances = List.copyOf(instances);
	}

	/** The version schema that would be dropped. */
	public String versionSchema() {
		return this.versionSchema;
	}

	/** The live instances that use it. */
	public List<Instance> instances() {
		return this.instances;
	}

}
