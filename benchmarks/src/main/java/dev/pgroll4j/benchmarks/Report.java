package dev.pgroll4j.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** The results of one run, printed as a table and written as JSON, with the machine they were taken on. */
final class Report {

	private final Map<String, Object> machine = new LinkedHashMap<>();

	private final List<Result> results = new ArrayList<>();

	Report(String postgresVersion, String command) {
		this.machine.put("taken", Instant.now().toString());
		this.machine.put("cores", Runtime.getRuntime().availableProcessors());
		if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
			this.machine.put("memoryGiB", Math.round(os.getTotalMemorySize() / (1024.0 * 1024 * 1024)));
		}
		this.machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
		this.machine.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
		this.machine.put("maxHeapMiB", Runtime.getRuntime().maxMemory() / (1024 * 1024));
		this.machine.put("postgres", postgresVersion);
		this.machine.put("command", command);
	}

	void add(Result result) {
		this.results.add(result);
		System.out.println("  " + line(result));
	}

	String table() {
		StringBuilder table = new StringBuilder();
		this.machine.forEach((key, value) -> table.append(key).append(": ").append(value).append('\n'));
		table.append('\n')
			.append("| Benchmark | pgroll | Baseline | Ratio | Target | Met |\n")
			.append("|---|---|---|---|---|---|\n");
		for (Result result : this.results) {
			table.append("| ").append(result.name()).append(" | ")
				.append(measured(result)).append(" | ")
				.append((result.baseline() != null)
						? Result.format(result.baseline()) + " " + result.unit() + " (" + result.baselineLabel() + ")"
						: "")
				.append(" | ").append((result.ratio() != null) ? String.format("%.2f×", result.ratio()) : "")
				.append(" | ").append((result.target() != null) ? result.target() : "")
				.append(" | ").append((result.met() == null) ? "" : result.met() ? "yes" : "**no**")
				.append(" |\n");
		}
		return table.toString();
	}

	private static String measured(Result result) {
		return (result.measured() != null) ? Result.format(result.measured()) + " " + result.unit()
				: "failed: " + result.failure();
	}

	private static String line(Result result) {
		return result.name() + ": " + measured(result)
				+ ((result.baseline() != null) ? String.format(" vs %s %s %s (%.2f×)", result.baselineLabel(),
						Result.format(result.baseline()), result.unit(), result.ratio()) : "")
				+ ((result.met() != null) ? (result.met() ? "; target " : "; MISSED target ") + result.target() : "");
	}

	void write(Path json) {
		Map<String, Object> document = new LinkedHashMap<>();
		document.put("machine", this.machine);
		document.put("results", this.results);
		try {
			Files.createDirectories(json.toAbsolutePath().getParent());
			Files.writeString(json, JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build()
				.writeValueAsString(document));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot write " + json, ex);
		}
	}

}
