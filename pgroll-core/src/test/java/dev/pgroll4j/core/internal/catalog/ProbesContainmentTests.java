package dev.pgroll4j.core.internal.catalog;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.pgroll4j.test.PostgresTest;
import dev.pgroll4j.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Probes are the server-side half of validation, and run before anything else. These tests hand them fragments
 * directly, past the lexical check, as if {@link SqlText} had a gap: a COMMIT in a fragment must not end the probe's
 * transaction (or the start transaction a probe runs in), and nothing the fragment adds may run at all.
 */
@PostgresTest
@Tag("operations")
class ProbesContainmentTests {

	/**
	 * A valid value for the probe's clause, then closes the clause with {@code close} after a comment ended by a carriage return, then bumps the canary
	 * (sequences ignore rollback), commits, creates a table, and comments out the rest of the probe's statement.
	 */
	private static String injection(String value, String close) {
		return value + " --\r" + close + " ; SELECT nextval('public.probe_canary'); COMMIT; CREATE TABLE public.pwned_probe (); "
				+ "SELECT 1 --";
	}

	@BeforeEach
	void createCanary(TestDatabase database) {
		database.execute("DROP TABLE IF EXISTS public.pwned_probe, public.made_in_caller_transaction",
				"DROP SEQUENCE IF EXISTS public.probe_canary", "CREATE SEQUENCE public.probe_canary");
	}

	static Stream<Arguments> probes() {
		Map<String, String> columns = Map.of("a", "integer");
		return Stream.of(
				Arguments.of("default", probe((p) -> p.defaultProblem(injection("0", ")"), "integer"))),
				Arguments.of("check", probe((p) -> p.conditionProblem(injection("true", "))"), columns))),
				Arguments.of("generated", probe((p) -> p.generatedProblem(injection("0", ") STORED)"), columns, "integer"))),
				Arguments.of("predicate", probe((p) -> p.predicateProblem(injection("true", ")"), columns))),
				Arguments.of("value", probe((p) -> p.valueProblem(injection("0", ")"), "t", columns, "integer"))));
	}

	private static Function<Probes, Probes.Problem> probe(Function<Probes, Probes.Problem> probe) {
		return probe;
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("probes")
	void aFragmentThatBreaksOutOfAProbeRunsNothingAndCommitsNothing(String kind,
			Function<Probes, Probes.Problem> probe, TestDatabase database) throws SQLException {
		try (Connection connection = database.connect()) {
			Probes.Problem problem = probe.apply(new Probes(connection));

			assertThat(problem).as("the probe reports a problem").isNotNull();
			assertThat(connection.getAutoCommit()).isTrue();
		}
		assertNothingRan(database);
	}

	/** Two probes run inside the start transaction itself, under a savepoint. */
	@Test
	void aCommitInAProbeOfTheStartTransactionCannotCommitIt(TestDatabase database) throws SQLException {
		try (Connection connection = database.connect()) {
			connection.setAutoCommit(false);
			try (Statement statement = connection.createStatement()) {
				statement.execute("CREATE TABLE public.made_in_caller_transaction ()");
			}
			Probes probes = new Probes(connection);

			Throwable volatility = catchThrowable(() -> probes.isVolatileDefault("integer", injection("0", "")));
			boolean resolves = probes.resolvesWithCatalogOnly(injection("0", ")"), "t", Map.of("a", "integer"));

			assertThat(volatility).isInstanceOf(SQLException.class);
			assertThat(resolves).isFalse();
			connection.rollback();
		}
		assertNothingRan(database);
		assertThat(database.queryForString("SELECT to_regclass('public.made_in_caller_transaction')::text"))
			.as("the caller's transaction was rolled back, not committed by the fragment")
			.isNull();
	}

	private static void assertNothingRan(TestDatabase database) {
		assertThat(database.queryForString("SELECT to_regclass('public.pwned_probe')::text")).isNull();
		assertThat(database.queryForString("SELECT is_called::text FROM public.probe_canary")).as("canary").isEqualTo("false");
	}

}
