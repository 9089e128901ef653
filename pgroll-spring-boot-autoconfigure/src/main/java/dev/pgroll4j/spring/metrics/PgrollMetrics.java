package dev.pgroll4j.spring.metrics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationListener;

import dev.pgroll4j.core.BackfillListener;
import dev.pgroll4j.core.BackfillProgress;
import dev.pgroll4j.core.CompleteResult;
import dev.pgroll4j.core.MigrationListener;
import dev.pgroll4j.core.MigrationStatus;
import dev.pgroll4j.core.RollbackResult;
import dev.pgroll4j.core.StartResult;
import dev.pgroll4j.spring.PgrollAutoCompletedEvent;

/**
 * Micrometer meters:
 * <ul>
 * <li>{@code pgroll.migration} timer, tags {@code operation} (start, complete, rollback), {@code migration},
 * {@code outcome} (success, failure);</li>
 * <li>{@code pgroll.backfill.rows} counter, {@code pgroll.backfill.progress} gauge (0 to 1),
 * {@code pgroll.backfill.rows.total} gauge and {@code pgroll.backfill.remaining} gauge (estimated seconds left), tag
 * {@code table}. A ratio per table does not add up across tables (the actuator's untagged value of the progress
 * gauge is their sum): the share of all tables is the rows counter over the sum of the totals;</li>
 * <li>{@code pgroll.migration.active} gauge: 1 while a migration of the schema is active, tag {@code schema};</li>
 * <li>{@code pgroll.instances.live} gauge: the live application instances of the schema (all version schemas),
 * tag {@code schema};</li>
 * <li>{@code pgroll.auto.complete} counter: rollouts this instance completed by itself, tag {@code schema}.</li>
 * </ul>
 */
