package dev.pgroll4j.core.migration;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
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

	@Test
	void aFileOverTheSizeLimitIsRefusedByItsSizeBeforeItIsRead(@TempDir Path directory) throws IOException {
		Path huge = directory.resolve("01_huge.yaml");
		try (RandomAccessFile file = new RandomAccessFile(huge.toFile(), "rw")) {
			file.setLength(4L << 30);
		}
		assertThatExceptionOfType(MigrationParseException.class)
			.isThrownBy(() -> MigrationLoader.fromDirectory(directory))
			.withMessageStartingWith(huge + ": is 4294967296 bytes; a migration file may have at most 1048576 bytes");
	}

	@Test
	void aJarEntryOverTheSizeLimitIsRefused(@TempDir Path root) throws IOException {
		Path jar = root.resolve("migrations.jar");
		try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
			out.putNextEntry(new JarEntry("db/"));
			out.closeEntry();
			out.putNextEntry(new JarEntry("db/pgroll/"));
			out.closeEntry();
			add(out, "db/pgroll/01_big.yaml", "operations: []\n#" + " ".repeat(2 << 20));
		}
		try (URLClassLoader loader = new URLClassLoader(new URL[] { jar.toUri().toURL() }, null)) {
			assertThatExceptionOfType(MigrationParseException.class)
				.isThrownBy(() -> MigrationLoader.fromClasspath("db/pgroll", loader))
				.withMessageStartingWith("db/pgroll/01_big.yaml: is " + (16 + (2 << 20)) + " bytes");
		}
	}

	@Test
	void aStreamOfUnknownSizeIsReadNoFurtherThanOneByteOverTheLimit() {
		InputStream endless = new InputStream() {

			private long served;

			@Override
			public int read() {
				this.served++;
				return ' ';
			}

			@Override
			public int read(byte[] buffer, int offset, int length) {
				java.util.Arrays.fill(buffer, offset, offset + length, (byte) ' ');
				this.served += length;
				assertThat(this.served).isLessThanOrEqualTo(MigrationParser.MAX_FILE_BYTES + 1);
				return length;
			}

		};
		assertThatExceptionOfType(MigrationParseException.class)
			.isThrownBy(() -> MigrationLoader.read("db/pgroll/01_endless.yaml", endless))
			.withMessage("db/pgroll/01_endless.yaml: is larger than 1048576 bytes; a migration file may have at most "
					+ "1048576 bytes (1 MiB): split it into several migrations");
	}

	@Test
	void filesAreReadAsStrictUtf8WithAnOptionalByteOrderMark(@TempDir Path directory) throws IOException {
		Files.write(directory.resolve("01_bom.json"),
				new byte[] { (byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '{', '"', 'o', 'p', 'e', 'r', 'a', 't', 'i', 'o',
						'n', 's', '"', ':', '[', ']', '}' });
		assertThat(MigrationLoader.fromDirectory(directory)).extracting(Migration::name).containsExactly("01_bom");
		Files.write(directory.resolve("02_latin1.yaml"), "# \u00e9\noperations: []".getBytes(StandardCharsets.ISO_8859_1));
		assertThatExceptionOfType(MigrationParseException.class)
			.isThrownBy(() -> MigrationLoader.fromDirectory(directory))
			.withMessageStartingWith(directory.resolve("02_latin1.yaml") + ": is not valid UTF-8: byte 0xE9 at byte "
					+ "offset 2");
	}

	private static void add(JarOutputStream jar, String name, String content) throws IOException {
		jar.putNextEntry(new JarEntry(name));
		OutputStream out = jar;
		out.write(content.getBytes(StandardCharsets.UTF_8));
		jar.closeEntry();
	}

}
