package dev.pgroll4j.core.conformance;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

import dev.pgroll4j.core.Pgroll;
import dev.pgroll4j.core.migration.Migration;
import dev.pgroll4j.core.migration.MigrationParser;
import dev.pgroll4j.test.CatalogSnapshot;
import dev.pgroll4j.test.PostgresTest;
import dev.pgroll4j.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * pgroll's own example migrations, unchanged, in the order of their ledger against one database: each is started
 * and rolled back (the catalog must return to what it was), then started and completed.
 */
@PostgresTest
@Tag("conformance")
class ConformanceTests {

	private static final String FOLDER = "conformance/pgroll-examples/";

	@TestFactory
	Stream<DynamicTest> everyExampleRunsInLedgerOrderAndRollsBackCleanly(TestDatabase database) {
		Pgroll pgroll = Pgroll.configure().dataSource(database.dataSource()).load();
		pgroll.init();
		return ledger().stream().map((file) -> DynamicTest.dynamicTest(file, () -> {
			Migration migration = MigrationParser.parse(file, resource(FOLDER + file));
			CatalogSnapshot before = database.catalogSnapshot();
			pgroll.start(migration);
			pgroll.rollback();
			assertThat(before.diff(database.catalogSnapshot())).as("catalog changes left by start + rollback")
				.isEmpty();
			pgroll.start(migration);
			pgroll.complete();
			assertThat(pgroll.status().latest().name()).isEqualTo(migration.name());
		}));
	}

	static List<String> ledger() {
		List<String> files = new ArrayList<>();
		for (String line : resource(FOLDER + ".ledger").split("\n")) {
			if (!line.isBlank()) {
				files.add(line.strip());
			}
		}
		return files;
	}

	static String resource(String path) {
		try (InputStream in = ConformanceTests.class.getClassLoader().getResourceAsStream(path)) {
			assertThat(in).as(path).isNotNull();
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
