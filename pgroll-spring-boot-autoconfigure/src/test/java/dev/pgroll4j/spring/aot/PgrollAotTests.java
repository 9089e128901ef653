package dev.pgroll4j.spring.aot;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.SpringApplicationAotProcessor;
import org.springframework.context.aot.AbstractAotProcessor;

import dev.pgroll4j.core.MigrationRecord;
import dev.pgroll4j.core.Pgroll;
import dev.pgroll4j.test.PostgresTest;
import dev.pgroll4j.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The starter in AOT mode, as a native image runs it: {@link AotApplication} is processed ahead of time (what
 * {@code spring-boot:process-aot} does), the generated code is compiled, and the application runs from it in a JVM
 * of its own with {@code -Dspring.aot.enabled=true} against a real, empty database. A GraalVM native build is not run
 * here; the hints the processing writes are checked instead.
 */
@PostgresTest
class PgrollAotTests {

	@TempDir
	static Path build;

	private static final Map<String, String> report = new LinkedHashMap<>();

	private static String metadata = "";

	@BeforeAll
	static void processAheadOfTimeAndRunFromTheGeneratedCode(TestDatabase database) throws Exception {
		String[] properties = { "spring.datasource.url=" + database.jdbcUrl(),
				"spring.datasource.username=" + database.user(), "spring.datasource.password=" + database.password(),
				"pgroll.locations=classpath:pgroll/v3", "management.endpoints.web.exposure.include=pgroll" };
		Path sources = build.resolve("sources");
		Path resources = build.resolve("resources");
		Path classes = build.resolve("classes");
		new SpringApplicationAotProcessor(AotApplication.class, AbstractAotProcessor.Settings.builder()
			.sourceOutput(sources)
			.resourceOutput(resources)
			.classOutput(classes)
			.groupId("dev.pgroll4j")
			.artifactId("aot-test")
			.build(), properties).process();
		compile(sources, classes);
		// The metadata's JSON writer escapes slashes ("db\\/pgroll"); unescaped, the globs read as registered.
		metadata = readAll(resources, ".json").replace("\\/", "/");
		run(List.of(classes.toString(), resources.toString()), properties);
	}

	@Test
	void startsFromTheGeneratedCode() {
		assertThat(report).containsEntry("generated-artifacts", "true");
	}

	@Test
	void migratesTheEmptyDatabaseCompletingEachMigrationButTheLast(TestDatabase database) {
		assertThat(Pgroll.configure().dataSource(database.dataSource()).load().status().history())
			.extracting(MigrationRecord::name, MigrationRecord::done)
			.containsExactly(tuple("01_create_books", true), tuple("02_add_isbn", true),
					tuple("03_rename_title", false));
	}

	@Test
	void pinsTheApplicationsConnectionsToTheNewestVersionSchema() {
		assertThat(report).containsEntry("current-schema", "public_03_rename_title")
			.containsEntry("inserted-name", "Dune");
	}

	@Test
	void writesTheStartersHintsIntoTheNativeImageMetadata() {
		assertThat(metadata).contains("\"glob\": \"db/pgroll/*.yaml\"", "dev.pgroll4j.core.operations.CreateTable",
				"dev.pgroll4j.core.operations.ColumnDefinition", "dev.pgroll4j.core.schema.SchemaSnapshot",
				"dev.pgroll4j.spring.actuate.PgrollEndpoint$PgrollDescriptor", "dev.pgroll4j.core.CompleteResult");
	}

	private static void compile(Path sources, Path classes) throws IOException {
		List<String> arguments = new ArrayList<>(List.of("-d", classes.toString(), "-cp",
				System.getProperty("java.class.path"), "-proc:none", "-parameters", "-nowarn"));
		try (Stream<Path> files = Files.walk(sources)) {
			files.filter((file) -> file.toString().endsWith(".java")).forEach((file) -> arguments.add(file.toString()));
		}
		JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
		assertThat(compiler.run(null, null, null, arguments.toArray(String[]::new)))
			.as("the generated sources compile").isZero();
	}

	/** Runs the application from the generated code and keeps its report lines. */
	private static void run(List<String> generated, String[] properties) throws Exception {
		String classpath = String.join(File.pathSeparator, generated) + File.pathSeparator
				+ System.getProperty("java.class.path");
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
			.toString(), "-Dspring.aot.enabled=true", "-cp", classpath, AotApplication.class.getName()));
		command.addAll(List.of(properties));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		StringBuilder output = new StringBuilder();
		try (BufferedReader lines = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = lines.readLine()) != null) {
				output.append(line).append('\n');
				if (line.startsWith(AotApplication.REPORT)) {
					String fact = line.substring(AotApplication.REPORT.length());
					report.put(fact.substring(0, fact.indexOf('=')), fact.substring(fact.indexOf('=') + 1));
				}
			}
		}
		assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("the application exited").isTrue();
		assertThat(process.exitValue()).as("the application's exit code; its output:\n" + output).isZero();
	}

	private static String readAll(Path directory, String suffix) {
		try (Stream<Path> files = Files.walk(directory)) {
			return files.filter((file) -> file.toString().endsWith(suffix)).map((file) -> {
				try {
					return Files.readString(file);
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			}).collect(Collectors.joining("\n"));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
