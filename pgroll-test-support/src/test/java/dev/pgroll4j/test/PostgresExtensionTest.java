package dev.pgroll4j.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineTestKit;

@PostgresTest
class PostgresExtensionTest {

	private static TestDatabase fromBeforeAll;
	private final TestDatabase fromConstructor;
	private TestDatabase fromBeforeEach;

	PostgresExtensionTest(TestDatabase database) {
		fromConstructor = database;
	}

	@BeforeAll
	static void rememberDatabase(TestDatabase database) {
		fromBeforeAll = database;
	}

	@BeforeEach
	void rememberDatabaseForEachTest(TestDatabase database) {
		fromBeforeEach = database;
	}

	@Test
	void givesTheTestClassAFreshEmptyDatabaseNamedAfterIt(TestDatabase database) {
		assertThat(database.name()).matches("postgresextensiontest_[a-z0-9]{8}");
		assertThat(database.queryForString("SELECT current_database()")).isEqualTo(database.name());
		assertThat(database.queryForLong("""
				SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
				WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'""")).isZero();
	}

	@Test
	void constructorLifecycleMethodsAndTestsSeeTheSameDatabase(TestDatabase database) {
		assertThat(fromConstructor).isSameAs(database);
		assertThat(fromBeforeAll).isSameAs(database);
		assertThat(fromBeforeEach).isSameAs(database);
	}

	@Nested
	class NestedClass {

		@Test
		void usesTheEnclosingClassDatabase(TestDatabase database) {
			assertThat(database).isSameAs(fromBeforeAll);
		}
	}

	@Test
	void twoTestClassesGetDifferentDatabasesWhichAreDroppedWithTheirSiblingsAfterwards(TestDatabase database) {
		Fixture.SEEN.clear();

		EngineTestKit.engine("junit-jupiter")
				.selectors(selectClass(FirstFixture.class), selectClass(SecondFixture.class))
				.execute()
				.testEvents()
				.assertStatistics(stats -> stats.succeeded(2).failed(0));

		String first = Fixture.SEEN.get("FirstFixture");
		String second = Fixture.SEEN.get("SecondFixture");
		assertThat(first).startsWith("firstfixture_");
		assertThat(second).startsWith("secondfixture_");
		assertThat(database.queryForLong("SELECT count(*) FROM pg_database WHERE datname LIKE ? OR datname LIKE ?",
				first + "%", second + "%")).as("databases and siblings left behind").isZero();
	}

	/** Runs only through the EngineTestKit above: not a @Nested class, and surefire skips inner classes. */
	@ExtendWith(PostgresExtension.class)
	abstract static class Fixture {

		static final Map<String, String> SEEN = new ConcurrentHashMap<>();

		@Test
		void recordDatabase(TestDatabase database) {
			database.execute("CREATE TABLE t (id int)");
			TestDatabase sibling = database.createSibling("other");
			assertThat(sibling.name()).startsWith(database.name().replaceAll("_[a-z0-9]{8}$", "") + "_other_");
			assertThat(sibling.queryForString("SELECT current_database()")).isEqualTo(sibling.name());
			SEEN.put(getClass().getSimpleName(), database.name());
		}
	}

	static class FirstFixture extends Fixture {
	}

	static class SecondFixture extends Fixture {
	}
}
