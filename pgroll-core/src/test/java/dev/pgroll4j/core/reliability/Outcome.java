package dev.pgroll4j.core.reliability;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import org.assertj.core.api.SoftAssertions;

import dev.pgroll4j.core.MigrationRecord;

/** What a {@link LiveTraffic} run measured and found: the figures and every way the table differs from the model. */
final class Outcome {

	/** Examples kept per kind of difference; the counts go on beyond. */
	private static final int EXAMPLES = 10;

	private final Builder builder;

	private Outcome(Builder builder) {
		this.builder = builder;
	}

	Scenario scenario() {
		return this.builder.scenario;
	}

	LiveTraffic.Ending ending() {
		return this.builder.ending;
	}

	Figures figures() {
		return this.builder.figures;
	}

	Duration took() {
		return this.builder.took;
	}

	long rowsLost() {
		return this.builder.lost;
	}

	long rowsWrong() {
		return this.builder.wrong;
	}

	/** The figures table and what the final check found, for the test's standard output. */
	String report() {
		Builder b = this.builder;
		StringBuilder report = new StringBuilder();
		report.append(String.format("%n== %s, then %s (PostgreSQL %d) ==%n", b.scenario, b.ending.name().toLowerCase(),
				b.serverMajor));
		report.append(b.figures.table());
		if (b.startDuration != null) {
			report.append(String.format("start took %d ms and backfilled %d rows; %s took %d ms; run %d ms%n",
					b.startDuration.toMillis(), b.backfilled, b.ending.name().toLowerCase(), b.endDuration.toMillis(),
					b.took.toMillis()));
		}
		report.append(String.format("rows checked %d: %d lost, %d unexpected, %d wrong; writes that found no row %d%n",
				b.checked, b.lost, b.unexpected, b.wrong, b.figures.anomalyCount()));
		appendAll(report, "engine failure", (b.engineFailure != null) ? List.of(b.engineFailure) : List.of());
		appendAll(report, "failed statement", b.figures.failures());
		appendAll(report, "write that found no row", b.figures.anomalies());
		appendAll(report, "difference", b.differences);
		appendAll(report, "leftover", b.leftovers);
		appendAll(report, "catalog change", b.catalogChanges);
		appendAll(report, "client crash", b.crashes);
		return report.toString();
	}

	private static void appendAll(StringBuilder report, String kind, List<String> lines) {
		for (String line : lines) {
			report.append("  ").append(kind).append(": ").append(line).append(String.format("%n"));
		}
	}

	/** A table of several runs, one line each. */
	static String summary(String title, List<Outcome> outcomes) {
		StringBuilder summary = new StringBuilder(String.format("%n== summary of %s ==%n", title));
		summary.append(String.format("%-44s %-8s %9s %6s %5s %5s %5s %9s %7s%n", "scenario", "ending", "stmts",
				"failed", "lost", "extra", "wrong", "max ms", "run ms"));
		long took = 0;
		for (Outcome outcome : outcomes) {
			Builder b = outcome.builder;
			summary.append(String.format("%-44s %-8s %9d %6d %5d %5d %5d %9.1f %7d%n", b.scenario,
					b.ending.name().toLowerCase(), b.figures.statements(), b.figures.failureCount(), b.lost,
					b.unexpected, b.wrong, b.figures.maxMillis(), b.took.toMillis()));
			took += b.took.toMillis();
		}
		return summary.append(String.format("%d runs in %d ms%n", outcomes.size(), took)).toString();
	}

	/** Asserts the run was clean, reporting every kind of problem at once. */
	void assertClean() {
		Builder b = this.builder;
		SoftAssertions softly = new SoftAssertions();
		softly.assertThat(b.engineFailure).as("engine failure").isNull();
		softly.assertThat(b.crashes).as("client threads that crashed").isEmpty();
		softly.assertThat(b.figures.failureCount())
			.as("failed statements (statements that succeed without a migration):%n  %s",
					String.join("\n  ", b.figures.failures()))
			.isZero();
		softly.assertThat(b.figures.anomalyCount())
			.as("writes whose row was gone:%n  %s", String.join("\n  ", b.figures.anomalies()))
			.isZero();
		softly.assertThat(b.lost).as("lost rows").isZero();
		softly.assertThat(b.unexpected).as("rows that should not exist").isZero();
		softly.assertThat(b.wrong).as("rows whose values differ from the model").isZero();
		softly.assertThat(b.differences).as("differences from the model").isEmpty();
		softly.assertThat(b.leftovers).as("_pgroll_ objects and version schemas left behind").isEmpty();
		softly.assertThat(b.catalogChanges).as("catalog changes left by start + rollback").isEmpty();
		softly.assertThat(b.activeMigration).as("active migration at the end").isNull();
		softly.assertAll();
	}

