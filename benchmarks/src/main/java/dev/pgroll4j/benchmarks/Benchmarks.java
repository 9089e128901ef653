package dev.pgroll4j.benchmarks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.pgroll4j.test.PostgresServer;

/**
 * Runs the suite against the embedded PostgreSQL 18 (or {@code PGROLL_TEST_JDBC_URL}) and prints a table and a
 * JSON file. Every figure is compared with its baseline taken on the same server in the same run.
 *
 * <p>Options: {@code --ten-million} adds the 10,000,000-row backfill; {@code --sizes=100000,1000000} sets the
 * backfill sizes; {@code --history=1000000} the status benchmark's history rows; {@code --only=backfill,clients,
 * startup,status,instances} runs some groups alone (to iterate on one); {@code --out=FILE} the JSON file (default
 * {@code benchmarks.json} in the working directory).
 */
public final class Benchmarks {

	private Benchmarks() {
	}

	public static void main(String[] args) throws Exception {
		List<Long> sizes = new ArrayList<>(List.of(100_000L, 1_000_000L));
		long history = 1_000_000;
		Path out = Path.of("benchmarks.json");
		List<String> groups = List.of("backfill", "clients", "startup", "status", "instances");
		List<String> only = groups;
		for (String arg : args) {
			if (arg.isBlank()) {
				continue;
			}
			if (arg.equals("--ten-million")) {
				sizes.add(10_000_000L);
			}
			else if (arg.startsWith("--sizes=")) {
				sizes = Arrays.stream(arg.substring("--sizes=".length()).split(",")).map(Long::valueOf).toList();
			}
			else if (arg.startsWith("--history=")) {
				history = Long.parseLong(arg.substring("--history=".length()));
			}
			else if (arg.startsWith("--only=")) {
				only = List.of(arg.substring("--only=".length()).split(","));
				if (!groups.containsAll(only)) {
					throw new IllegalArgumentException("unknown group in " + arg + " (groups: " + groups + ")");
				}
			}
			else if (arg.startsWith("--out=")) {
				out = Path.of(arg.substring("--out=".length()));
			}
			else {
				throw new IllegalArgumentException("unknown option " + arg
						+ " (expected --ten-million, --sizes=N,M, --history=N, --only=GROUPS or --out=FILE)");
			}
		}

		PostgresServer server = PostgresServer.shared();
		Report report = new Report(server.description(), "scripts/benchmark " + String.join(" ", args));

		if (only.contains("backfill")) {
			backfill(report, sizes);
		}
		if (only.contains("clients")) {
			clients(report, sizes);
		}
		if (only.contains("startup")) {
			startup(report);
		}
		if (only.contains("status")) {
			status(report, history);
		}
		if (only.contains("instances")) {
			instances(report);
		}

		System.out.println();
		System.out.println(report.table());
		report.write(out);
		System.out.println("written to " + out.toAbsolutePath());
	}

	private static void backfill(Report report, List<Long> sizes) throws Exception {
		PostgresServer server = PostgresServer.shared();
		System.out.println("backfill (alter_column type change with up), start + complete vs raw UPDATE");
		List<BackfillBenchmark.Figures> backfills = new ArrayList<>();
		for (long rows : sizes) {
			BackfillBenchmark.Figures figures = BackfillBenchmark.run(server, rows, 1000);
			backfills.add(figures);
			String name = String.format("backfill %,d rows", rows);
			report.add((rows == 1_000_000)
					? Result.atLeastRatio(name, "rows/s", figures.pgrollRowsPerSecond(), figures.rawRowsPerSecond(),
							"raw UPDATE", 0.5)
					: Result.compared(name, "rows/s", figures.pgrollRowsPerSecond(), figures.rawRowsPerSecond(),
							"raw UPDATE"));
			System.out.printf("    start %.2f s, complete %.2f s%n", figures.startSeconds(), figures.completeSeconds());
			report.add(Result.atMost(String.format("peak live heap, backfill of %,d rows", rows), "MiB",
					figures.peakLiveHeapMiB(), 64));
		}
		BackfillBenchmark.Figures small = find(backfills, 100_000);
		BackfillBenchmark.Figures large = find(backfills, 1_000_000);
		if (small != null && large != null) {
			report.add(Result.atLeastRatio("backfill rows/s at 1M vs at 100k", "rows/s", large.pgrollRowsPerSecond(),
					small.pgrollRowsPerSecond(), "at 100k", 0.8));
		}
	}

