package dev.pgroll4j.spring.slices;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.jdbc.test.autoconfigure.AutoConfigureTestDatabase;
import org.springframework.boot.jdbc.test.autoconfigure.JdbcTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.pgroll4j.core.MigrationRecord;
import dev.pgroll4j.core.MigrationStatus;
import dev.pgroll4j.core.Pgroll;
import dev.pgroll4j.test.PostgresTest;
import dev.pgroll4j.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * A {@code @JdbcTest} against a real, empty database: pgroll migrates it as the application would, and the
 * slice's {@link JdbcClient} reads and writes through the newest version schema.
 */
@PostgresTest
@JdbcTest(properties = "pgroll.locations=classpath:pgroll/slices")
@AutoConfigureTestDatabase(replace = AutoConfigureTestDatabase.Replace.NONE)
// The context (its pool, its registry heartbeat) closes before @PostgresTest drops the database.
@DirtiesContext
class JdbcTestSliceTests {

	private static @Nullable TestDatabase database;

	@Autowired
	private JdbcClient jdbc;

	@BeforeAll
	static void useTheClassDatabase(TestDatabase classDatabase) {
		database = classDatabase;
	}

	@DynamicPropertySource
	static void pointTheSliceAtIt(DynamicPropertyRegistry registry) {
		SliceDatabase.register(registry, () -> SliceDatabase.required(database));
	}

	@Test
	void migratesTheEmptyDatabaseCompletingEachMigrationButTheLast(TestDatabase classDatabase) {
		// Read from the database, not from the slice's beans: the history is what start-up leaves behind.
		MigrationStatus status = Pgroll.configure().dataSource(classDatabase.dataSource()).load().status();
		assertThat(status.history()).extracting(MigrationRecord::name, MigrationRecord::done)
			.containsExactly(tuple("01_create_authors", true), tuple("02_rename_name", false));
	}

	@Test
	void pinsTheSlicesConnectionsToTheNewestVersionSchema() {
		assertThat(this.jdbc.sql("select current_schema()").query(String.class).single())
			.isEqualTo("public_02_rename_name");
	}

	@Test
	void writesAndReadsTheNewestVersionsColumns() {
		long id = this.jdbc.sql("insert into authors (full_name) values (?) returning id")
			.param("Ursula K. Le Guin")
			.query(Long.class)
			.single();
		assertThat(this.jdbc.sql("select full_name from authors where id = ?").param(id).query(String.class).single())
			.isEqualTo("Ursula K. Le Guin");
	}

}
