package dev.pgroll4j.core.internal.engine;

import dev.pgroll4j.core.operations.OperationContext;
import dev.pgroll4j.core.schema.VirtualSchema;

/** What every phase context shows an operation: the migrated schema and the virtual schema around its step. */
abstract class OperationPhase implements OperationContext {

	private final String schemaName;

	private final Plan.Step step;

	OperationPhase(String schemaName, Plan.Step step) {
		this.schemaName = schemaName;
		this.step = step;
	}

	@Override
	public String schemaName() {
		return this.schemaName;
	}

	/** The migration the operation belongs to. */
	final String migrationName() {
		return this.step.migration().name();
	}

	@Override
	public VirtualSchema before() {
		return this.step.before();
	}

	@Override
	public VirtualSchema after() {
		return this.step.after();
	}

}
