package dev.pgroll4j.core.instances;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.pgroll4j.core.CompleteResult;
import dev.pgroll4j.core.MigrationStatus;
import dev.pgroll4j.core.Pgroll;
import dev.pgroll4j.test.PostgresTest;
import dev.pgroll4j.test.TestDatabase;

import static dev.pgroll4j.core.testing.Concurrently.runTogether;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Instances of release 2 ask now and then whether the rollout can be completed: once no instance has used release
 * 1's version schema for a grace period, one of them completes it.
 */
@PostgresTest
class CompleteIfUnusedTests {

	private static final Duration LONG = Duration.ofMinutes(10);

	/** Moves the rollout's start back, so that only the instances decide whether the grace period has passed. */
	private static void startedLongAgo(RolloutInProgress rollout) {
		rollout.database.execute("UPDATE pgroll.migrations SET updated_at = updated_at - interval '1 hour', "
				+ "created_at = created_at - interval '1 hour' WHERE schema = '" + rollout.schema + "'");
	}

	@Test
	void itIsNotDueWhileAnInstanceOfThePreviousReleaseIsLive(TestDatabase database) {
		RolloutInProgress rollout = RolloutInProgress.in(database);
		startedLongAgo(rollout);
		rollout.pgroll.heartbeat(rollout.instance("old-1", rollout.previous, Duration.ofHours(1)));
		// Even with no grace at all.
		assertThat(rollout.pgroll.completeIfUnused(rollout.next, Duration.ZERO)).isEmpty();
		rollout.assertStillInProgress();
	}

	@Test
	void itIsNotDueUntilTheGracePeriodHasPassedSinceTheLastInstanceLeft(TestDatabase database) {
		RolloutInProgress rollout = RolloutInProgress.in(database);
		startedLongAgo(rollout);
		rollout.pgroll.heartbeat(rollout.instance("old-1", rollout.previous, Duration.ofHours(1)));
		rollout.pgroll.deregister("old-1");
		assertThat(rollout.pgroll.completeIfUnused(rollout.next, LONG)).as("it left just now").isEmpty();
		rollout.assertStillInProgress();

		// It left longer ago than the grace period.
		database.execute("UPDATE pgroll.instances SET expires_at = expires_at - interval '11 minutes', "
				+ "heartbeat_at = heartbeat_at - interval '11 minutes' WHERE schema = '" + rollout.schema + "'");
		Optional<CompleteResult> done = rollout.pgroll.completeIfUnused(rollout.next, LONG);
		assertThat(done).hasValueSatisfying((result) -> {
			assertThat(result.migrations()).containsExactly("02_note");
			assertThat(result.droppedVersionSchema()).isEqualTo(rollout.previous);
		});
		assertThat(rollout.pgroll.status().state()).isEqualTo(MigrationStatus.State.COMPLETE);
		assertThat(rollout.exists(rollout.previous)).isFalse();
		assertThat(rollout.pgroll.completeIfUnused(rollout.next, Duration.ZERO)).as("nothing left to do").isEmpty();
	}

	@Test
	void theGracePeriodAlsoCountsFromTheStartOfTheRollout(TestDatabase database) {
		RolloutInProgress rollout = RolloutInProgress.in(database);
		// No instance ever registered: the rollout's start is all there is to go by.
		assertThat(rollout.pgroll.completeIfUnused(rollout.next, LONG)).as("it started just now").isEmpty();
		startedLongAgo(rollout);
		assertThat(rollout.pgroll.completeIfUnused(rollout.next, LONG)).isPresent();
	}

	@Test
	void anInstanceThatWasKilledCountsAsGoneFromItsExpiry(TestDatabase database) throws Exception {
		RolloutInProgress rollout = RolloutInProgress.in(database);
		startedLongAgo(rollout);
		rollout.pgroll.heartbeat(rollout.instance("killed", rollout.previous, Duration.ofMillis(200)));
		Thread.sleep(250);
		assertThat(rollout.pgroll.completeIfUnused(rollout.next, LONG)).as("it expired just now").isEmpty();
		database.execute("UPDATE pgroll.instances SET expires_at = expires_at - interval '11 minutes', "
				+ "heartbeat_at = heartbeat_at - interval '11 minutes' WHERE schema = '" + rollout.schema + "'");
		assertThat(rollout.pgroll.completeIfUnused(rollout.next, LONG)).isPresent();
	}

	@Test
	void itDoesNothingForAVersionSchemaThatIsNotTheActiveRollouts(TestDatabase database) {
		RolloutInProgress rollout = RolloutInProgress.in(database);
		startedLongAgo(rollout);
		// An instance of release 1 asking, or of a release that is not rolling out.
		assertThat(rollout.pgroll.completeIfUnused(rollout.previous, Duration.ZERO)).isEmpty();
		assertThat(rollout.pgroll.completeIfUnused(rollout.schema + "_03_later", Duration.ZERO)).isEmpty();
		rollout.assertStillInProgress();
		rollout.pgroll.complete();
		assertThat(rollout.pgroll.completeIfUnused(rollout.next, Duration.ZERO)).as("no active rollout").isEmpty();
	}

	@Test
	void itDoesNothingOnADatabaseWithoutHistory(TestDatabase database) {
		TestDatabase fresh = database.createSibling("unused");
		Pgroll pgroll = Pgroll.configure().dataSource(fresh.dataSource()).schema("app").load();
		assertThat(pgroll.completeIfUnused("app_01_first", Duration.ZERO)).isEmpty();
		assertThatIllegalArgumentException().isThrownBy(() -> pgroll.completeIfUnused("app_01", Duration.ofMillis(-1)));
	}

	@Test
	void manyInstancesAskingTogetherCompleteTheRolloutExactlyOnce(TestDatabase database) throws Exception {
		RolloutInProgress rollout = RolloutInProgress.in(database,
				(builder) -> builder.migrationLockWait(Duration.ofSeconds(30)));
		startedLongAgo(rollout);
		// Each thread an instance of release 2 with an engine of its own.
		List<Pgroll> engines = List.of(rollout.engine(), rollout.engine(), rollout.engine(), rollout.engine());
		AtomicInteger next = new AtomicInteger();
		List<Future<Optional<CompleteResult>>> results = runTogether(engines.size(),
				() -> engines.get(next.getAndIncrement()).completeIfUnused(rollout.next, Duration.ZERO));
		int completed = 0;
		for (Future<Optional<CompleteResult>> result : results) {
			if (result.get().isPresent()) {
				completed++;
			}
		}
		assertThat(completed).isEqualTo(1);
		MigrationStatus status = rollout.pgroll.status();
		assertThat(status.state()).isEqualTo(MigrationStatus.State.COMPLETE);
		assertThat(status.latest().name()).isEqualTo("02_note");
	}

}
