package dev.pgroll4j.core.reliability;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.pgroll4j.core.reliability.LiveTraffic.Ending;
import dev.pgroll4j.test.PostgresTest;
import dev.pgroll4j.test.TestDatabase;

/**
 * Every operation kind and every change {@code alter_column} can make, and several migrations started as one
 * rollout, started, backfilled and then completed or rolled back while clients of both versions keep reading and
 * writing.
 */
@PostgresTest
@Tag("reliability")
class UnderTrafficTests {

	private static final List<Outcome> operations = Collections.synchronizedList(new ArrayList<>());

	private static final List<Outcome> alterColumn = Collections.synchronizedList(new ArrayList<>());

	private static final List<Outcome> rollouts = Collections.synchronizedList(new ArrayList<>());

	static Stream<Arguments> operationRuns() {
		return runs(Scenarios.operations());
	}

	static Stream<Arguments> alterColumnRuns() {
		return runs(Scenarios.alterColumn());
	}

	static Stream<Arguments> rolloutRuns() {
		return runs(Scenarios.rollouts());
	}

	static Stream<Arguments> pinnedTableRuns() {
		return runs(List.of(Scenarios.pinnedTable()));
	}

	private static Stream<Arguments> runs(List<Scenario> scenarios) {
		return scenarios.stream()
			.flatMap((scenario) -> Stream.of(Ending.values()).map((ending) -> Arguments.of(scenario, ending)));
	}

	@ParameterizedTest(name = "{0}, then {1}")
	@MethodSource("operationRuns")
	void noStatementFailsAndNoRowIsLostOrWrongWhileAnOperationRunsUnderTraffic(Scenario scenario, Ending ending,
			TestDatabase database) {
		runAndCheck(scenario, ending, database, operations);
	}

	@ParameterizedTest(name = "{0}, then {1}")
	@MethodSource("alterColumnRuns")
	void noStatementFailsAndNoRowIsLostOrWrongWhileAnAlterColumnRunsUnderTraffic(Scenario scenario, Ending ending,
			TestDatabase database) {
		runAndCheck(scenario, ending, database, alterColumn);
	}

	@ParameterizedTest(name = "{0}, then {1}")
	@MethodSource("rolloutRuns")
	void noStatementFailsAndNoRowIsLostOrWrongWhileSeveralMigrationsRollOutAsOneUnderTraffic(Scenario scenario,
			Ending ending, TestDatabase database) {
		runAndCheck(scenario, ending, database, rollouts);
	}

	@ParameterizedTest(name = "{0}, then {1}")
	@MethodSource("pinnedTableRuns")
	void aTableCreatedThroughAPinnedConnectionDuringTheRolloutIsNeitherDroppedNorLost(Scenario scenario,
			Ending ending, TestDatabase database) {
		runAndCheck(scenario, ending, database, operations);
	}

	private static void runAndCheck(Scenario scenario, Ending ending, TestDatabase database, List<Outcome> kept) {
		Outcome outcome = LiveTraffic.run(database, scenario, ending);
		kept.add(outcome);
		System.out.print(outcome.report());
		outcome.assertClean();
	}

	@AfterAll
	static void printSummaries() {
		System.out.println(Outcome.summary("operations under traffic", operations));
		System.out.println(Outcome.summary("alter_column under traffic", alterColumn));
		System.out.println(Outcome.summary("rollouts under traffic", rollouts));
	}

}
