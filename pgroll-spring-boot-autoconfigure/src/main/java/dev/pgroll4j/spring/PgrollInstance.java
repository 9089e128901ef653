package dev.pgroll4j.spring;

import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;

import dev.pgroll4j.core.CompleteResult;
import dev.pgroll4j.core.InstanceHeartbeat;
import dev.pgroll4j.core.InstanceRegistration;
import dev.pgroll4j.core.Pgroll;

/**
 * This application instance in the state schema's registry: it registers with the version schema it uses when the
 * context starts, beats every few seconds on a thread and connection of its own, and deregisters when the context
 * stops, after the web server has finished its requests (a lower phase than the web server's, so it stops later).
 * Complete and rollback refuse to drop a version schema while a registered instance uses it.
 *
 * <p>When its version schema disappears (someone forced a complete or rollback past this release) readiness turns
 * {@link ReadinessState#REFUSING_TRAFFIC}, so the platform stops routing to it and replaces it; liveness is left
 * alone, so it is not restarted in a loop. If the version schema comes back (the same release started again),
 * readiness returns to {@link ReadinessState#ACCEPTING_TRAFFIC}. With auto-complete, it also completes the active
 * rollout of its own version schema once the previous release has been gone for the grace period, and publishes a
 * {@link PgrollAutoCompletedEvent}.
 */
public class PgrollInstance implements SmartLifecycle {

	/** Started before, and stopped after, the web server (whose lifecycles run at phases above this). */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 8192;

	private static final Logger logger = LoggerFactory.getLogger(PgrollInstance.class);

	private final Pgroll pgroll;

	private final @Nullable InstanceRegistration registration;

	private final Duration heartbeatInterval;

	private final @Nullable Duration autoCompleteGrace;

	private final ApplicationEventPublisher publisher;

	private volatile @Nullable InstanceHeartbeat heartbeat;

	/**
	 * @param registration who this instance is, or {@code null} when the application has no migrations (and so no
	 * version schema): then nothing registers
	 * @param autoCompleteGrace the grace period of auto-complete, or {@code null} when it is off
	 */
	public PgrollInstance(Pgroll pgroll, @Nullable InstanceRegistration registration, Duration heartbeatInterval,
			@Nullable Duration autoCompleteGrace, ApplicationEventPublisher publisher) {
		this.pgroll = pgroll;
		this.registration = registration;
		this.heartbeatInterval = heartbeatInterval;
		this.autoCompleteGrace = autoCompleteGrace;
		this.publisher = publisher;
	}

	/** Who this instance is in the registry, or {@code null} when it has no version schema to register with. */
	public @Nullable InstanceRegistration registration() {
		return this.registration;
	}

	/** Whether this instance's version schema existed at the latest heartbeat. */
	public boolean versionSchemaExists() {
		InstanceHeartbeat running = this.heartbeat;
		return running == null || running.versionSchemaExists();
	}

	@Override
	public void start() {
		InstanceRegistration self = this.registration;
		if (self == null) {
			return;
		}
		logger.info("registering instance {} ({}) as a user of version schema {}, heartbeat every {} ms{}", self.id(),
				self.host(), self.versionSchema(), this.heartbeatInterval.toMillis(), (this.autoCompleteGrace != null)
						? ", auto-complete after " + this.autoCompleteGrace.toMillis() + " ms" : "");
		this.heartbeat = InstanceHeartbeat.start(this.pgroll, self, this.heartbeatInterval,
				new InstanceHeartbeat.Listener() {

					@Override
					public void versionSchemaChanged(boolean exists) {
						AvailabilityChangeEvent.publish(PgrollInstance.this.publisher, PgrollInstance.this,
								exists ? ReadinessState.ACCEPTING_TRAFFIC : ReadinessState.REFUSING_TRAFFIC);
					}

					@Override
					public void autoCompleted(CompleteResult result) {
						PgrollInstance.this.publisher.publishEvent(new PgrollAutoCompletedEvent(PgrollInstance.this,
								result));
					}

				}, this.autoCompleteGrace);
	}

	@Override
	public void stop() {
		InstanceHeartbeat running = this.heartbeat;
		this.heartbeat = null;
		if (running != null) {
			running.close();
		}
	}

	@Override
	public boolean isRunning() {
		return this.heartbeat != null;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
