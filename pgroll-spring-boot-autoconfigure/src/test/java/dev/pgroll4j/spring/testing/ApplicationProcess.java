package dev.pgroll4j.spring.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application with the starter in a JVM of its own, so that a test can kill it as a platform kills a process:
 * no shutdown hook, no deregistration, its connections cut.
 */
public final class ApplicationProcess implements AutoCloseable {

	private static final String READY = "application ready";

	private final Process process;

	private ApplicationProcess(Process process) {
		this.process = process;
	}

	/**
	 * Starts the application with these properties ({@code name=value}) and waits until its context is up.
	 */
	public static ApplicationProcess start(List<String> properties) throws IOException {
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
			.toString(), "-cp", System.getProperty("java.class.path"), ApplicationProcess.class.getName()));
		command.addAll(properties);
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		BufferedReader output = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
		String line;
		StringBuilder seen = new StringBuilder();
		while ((line = output.readLine()) != null && !line.equals(READY)) {
			seen.append(line).append('\n');
		}
		assertThat(line).as("the application process started; its output:\n" + seen).isEqualTo(READY);
		// Keep draining its output, so that it never blocks on a full pipe.
		Thread drain = new Thread(() -> output.lines().forEach((ignored) -> {
		}), "application-process-output");
		drain.setDaemon(true);
		drain.start();
		return new ApplicationProcess(process);
	}

	/** Kills the process (SIGKILL) and waits until it is gone. */
	public void kill() throws InterruptedException {
		this.process.destroyForcibly();
		assertThat(this.process.waitFor(30, TimeUnit.SECONDS)).as("the killed process ended").isTrue();
	}

	@Override
	public void close() throws InterruptedException {
		if (this.process.isAlive()) {
			kill();
		}
	}

	/** @param args properties, {@code name=value} */
	public static void main(String[] args) throws InterruptedException {
		new SpringApplicationBuilder(Application.class).web(WebApplicationType.NONE).properties(args).run();
		System.out.println(READY);
		System.out.flush();
		// The heartbeat's threads are daemons: the process lives until it is killed.
		Thread.sleep(Long.MAX_VALUE);
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class Application {

	}

}
