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
 * Every change {@code alter_column} can make (see {@link OperationsUnderTrafficTests} for the other operations),
 * started, backfilled and then completed or rolled back while clients of both versions keep reading and writing.
 */
@PostgresTest
@Tag("reliability")
class AlterColumnUnderTrafficTests {

	private static final List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());

	static Stream<Arguments> runs() {
		return Scenarios.alterColumn()
			.stream()
			.flatMap((scenario) -> Stream.of(Ending.values()).map((ending) -> Arguments.of(scenario, ending)));
	}

	@ParameterizedTest(name = "{0}, then {1}")
	@MethodSource("runs")
	void noStatementFailsAndNoRowIsLostOrWrongWhileClientsOfBothVersionsWrite(Scenario scenario, Ending ending,
			TestDatabase database) {
		Outcome outcome = LiveTraffic.run(database, scenario, ending);
		outcomes.add(outcome);
		System.out.print(outcome.report());
		outcome.assertClean();
	}

	@AfterAll
	static void printSummary() {
		System.out.println(Outcome.summary(AlterColumnUnderTrafficTests.class.getSimpleName(), outcomes));
	}

}
