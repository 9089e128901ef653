package dev.pgroll4j.spring.autoconfigure;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationEventPublisherAware;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;

import dev.pgroll4j.core.MigrateResult;
import dev.pgroll4j.core.MigrationListener;
import dev.pgroll4j.core.Pgroll;
import dev.pgroll4j.core.PgrollException;

/**
 * Runs the migrations while the context starts, before any bean that uses the database (JPA, JdbcTemplate,
 * JdbcClient wait for it). Start-up blocks until the application's version schema exists; a backfill that takes
 * longer than {@code pgroll.backfill-startup-wait} goes on in the background, and readiness refuses traffic until
 * it has finished, so a platform neither kills a slow start nor routes requests too early.
 */
public class PgrollMigrationInitializer implements InitializingBean, Ordered, ApplicationEventPublisherAware,
		ApplicationListener<AvailabilityChangeEvent<?>> {

	private static final Logger logger = LoggerFactory.getLogger(PgrollMigrationInitializer.class);

	private final Pgroll pgroll;

	private final PgrollMigrations migrations;

	private final PgrollMigrationStrategy strategy;

	private final PgrollMigrationEvents events;

	private final Duration backfillStartupWait;

	private ApplicationEventPublisher publisher;

	private volatile MigrateResult result;

	private volatile boolean backfilling;

	private boolean refusingTraffic;

	private ApplicationAvailability availability;

	public PgrollMigrationInitializer(Pgroll pgroll, PgrollMigrations migrations, PgrollMigrationStrategy strategy,
			PgrollMigrationEvents events, Duration backfillStartupWait) {
		this.pgroll = pgroll;
		this.migrations = migrations;
		this.strategy = strategy;
		this.events = events;
		this.backfillStartupWait = backfillStartupWait;
	}

	@Override
	public void setApplicationEventPublisher(ApplicationEventPublisher publisher) {
		this.publisher = publisher;
	}

	@Override
	public void afterPropertiesSet() throws InterruptedException {
		if (this.migrations.migrations().isEmpty()) {
			logger.info("no pgroll migrations found");
			return;
		}
		CountDownLatch versionSchemaReady = new CountDownLatch(1);
		this.events.register(new MigrationListener() {

			@Override
			public void versionSchemaCreated(String migration, String versionSchema) {
				if (versionSchema.equals(PgrollMigrationInitializer.this.migrations.versionSchema())) {
					versionSchemaReady.countDown();
				}
			}

		});
		CompletableFuture<MigrateResult> migrating = new CompletableFuture<>();
		Thread worker = new Thread(() -> {
			try {
				migrating.complete(this.strategy.migrate(this.pgroll, this.migrations.migrations()));
			}
			catch (RuntimeException ex) {
				migrating.completeExceptionally(ex);
			}
		}, "pgroll-migrate");
		worker.setDaemon(true);
		worker.start();
		try {
			this.result = migrating.get(this.backfillStartupWait.toMillis(), TimeUnit.MILLISECONDS);
			log(this.result);
			return;
		}
		catch (TimeoutException ex) {
			// Still migrating; the application can run as soon as its version schema exists.
		}
		catch (ExecutionException ex) {
			throw failure(ex.getCause());
		}
		while (!migrating.isDone() && !versionSchemaReady.await(200, TimeUnit.MILLISECONDS)) {
			// DDL is bounded by lock timeouts, so this wait ends.
		}
		if (migrating.isDone()) {
			this.result = join(migrating);
			log(this.result);
			return;
		}
		logger.info("pgroll: version schema {} is ready; the backfill goes on in the background and readiness "
				+ "refuses traffic until it has finished", this.migrations.versionSchema());
		this.backfilling = true;
		migrating.whenComplete((done, failure) -> finishInBackground(done, failure));
	}

	private synchronized void finishInBackground(MigrateResult done, Throwable failure) {
		this.backfilling = false;
		if (failure != null) {
			logger.error("pgroll: migrating in the background failed; this instance cannot serve its version", failure);
			publish(LivenessState.BROKEN);
			publish(ReadinessState.REFUSING_TRAFFIC);
			return;
		}
		this.result = done;
		log(done);
		if (this.refusingTraffic) {
			this.refusingTraffic = false;
			publish(ReadinessState.ACCEPTING_TRAFFIC);
		}
	}

	/**
	 * Boot declares the application ready once started; while the backfill runs, that is not true yet. The override
	 * is published once Boot's own event has been recorded (listeners of one event run in turn, and the
	 * availability bean is unordered), so readiness reads ACCEPTING_TRAFFIC for a moment at most.
	 */
	@Override
	public synchronized void onApplicationEvent(AvailabilityChangeEvent<?> event) {
		if (event.getState() != ReadinessState.ACCEPTING_TRAFFIC || event.getSource() == this || !this.backfilling
				|| this.availability == null) {
			return;
		}
		Thread override = new Thread(() -> {
			long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
			while (this.availability.getReadinessState() != ReadinessState.ACCEPTING_TRAFFIC
					&& System.nanoTime() < deadline) {
				Thread.onSpinWait();
			}
			synchronized (this) {
				if (this.backfilling) {
					this.refusingTraffic = true;
					publish(ReadinessState.REFUSING_TRAFFIC);
				}
			}
		}, "pgroll-readiness");
		override.setDaemon(true);
		override.start();
	}

	/** Where readiness is recorded; without it (no Boot availability support) readiness is left alone. */
	public void setApplicationAvailability(ApplicationAvailability availability) {
		this.availability = availability;
	}

	private void publish(Object state) {
		if (this.publisher != null) {
			if (state instanceof ReadinessState readiness) {
				AvailabilityChangeEvent.publish(this.publisher, this, readiness);
			}
			else if (state instanceof LivenessState liveness) {
				AvailabilityChangeEvent.publish(this.publisher, this, liveness);
			}
		}
	}

	private static MigrateResult join(CompletableFuture<MigrateResult> future) {
		try {
			return future.join();
		}
		catch (CompletionException ex) {
			throw failure(ex.getCause());
		}
	}

	private static RuntimeException failure(Throwable cause) {
		return (cause instanceof RuntimeException runtime) ? runtime
				: new PgrollException("migrating failed: " + cause.getMessage(), cause);
	}

	private static void log(MigrateResult result) {
		logger.info("pgroll: {} (version schema {}, started {}, completed {})", result.outcome(), result.versionSchema(),
				result.started(), result.completed());
	}

	/** What start-up did, or {@code null} while it is still migrating or if there were no migrations. */
	public MigrateResult result() {
		return this.result;
	}

	/** Whether a backfill started at start-up is still running in the background. */
	public boolean isBackfilling() {
		return this.backfilling;
	}

	@Override
	public int getOrder() {
		return 0;
	}

}
