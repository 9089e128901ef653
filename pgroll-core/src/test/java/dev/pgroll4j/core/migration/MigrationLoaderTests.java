package dev.pgroll4j.core.migration;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.pgroll4j.core.MigrationParseException;
import dev.pgroll4j.core.PgrollException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class MigrationLoaderTests {

	private static final String EMPTY = "operations: []";

	@Test
	void loadsJsonAndYamlFromADirectorySortedByNameIgnoringOtherFiles(@TempDir Path directory) throws IOException {
		Files.writeString(directory.resolve("02_b.json"), "{\"operations\": []}");
		Files.writeString(directory.resolve("10_c.yml"), EMPTY);
		Files.writeString(directory.resolve("01_a.yaml"), EMPTY);
		Files.writeString(directory.resolve("README.md"), "not a migration");
		Files.createDirectory(directory.resolve("nested"));
		Files.writeString(directory.resolve("nested/00_z.yaml"), EMPTY);
		assertThat(MigrationLoader.fromDirectory(directory)).extracting(Migration::name)
			.containsExactly("01_a", "02_b", "10_c");
	}

	@Test
	void twoFilesWithTheSameMigrationNameAreAnError(@TempDir Path directory) throws IOException {
		Files.writeString(directory.resolve("01_a.yaml"), EMPTY);
		Files.writeString(directory.resolve("01_a.json"), "{\"operations\": []}");
		assertThatExceptionOfType(MigrationParseException.class)
			.isThrownBy(() -> MigrationLoader.fromDirectory(directory))
			.withMessageContaining("\"01_a\" is also used by");
	}

	@Test
	void aMissingDirectoryIsAnError(@TempDir Path directory) {
		assertThatExceptionOfType(PgrollException.class)
			.isThrownBy(() -> MigrationLoader.fromDirectory(directory.resolve("missing")))
			.withMessageContaining("does not exist");
	}

	@Test
	void loadsFromClasspathDirectoriesAndJars(@TempDir Path root) throws IOException {
		Path classes = root.resolve("classes");
		Files.createDirectories(classes.resolve("db/pgroll"));
		Files.writeString(classes.resolve("db/pgroll/02_b.yaml"), EMPTY);
		Path jar = root.resolve("migrations.jar");
		try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
			// Directory entries, as Maven and Spring Boot write them; class loaders find folders through them.
			for (String folder : new String[] { "db/", "db/pgroll/", "db/pgroll/sub/", "db/other/" }) {
				out.putNextEntry(new JarEntry(folder));
				out.closeEntry();
			}
			add(out, "db/pgroll/01_a.yaml", EMPTY);
			add(out, "db/pgroll/sub/99_ignored.yaml", EMPTY);
			add(out, "db/other/00_elsewhere.yaml", EMPTY);
		}
		try (URLClassLoader loader = new URLClassLoader(
				new URL[] { classes.toUri().toURL(), jar.toUri().toURL() }, null)) {
			assertThat(MigrationLoader.fromClasspath("classpath:db/pgroll/", loader)).extracting(Migration::name)
				.containsExactly("01_a", "02_b");
			assertThat(MigrationLoader.fromClasspath("db/none", loader)).isEmpty();
		}
	}

	private static void add(JarOutputStream jar, String name, String content) throws IOException {
		jar.putNextEntry(new JarEntry(name));
		OutputStream out = jar;
		out.write(content.getBytes(StandardCharsets.UTF_8));
		jar.closeEntry();
	}

}
