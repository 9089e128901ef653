package dev.pgroll4j.spring;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.core.io.DefaultResourceLoader;

import dev.pgroll4j.core.MigrationParseException;
import dev.pgroll4j.core.migration.Migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The application's migration files are read as the core reads them: strict UTF-8, within the size limit. */
class PgrollMigrationsTests {

	@Test
	void aFileThatIsNotUtf8IsRefusedNamingTheFileAndOffset(@TempDir Path directory) throws IOException {
		Files.write(directory.resolve("01_a.yaml"), "# caf\u00e9\noperations: []".getBytes(StandardCharsets.ISO_8859_1));
		assertThatExceptionOfType(MigrationParseException.class)
			.isThrownBy(() -> load(directory))
			.withMessageContaining("01_a.yaml: is not valid UTF-8: byte 0xE9 at byte offset 5");
	}

	@Test
	void aFileOverTheSizeLimitIsRefusedWithoutReadingItWhole(@TempDir Path directory) throws IOException {
		Files.writeString(directory.resolve("01_a.yaml"), "operations: []\n#" + " ".repeat(2 << 20));
		assertThatExceptionOfType(MigrationParseException.class)
			.isThrownBy(() -> load(directory))
			.withMessageContaining("01_a.yaml: is larger than 1048576 bytes");
	}

	@Test
	void aByteOrderMarkIsSkipped(@TempDir Path directory) throws IOException {
		Files.writeString(directory.resolve("01_a.json"), "\ufeff{\"operations\": []}");
		assertThat(load(directory).migrations())
			.extracting(Migration::name)
			.containsExactly("01_a");
	}

	private static PgrollMigrations load(Path directory) {
		return PgrollMigrations.load(List.of(directory.toUri().toString()), "public", new DefaultResourceLoader());
	}

}