	static final class Builder {

		private final Scenario scenario;

		private final LiveTraffic.Ending ending;

		private final Figures figures;

		private final int serverMajor;

		private long backfilled;

		private Duration startDuration;

		private Duration endDuration = Duration.ZERO;

		private String engineFailure;

		private final List<String> crashes = new ArrayList<>();

		private long checked;

		private long lost;

		private long unexpected;

		private long wrong;

		private final List<String> differences = new ArrayList<>();

		private List<String> leftovers = List.of();

		private List<String> catalogChanges = List.of();

		private MigrationRecord activeMigration;

		private Duration took = Duration.ZERO;

		Builder(Scenario scenario, LiveTraffic.Ending ending, Figures figures, int serverMajor) {
			this.scenario = scenario;
			this.ending = ending;
			this.figures = figures;
			this.serverMajor = serverMajor;
		}

		void backfilled(long rows, Duration duration) {
			this.backfilled = rows;
			this.startDuration = duration;
		}

		void ended(Duration duration) {
			this.endDuration = duration;
		}

		void engineFailure(String phase, Throwable failure) {
			StringBuilder chain = new StringBuilder(phase).append(": ").append(failure);
			for (Throwable cause = failure.getCause(); cause != null; cause = cause.getCause()) {
				chain.append("\n    caused by ").append(cause);
			}
			this.engineFailure = chain.toString();
		}

		void crashes(List<Throwable> crashes) {
			crashes.forEach((crash) -> this.crashes.add(stackTrace(crash)));
		}

		/** A table the surviving version must not have: the physical table and its view must both be gone. */
		void gone(String table, String found) {
			if (found != null && !found.isBlank()) {
				this.differences.add("table " + table + " should be gone but " + found + " exists");
			}
		}

		void columns(String table, List<String> expected, List<String> actual) {
			if (!new TreeSet<>(expected).equals(new TreeSet<>(actual))) {
				this.differences.add("columns of " + table + " should be " + expected + " but are " + actual);
			}
		}

		void compared(String what, Map<Integer, Row> expected, Map<Integer, Row> actual) {
			this.checked += expected.size();
			List<String> examples = new ArrayList<>();
			for (Map.Entry<Integer, Row> entry : expected.entrySet()) {
				Row found = actual.get(entry.getKey());
				if (found == null) {
					this.lost++;
					example(examples, "lost row " + entry.getValue());
					continue;
				}
				String differences = entry.getValue().differences(found);
				if (!differences.isEmpty()) {
					this.wrong++;
					example(examples, "row id " + entry.getKey() + ": " + differences);
				}
			}
			for (Map.Entry<Integer, Row> entry : actual.entrySet()) {
				if (!expected.containsKey(entry.getKey())) {
					this.unexpected++;
					example(examples, "unexpected row " + entry.getValue());
				}
			}
			examples.forEach((example) -> this.differences.add(what + ": " + example));
		}

		private static void example(List<String> examples, String example) {
			if (examples.size() < EXAMPLES) {
				examples.add(example);
			}
		}

		/** Something the run got wrong that the model cannot see, such as an ending that should have refused. */
		void problem(String problem) {
			this.differences.add(problem);
		}

		void leftovers(List<String> leftovers) {
			this.leftovers = leftovers;
		}

		void catalogChanges(List<String> changes) {
			this.catalogChanges = changes;
		}

		void activeMigration(MigrationRecord record) {
			this.activeMigration = record;
		}

		Builder took(Duration took) {
			this.took = took;
			return this;
		}

		Outcome build() {
			return new Outcome(this);
		}

		private static String stackTrace(Throwable failure) {
			StringWriter text = new StringWriter();
			failure.printStackTrace(new PrintWriter(text));
			return text.toString();
		}

	}

}
