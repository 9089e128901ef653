package dev.pgroll4j.core.reliability;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Statements, failures and the slowest statement per phase and version, counted by the client threads. A
 * statement belongs to the phase in which it was issued.
 */
final class Figures {

	/** Kinds of failure and anomalies kept in full; the counts go on beyond. */
	private static final int DETAILS = 25;

	private final Cell[][] cells = new Cell[Phase.values().length][Version.values().length];

	private final long[] phaseNanos = new long[Phase.values().length];

	/** Failures grouped by phase, version, statement and message (numbers left out), with one example each. */
	private final Map<String, FailureGroup> failures = new ConcurrentHashMap<>();

	private final List<String> anomalies = Collections.synchronizedList(new ArrayList<>());

	private final LongAdder anomalyCount = new LongAdder();

	private final LiveTraffic.Ending ending;

	Figures(LiveTraffic.Ending ending) {
		this.ending = ending;
		for (Cell[] row : this.cells) {
			for (int i = 0; i < row.length; i++) {
				row[i] = new Cell();
			}
		}
	}

	/** The steps of a run; the last two are complete or rollback and what follows it. */
	enum Phase {

		BEFORE_START, DURING_START, AFTER_START, ENDING, AFTER_ENDING;

		String label(LiveTraffic.Ending ending) {
			return switch (this) {
				case BEFORE_START -> "before start";
				case DURING_START -> "during start";
				case AFTER_START -> "after start";
				case ENDING -> (ending == LiveTraffic.Ending.COMPLETE) ? "complete" : "rollback";
				case AFTER_ENDING -> (ending == LiveTraffic.Ending.COMPLETE) ? "after complete" : "after rollback";
			};
		}

	}

	void statement(Phase phase, Version version, long nanos) {
		Cell cell = this.cells[phase.ordinal()][version.ordinal()];
		cell.statements.increment();
		cell.maxNanos.accumulateAndGet(nanos, Math::max);
	}

	void failure(Phase phase, Version version, String sql, Object parameters, SQLException ex) {
		this.cells[phase.ordinal()][version.ordinal()].failures.increment();
		String message = String.valueOf(ex.getMessage()).lines().findFirst().orElse("");
		String group = phase.label(this.ending) + ", " + version.label() + ": [" + ex.getSQLState() + "] "
				+ message.replaceAll("[0-9]+", "N") + "\n      in: " + sql;
		this.failures.computeIfAbsent(group, (key) -> new FailureGroup(ex.getMessage() + "\n      in: " + sql + " "
				+ parameters)).count.increment();
	}

	/** A statement that succeeded but did not change the one row it should have (the row is gone). */
	void anomaly(Phase phase, Version version, String description) {
		this.anomalyCount.increment();
		if (this.anomalies.size() < DETAILS) {
			this.anomalies.add(phase.label(this.ending) + ", " + version.label() + ": " + description);
		}
	}

	void phaseTook(Phase phase, long nanos) {
		this.phaseNanos[phase.ordinal()] = nanos;
	}

	long statements() {
		long total = 0;
		for (Cell[] row : this.cells) {
			for (Cell cell : row) {
				total += cell.statements.sum();
			}
		}
		return total;
	}

	long failureCount() {
		long total = 0;
		for (Cell[] row : this.cells) {
			for (Cell cell : row) {
				total += cell.failures.sum();
			}
		}
		return total;
	}

	long anomalyCount() {
		return this.anomalyCount.sum();
	}

	/** The slowest statement of the whole run, in milliseconds. */
	double maxMillis() {
		long max = 0;
		for (Cell[] row : this.cells) {
			for (Cell cell : row) {
				max = Math.max(max, cell.maxNanos.get());
			}
		}
		return max / 1e6;
	}

	/** Each kind of failure with its count and one example, the most frequent first. */
	List<String> failures() {
		return this.failures.entrySet()
			.stream()
			.sorted(Comparator.comparingLong((Map.Entry<String, FailureGroup> e) -> e.getValue().count.sum())
				.reversed())
			.limit(DETAILS)
			.map((e) -> e.getValue().count.sum() + " x " + e.getKey() + "\n      e.g. " + e.getValue().example)
			.toList();
	}

	List<String> anomalies() {
		return List.copyOf(this.anomalies);
	}

	/** One line per phase: its wall-clock time, then statements, failures and max latency of each version. */
	String table() {
		StringBuilder table = new StringBuilder(String.format("%-15s %8s | %9s %6s %9s | %9s %6s %9s%n", "phase",
				"time ms", "old stmts", "failed", "max ms", "new stmts", "failed", "max ms"));
		for (Phase phase : Phase.values()) {
			table.append(
					String.format("%-15s %8d", phase.label(this.ending), this.phaseNanos[phase.ordinal()] / 1_000_000));
			for (Version version : Version.values()) {
				Cell cell = this.cells[phase.ordinal()][version.ordinal()];
				long statements = cell.statements.sum();
				table.append((statements == 0) ? String.format(" | %9s %6s %9s", "-", "-", "-")
						: String.format(" | %9d %6d %9.1f", statements, cell.failures.sum(),
								cell.maxNanos.get() / 1e6));
			}
			table.append(String.format("%n"));
		}
		return table.toString();
	}

	private record FailureGroup(String example, LongAdder count) {

		FailureGroup(String example) {
			this(example, new LongAdder());
		}

	}

	private static final class Cell {

		private final LongAdder statements = new LongAdder();

		private final LongAdder failures = new LongAdder();

		private final AtomicLong maxNanos = new AtomicLong();

	}

}
