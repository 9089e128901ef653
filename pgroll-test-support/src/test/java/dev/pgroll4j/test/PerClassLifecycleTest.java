package dev.pgroll4j.test;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** With one instance per class the constructor is resolved before any BeforeAllCallback runs. */
@PostgresTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PerClassLifecycleTest {

	private final TestDatabase database;

	PerClassLifecycleTest(TestDatabase database) {
		this.database = database;
	}

	@BeforeAll
	void createTable(TestDatabase database) {
		database.execute("CREATE TABLE t (id int)");
	}

	@Test
	void constructorAndNonStaticBeforeAllGetTheSameDatabase(TestDatabase database) {
		assertThat(database).isSameAs(this.database);
		assertThat(database.queryForLong("SELECT count(*) FROM t")).isZero();
	}
}
