package dev.pgroll4j.spring;

import org.springframework.context.ApplicationEvent;

import dev.pgroll4j.core.CompleteResult;

/**
 * This instance completed the active rollout by itself (auto-complete), because no instance of the previous release
 * had been live for the grace period. Published once across all instances.
 */
public class PgrollAutoCompletedEvent extends ApplicationEvent {

	private static final long serialVersionUID = 1L;

	private final transient CompleteResult result;

	public PgrollAutoCompletedEvent(PgrollInstance source, CompleteResult result) {
		super(source);
		this.result = result;
	}

	public CompleteResult result() {
		return this.result;
	}

}