	private static void clients(Report report, List<Long> sizes) throws Exception {
		PostgresServer server = PostgresServer.shared();
		long clientRows = sizes.contains(1_000_000L) ? 1_000_000 : sizes.get(0);
		System.out.printf("clients, %,d-row table%n", clientRows);
		ClientBenchmark.Figures clients = ClientBenchmark.run(server, clientRows);
		report.add(Result.atLeastRatio("UPDATE of every row while a migration is active", "rows/s",
				clients.bulkRowsPerSecondWithTriggers(), clients.bulkRowsPerSecondRaw(), "no triggers", 0.6));
		report.add(Result.compared("single-row UPDATE p50", "µs", clients.updateWithTriggers().p50(),
				clients.updateRaw().p50(), "no triggers"));
		report.add(Result.compared("single-row UPDATE p99", "µs", clients.updateWithTriggers().p99(),
				clients.updateRaw().p99(), "no triggers"));
		report.add(Result.compared("single-row INSERT p50", "µs", clients.insertWithTriggers().p50(),
				clients.insertRaw().p50(), "no triggers"));
		report.add(Result.compared("single-row INSERT p99", "µs", clients.insertWithTriggers().p99(),
				clients.insertRaw().p99(), "no triggers"));
		report.add(Result.atLeastRatio("point SELECT by key through the version view", "reads/s",
				clients.viewReadsPerSecond(), clients.tableReadsPerSecond(), "the table", 0.97));
	}

	private static void startup(Report report) throws Exception {
		PostgresServer server = PostgresServer.shared();
		System.out.printf("Spring start-up, %d applied migrations, nothing pending%n", StartupBenchmark.MIGRATIONS);
		StartupBenchmark.Figures startup = StartupBenchmark.run(server);
		report.add(Result.atMostOver("context start-up with the starter", "ms", startup.withStarterMillis(),
				startup.withoutStarterMillis(), "without the starter", 100));
	}

	private static void status(Report report, long history) {
		PostgresServer server = PostgresServer.shared();
		System.out.printf("status with %,d history rows%n", history);
		StatusBenchmark.Figures status = StatusBenchmark.run(server, history);
		String statusName = String.format("status() with %,d history rows", history);
		if (status.failure() != null) {
			report.add(Result.failed(statusName, "ms", 1, status.failure()));
		}
		else {
			report.add(Result.atMost(statusName, "ms", status.statusMillis(), 1));
			report.add(Result.atMost(String.format("latest migration (status(1)) with %,d history rows", history), "ms",
					status.latestMillis(), 1));
			report.add(Result.atMostBeside(String.format("status() with %,d history rows and %d live instances", history,
					InstanceBenchmark.LIVE + StatusBenchmark.SESSIONS), "ms", status.statusWithInstancesMillis(),
					status.statusWithoutInstancesMillis(), "no instances", 1));
			report.add(Result.compared(String.format("start + complete of add_column with %,d history rows", history),
					"ms", status.cycleMillis(), status.cycleBaselineMillis(), "with 1"));
		}
	}

	private static void instances(Report report) throws Exception {
		PostgresServer server = PostgresServer.shared();
		System.out.printf("instance heartbeat, %d live and %d expired instances registered%n", InstanceBenchmark.LIVE,
				InstanceBenchmark.EXPIRED);
		InstanceBenchmark.Figures instances = InstanceBenchmark.run(server);
		report.add(Result.atMostBeside("heartbeat on a kept connection p50", "ms", instances.kept().p50() / 1e3,
				instances.select1().p50() / 1e3, "SELECT 1 on it", 1));
		report.add(Result.compared("heartbeat on a kept connection p99", "ms", instances.kept().p99() / 1e3,
				instances.select1().p99() / 1e3, "SELECT 1 on it"));
		report.add(Result.atMost("Pgroll.heartbeat through a pool p50", "ms", instances.pooled().p50() / 1e3, 1));
		report.add(Result.alone("Pgroll.heartbeat through a pool p99", "ms", instances.pooled().p99() / 1e3));
		String beside = "point SELECT by key with a heartbeat every " + InstanceBenchmark.HEARTBEAT_INTERVAL_MILLIS
				+ " ms beside it";
		report.add(Result.compared(beside + " p50", "µs", instances.readsWith().p50(), instances.readsWithout().p50(),
				"without"));
		report.add(Result.compared(beside + " p99", "µs", instances.readsWith().p99(), instances.readsWithout().p99(),
				"without"));
	}

	private static BackfillBenchmark.Figures find(List<BackfillBenchmark.Figures> figures, long rows) {
		return figures.stream().filter((f) -> f.rows() == rows).findFirst().orElse(null);
	}

}