public class PgrollMetrics implements MeterBinder, MigrationListener, BackfillListener,
		ApplicationListener<PgrollAutoCompletedEvent> {

	private static final Duration STATUS_CACHE = Duration.ofSeconds(5);

	private final String schema;

	private final Supplier<MigrationStatus> status;

	private final Map<String, BackfillProgress> progress = new ConcurrentHashMap<>();

	/** Tables whose backfill gauges are registered, each once. */
	private final Set<String> gaugedTables = ConcurrentHashMap.newKeySet();

	private @Nullable MeterRegistry registry;

	/** Start-up migrates before Boot binds the registry; what happens until then is recorded on binding. */
	private final List<Consumer<MeterRegistry>> pending = new ArrayList<>();

	private volatile double active = Double.NaN;

	private volatile double liveInstances = Double.NaN;

	private volatile long statusReadAt;

	public PgrollMetrics(String schema, Supplier<MigrationStatus> status) {
		this.schema = schema;
		this.status = status;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		List<Consumer<MeterRegistry>> recorded;
		synchronized (this) {
			this.registry = registry;
			recorded = List.copyOf(this.pending);
			this.pending.clear();
		}
		recorded.forEach((record) -> record.accept(registry));
		Gauge.builder("pgroll.migration.active", this, PgrollMetrics::activeMigrations)
			.tag("schema", this.schema)
			.description("Whether a migration of the schema is active (1) or not (0)")
			.register(registry);
		Gauge.builder("pgroll.instances.live", this, PgrollMetrics::liveInstances)
			.tag("schema", this.schema)
			.description("Live application instances of the schema, of every version schema")
			.register(registry);
		// Registered now so that it reads 0 until an auto-complete happens.
		autoCompletions(registry);
	}

	private Counter autoCompletions(MeterRegistry registry) {
		return Counter.builder("pgroll.auto.complete")
			.tag("schema", this.schema)
			.description("Rollouts this instance completed by itself once the previous release was gone")
			.register(registry);
	}

	@Override
	public void onApplicationEvent(PgrollAutoCompletedEvent event) {
		whenBound((meters) -> autoCompletions(meters).increment());
	}

	private double liveInstances() {
		activeMigrations();
		return this.liveInstances;
	}

	private double activeMigrations() {
		long now = System.nanoTime();
		if (Double.isNaN(this.active) || now - this.statusReadAt > STATUS_CACHE.toNanos()) {
			try {
				MigrationStatus read = this.status.get();
				this.active = (read.activeMigration() != null) ? 1 : 0;
				this.liveInstances = read.instances().size();
			}
			catch (RuntimeException ex) {
				this.active = Double.NaN;
				this.liveInstances = Double.NaN;
			}
			this.statusReadAt = now;
		}
		return this.active;
	}

	@Override
	public void started(StartResult result) {
		record("start", result.migration(), "success", result.duration());
		this.active = 1;
	}

	@Override
	public void completed(CompleteResult result) {
		record("complete", result.migration(), "success", result.duration());
		this.active = 0;
	}

	@Override
	public void rolledBack(RollbackResult result) {
		record("rollback", result.migration(), "success", result.duration());
		this.active = 0;
	}

	@Override
	public void failed(String operation, @Nullable String migration, Duration duration, RuntimeException failure) {
		record(operation, (migration != null) ? migration : "unknown", "failure", duration);
	}

	private void record(String operation, String migration, String outcome, Duration duration) {
		whenBound((meters) -> Timer.builder("pgroll.migration")
			.description("Time taken by pgroll start, complete and rollback")
			.tag("operation", operation)
			.tag("migration", migration)
			.tag("outcome", outcome)
			.register(meters)
			.record(duration));
	}

	private void whenBound(Consumer<MeterRegistry> record) {
		MeterRegistry meters;
		synchronized (this) {
			meters = this.registry;
			if (meters == null) {
				this.pending.add(record);
				return;
			}
		}
		record.accept(meters);
	}

	@Override
	public void onProgress(BackfillProgress progress) {
		BackfillProgress previous = this.progress.put(progress.table(), progress);
		long before = (previous != null && previous.migration().equals(progress.migration())) ? previous.rowsDone() : 0;
		long rows = Math.max(0, progress.rowsDone() - before);
		whenBound((meters) -> {
			Counter.builder("pgroll.backfill.rows")
				.description("Rows rewritten by backfills")
				.tag("table", progress.table())
				.register(meters)
				.increment(rows);
			// A gauge reads the map; registering it again would only log Micrometer's "already registered".
			if (this.gaugedTables.add(progress.table())) {
				gauges(meters, progress.table());
			}
		});
	}

	private void gauges(MeterRegistry meters, String table) {
		Gauge.builder("pgroll.backfill.progress", this.progress, (all) -> fraction(all.get(table)))
			.description("Share of the table's rows backfilled by the current migration, per table (the untagged "
					+ "actuator value is a sum over tables)")
			.tag("table", table)
			.register(meters);
		Gauge.builder("pgroll.backfill.rows.total", this.progress, (all) -> rowsTotal(all.get(table)))
			.description("Rows the table's backfill by the current migration rewrites in all")
			.tag("table", table)
			.register(meters);
		Gauge.builder("pgroll.backfill.remaining", this.progress, (all) -> remainingSeconds(all.get(table)))
			.description("Estimated time left of the table's backfill at its rate so far")
			.baseUnit("seconds")
			.tag("table", table)
			.register(meters);
	}

	private static double rowsTotal(@Nullable BackfillProgress progress) {
		return (progress != null) ? progress.rowsTotal() : Double.NaN;
	}

	private static double remainingSeconds(@Nullable BackfillProgress progress) {
		if (progress == null || progress.estimatedRemaining() == null) {
			return Double.NaN;
		}
		return progress.estimatedRemaining().toNanos() / 1e9;
	}

	private static double fraction(@Nullable BackfillProgress progress) {
		if (progress == null || progress.rowsTotal() == 0) {
			return (progress != null && progress.finished()) ? 1 : 0;
		}
		return Math.min(1, (double) progress.rowsDone() / progress.rowsTotal());
	}

}
