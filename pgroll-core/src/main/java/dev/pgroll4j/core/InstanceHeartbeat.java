package dev.pgroll4j.core;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.pgroll4j.core.sql.Sql;

/**
 * Keeps an application instance registered while it runs (see {@link Pgroll#heartbeat}): a heartbeat on a thread
 * of its own, every {@code interval}, on one connection it keeps (so a beat is one short statement, not a new
 * connection), and a deregistration at {@link #close()}. Nothing here runs on the caller's thread after
 * {@link #start}, so a slow or unreachable database delays only the heartbeat, bounded by a network timeout, never
 * start-up or requests. Optionally it also completes the active rollout once the previous release is gone
 * ({@link Pgroll#completeIfUnused}), on another thread, so that waiting for the migration lock never delays a beat.
 *
 * <pre>{@code
 * InstanceHeartbeat heartbeat = InstanceHeartbeat.start(pgroll,
 *         InstanceRegistration.forThisProcess("public_02_add_status", Duration.ofSeconds(15)),
 *         Duration.ofSeconds(5), InstanceHeartbeat.Listener.NONE, null);
 * ...
 * heartbeat.close(); // on shutdown, after the last request
 * }</pre>
 */
public final class InstanceHeartbeat implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(InstanceHeartbeat.class);

	private static final AtomicInteger THREADS = new AtomicInteger();

	private final Pgroll pgroll;

	private final InstanceRegistration registration;

	private final Listener listener;

	private final Duration networkTimeout;

	private final ScheduledExecutorService beats;

	private final @Nullable ScheduledExecutorService autoComplete;

	private @Nullable Connection connection;

	private volatile boolean versionSchemaExists = true;

	/** Whether the latest beat failed, so that a run of failures is logged once at WARN. */
	private boolean failing;

	private @Nullable String lastAutoCompleteFailure;

	private InstanceHeartbeat(Pgroll pgroll, InstanceRegistration registration, Duration interval, Listener listener,
			@Nullable Duration autoCompleteGrace) {
		this.pgroll = pgroll;
		this.registration = registration;
		this.listener = listener;
		// A beat that takes longer than this is not worth waiting for: the next one tries again.
		this.networkTimeout = interval.multipliedBy(2).compareTo(Duration.ofSeconds(10)) < 0 ? Duration.ofSeconds(10)
				: interval.multipliedBy(2);
		this.beats = Executors.newSingleThreadScheduledExecutor((task) -> thread(task, "pgroll-heartbeat"));
		this.autoComplete = (autoCompleteGrace != null)
				? Executors.newSingleThreadScheduledExecutor((task) -> thread(task, "pgroll-auto-complete")) : null;
		long millis = interval.toMillis();
		this.beats.scheduleWithFixedDelay(this::beat, 0, millis, TimeUnit.MILLISECONDS);
		if (this.autoComplete != null && autoCompleteGrace != null) {
			this.autoComplete.scheduleWithFixedDelay(() -> completeIfUnused(autoCompleteGrace), millis, millis,
					TimeUnit.MILLISECONDS);
		}
	}

	/**
	 * Starts the heartbeat; the first beat runs at once, on the heartbeat's thread.
	 * @param interval time between beats; the registration's expiry should be a few of them
	 * @param autoCompleteGrace if not {@code null}, also complete the active rollout once it created this instance's
	 * version schema and no instance has used the one before it for this long ({@link Pgroll#completeIfUnused})
	 */
	public static InstanceHeartbeat start(Pgroll pgroll, InstanceRegistration registration, Duration interval,
			Listener listener, @Nullable Duration autoCompleteGrace) {
		if (interval.isNegative() || interval.isZero()) {
			throw new IllegalArgumentException("the heartbeat interval must be positive, not " + interval);
		}
		if (registration.expiry().compareTo(interval) <= 0) {
			throw new IllegalArgumentException("the expiry (" + registration.expiry() + ") must be longer than the "
					+ "heartbeat interval (" + interval + "), or instances expire between beats");
		}
		return new InstanceHeartbeat(pgroll, registration, interval, listener, autoCompleteGrace);
	}

	public InstanceRegistration registration() {
		return this.registration;
	}

	/** Whether this instance's version schema existed at the latest beat. */
	public boolean versionSchemaExists() {
		return this.versionSchemaExists;
	}

	private synchronized void beat() {
		try {
			Connection kept = connection();
			boolean exists = this.pgroll.beat(kept, this.registration);
			if (this.failing) {
				logger.info("heartbeat of instance {} works again", this.registration.id());
				this.failing = false;
			}
			if (exists != this.versionSchemaExists) {
				this.versionSchemaExists = exists;
				if (!exists) {
					logger.warn("version schema {} of this instance no longer exists: a complete or rollback dropped "
							+ "it; this instance's queries fail until it is replaced", this.registration.versionSchema());
				}
				else {
					logger.info("version schema {} of this instance exists again", this.registration.versionSchema());
				}
				this.listener.versionSchemaChanged(exists);
			}
		}
		catch (SQLException | RuntimeException ex) {
			closeConnection();
			if ("42P01".equals(sqlState(ex))) {
				// No instances table yet (the state schema of a release before it): made by the next call.
				safely(this.pgroll::init);
			}
			if (!this.failing) {
				logger.warn("heartbeat of instance {} failed, retrying every beat: {}", this.registration.id(),
						(ex instanceof SQLException sql) ? Pgroll.serverMessage(sql) : ex.getMessage());
				this.failing = true;
			}
			else {
				logger.debug("heartbeat of instance {} failed again", this.registration.id(), ex);
			}
		}
	}

	private void completeIfUnused(Duration grace) {
		try {
			Optional<CompleteResult> done = this.pgroll.completeIfUnused(this.registration.versionSchema(), grace);
			this.lastAutoCompleteFailure = null;
			done.ifPresent((result) -> safely(() -> this.listener.autoCompleted(result)));
		}
		catch (RuntimeException ex) {
			// Tried again every beat; the same failure is logged once.
			if (!String.valueOf(ex.getMessage()).equals(this.lastAutoCompleteFailure)) {
				logger.warn("auto-complete failed, trying again every beat: {}", ex.getMessage());
				this.lastAutoCompleteFailure = String.valueOf(ex.getMessage());
			}
		}
	}

	private Connection connection() throws SQLException {
		Connection kept = this.connection;
		if (kept == null) {
			kept = this.pgroll.configuration().dataSource().getConnection();
			try {
				kept.setNetworkTimeout(Runnable::run, (int) this.networkTimeout.toMillis());
				kept.setAutoCommit(true);
				try (Statement statement = kept.createStatement()) {
					statement.execute("SET statement_timeout = " + this.networkTimeout.toMillis());
					statement.execute("SET application_name = 'pgroll heartbeat'");
					String role = this.pgroll.configuration().role();
					if (role != null) {
						statement.execute("SET ROLE " + Sql.ident(role));
					}
				}
			}
			catch (SQLException ex) {
				kept.close();
				throw ex;
			}
			this.connection = kept;
		}
		return kept;
	}

	private void closeConnection() {
		Connection kept = this.connection;
		this.connection = null;
		if (kept != null) {
			try (Statement statement = kept.createStatement()) {
				// A pooled connection goes back as it came.
				statement.execute("RESET ALL");
				statement.execute("RESET ROLE");
			}
			catch (SQLException ex) {
				logger.debug("could not reset the heartbeat connection", ex);
			}
			try {
				kept.close();
			}
			catch (SQLException ex) {
				logger.debug("could not close the heartbeat connection", ex);
			}
		}
	}

	/**
	 * Stops the heartbeat and deregisters the instance, so that it no longer counts as live. Call it once the
	 * instance serves no more requests.
	 */
	@Override
	public void close() {
		// An auto-complete under way is let finish (bounded): the process may be about to exit.
		if (this.autoComplete != null) {
			stop(this.autoComplete);
		}
		stop(this.beats);
		synchronized (this) {
			try {
				this.pgroll.deregister(connection(), this.registration.id());
				logger.info("instance {} deregistered from version schema {}", this.registration.id(),
						this.registration.versionSchema());
			}
			catch (SQLException | RuntimeException ex) {
				logger.warn("could not deregister instance {}; it stops counting as live when its heartbeat expires: {}",
						this.registration.id(), ex.getMessage());
			}
			finally {
				closeConnection();
			}
		}
	}

	/** Lets a task under way finish, for at most the network timeout, then interrupts it. */
	private void stop(ScheduledExecutorService executor) {
		executor.shutdown();
		try {
			if (!executor.awaitTermination(this.networkTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
				executor.shutdownNow();
			}
		}
		catch (InterruptedException ex) {
			executor.shutdownNow();
			Thread.currentThread().interrupt();
		}
	}

	private static @Nullable String sqlState(Exception ex) {
		return (ex instanceof SQLException sql) ? sql.getSQLState() : null;
	}

	private static void safely(Runnable call) {
		try {
			call.run();
		}
		catch (RuntimeException ex) {
			logger.debug("heartbeat listener or initialisation failed", ex);
		}
	}

	private static Thread thread(Runnable task, String name) {
		Thread thread = new Thread(task, name + "-" + THREADS.incrementAndGet());
		thread.setDaemon(true);
		return thread;
	}

	/** What the heartbeat tells its owner; called on the heartbeat's threads. */
	public interface Listener {

		/** A listener that does nothing. */
		Listener NONE = new Listener() {
		};

		/**
		 * The instance's version schema disappeared (someone completed or rolled back past it) or came back (the
		 * same release started again).
		 */
		default void versionSchemaChanged(boolean exists) {
		}

		/** This instance completed the active rollout because the previous release was gone. */
		default void autoCompleted(CompleteResult result) {
		}

	}

}
