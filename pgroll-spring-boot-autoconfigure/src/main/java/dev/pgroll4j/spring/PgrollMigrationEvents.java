package dev.pgroll4j.spring;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.pgroll4j.core.BackfillListener;
import dev.pgroll4j.core.BackfillProgress;
import dev.pgroll4j.core.CompleteResult;
import dev.pgroll4j.core.MigrationListener;
import dev.pgroll4j.core.RollbackResult;
import dev.pgroll4j.core.StartResult;

/**
 * Receives the engine's events and hands them to every registered listener (metrics, readiness), and keeps the
 * latest backfill progress of each table for the actuator endpoint.
 */
public class PgrollMigrationEvents implements MigrationListener, BackfillListener {

	private static final Logger logger = LoggerFactory.getLogger(PgrollMigrationEvents.class);

	private final List<MigrationListener> listeners = new CopyOnWriteArrayList<>();

	private final List<BackfillListener> backfillListeners = new CopyOnWriteArrayList<>();

	private final Map<String, BackfillProgress> progress = new ConcurrentHashMap<>();

	public void register(MigrationListener listener) {
		this.listeners.add(listener);
	}

	public void register(BackfillListener listener) {
		this.backfillListeners.add(listener);
	}

	/** The latest progress of each table backfilled by this application instance, by table. */
	public Map<String, BackfillProgress> backfillProgress() {
		return Map.copyOf(this.progress);
	}

	@Override
	public void onProgress(BackfillProgress progress) {
		this.progress.put(progress.table(), progress);
		for (BackfillListener listener : this.backfillListeners) {
			safely(() -> listener.onProgress(progress));
		}
	}

	@Override
	public void versionSchemaCreated(String migration, String versionSchema) {
		this.listeners.forEach((listener) -> safely(() -> listener.versionSchemaCreated(migration, versionSchema)));
	}

	@Override
	public void started(StartResult result) {
		this.listeners.forEach((listener) -> safely(() -> listener.started(result)));
	}

	@Override
	public void completed(CompleteResult result) {
		this.progress.clear();
		this.listeners.forEach((listener) -> safely(() -> listener.completed(result)));
	}

	@Override
	public void rolledBack(RollbackResult result) {
		this.progress.clear();
		this.listeners.forEach((listener) -> safely(() -> listener.rolledBack(result)));
	}

	@Override
	public void failed(String operation, @Nullable String migration, Duration duration, RuntimeException failure) {
		this.listeners.forEach((listener) -> safely(() -> listener.failed(operation, migration, duration, failure)));
	}

	private static void safely(Runnable call) {
		try {
			call.run();
		}
		catch (RuntimeException ex) {
			logger.warn("pgroll event listener failed", ex);
		}
	}

}
