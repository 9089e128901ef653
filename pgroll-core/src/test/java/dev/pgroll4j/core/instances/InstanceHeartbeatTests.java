package dev.pgroll4j.core.instances;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;

import dev.pgroll4j.core.CompleteResult;
import dev.pgroll4j.core.Instance;
import dev.pgroll4j.core.InstanceHeartbeat;
import dev.pgroll4j.core.InstanceRegistration;
import dev.pgroll4j.core.LiveInstancePolicy;
import dev.pgroll4j.core.MigrationStatus;
import dev.pgroll4j.test.PostgresTest;
import dev.pgroll4j.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

@PostgresTest
class InstanceHeartbeatTests {

	private static final Duration INTERVAL = Duration.ofMillis(100);

	/** Long enough that a beat delayed by a busy machine does not make the instance vanish mid-test. */
	private static final Duration EXPIRY = Duration.ofSeconds(2);

	/** What a listener was told, in order. */
	static final class Recorded implements InstanceHeartbeat.Listener {

		final BlockingQueue<Boolean> versionSchemaChanges = new LinkedBlockingQueue<>();

		final BlockingQueue<CompleteResult> autoCompletions = new LinkedBlockingQueue<>();

		@Override
		public void versionSchemaChanged(boolean exists) {
			this.versionSchemaChanges.add(exists);
		}

		@Override
		public void autoCompleted(CompleteResult result) {
			this.autoCompletions.add(result);
		}

		Boolean nextChange() throws InterruptedException {
			return this.versionSchemaChanges.poll(3, TimeUnit.SECONDS);
		}

	}

	private static void await(String what, BooleanSupplier condition) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
		while (!condition.getAsBoolean()) {
			assertThat(System.nanoTime()).as(what).isLessThan(deadline);
			Thread.sleep(20);
		}
	}

	@Test
	void anInstanceIsRegisteredAtOnceAndDeregisteredAtClose(TestDatabase database) throws Exception {
		RolloutInProgress rollout = RolloutInProgress.in(database);
		InstanceHeartbeat heartbeat = InstanceHeartbeat.start(rollout.engine(),
				rollout.instance("beating", rollout.next, EXPIRY), INTERVAL, InstanceHeartbeat.Listener.NONE, null);
		try {
			long started = System.nanoTime();
			await("registered", () -> !rollout.pgroll.instances().isEmpty());
			assertThat(Duration.ofNanos(System.nanoTime() - started)).as("the first beat runs at once")
				.isLessThan(Duration.ofSeconds(1));
			// Its own connection is not taken for a client of the version schema.
			assertThat(rollout.pgroll.instances()).extracting(Instance::id, Instance::source)
				.containsExactly(org.assertj.core.groups.Tuple.tuple("beating", Instance.Source.REGISTERED));
			Instance first = rollout.pgroll.instances().get(0);
			await("beating again", () -> rollout.pgroll.instances().get(0).lastHeartbeat()
				.isAfter(first.lastHeartbeat()));
			assertThat(heartbeat.versionSchemaExists()).isTrue();
		}
		finally {
			heartbeat.close();
		}
		assertThat(rollout.pgroll.instances()).as("deregistered at close").isEmpty();
		Thread.sleep(3 * INTERVAL.toMillis());
		assertThat(rollout.pgroll.instances()).as("no beat after close").isEmpty();
		// The heartbeat's connection is closed too.
		assertThat(database.queryForLong("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
				+ "AND application_name = 'pgroll heartbeat'")).isZero();
	}

	@Test
	void theListenerHearsWhenTheVersionSchemaIsDroppedAndCreatedAgain(TestDatabase database) throws Exception {
		RolloutInProgress rollout = RolloutInProgress.in(database);
		Recorded oldListener = new Recorded();
		Recorded newListener = new Recorded();
		try (InstanceHeartbeat old = InstanceHeartbeat.start(rollout.engine(),
				rollout.instance("old", rollout.previous, EXPIRY), INTERVAL, oldListener, null);
				InstanceHeartbeat fresh = InstanceHeartbeat.start(rollout.engine(),
						rollout.instance("new", rollout.next, EXPIRY), INTERVAL, newListener, null)) {
			await("both registered", () -> rollout.pgroll.instances().size() == 2);

			// Release 2 is rolled back over its instance, then started again: its version schema comes back.
			rollout.pgroll.rollback(LiveInstancePolicy.FORCE);
			assertThat(newListener.nextChange()).as("release 2's version schema dropped").isFalse();
			assertThat(fresh.versionSchemaExists()).isFalse();
			rollout.pgroll.start(RolloutInProgress.NOTE);
			assertThat(newListener.nextChange()).as("release 2's version schema created again").isTrue();
			assertThat(fresh.versionSchemaExists()).isTrue();

			// Completed over release 1's instance: its version schema is gone for good.
			rollout.pgroll.complete(LiveInstancePolicy.FORCE);
			assertThat(oldListener.nextChange()).as("release 1's version schema dropped").isFalse();
			assertThat(old.versionSchemaExists()).isFalse();

			Thread.sleep(3 * INTERVAL.toMillis());
			assertThat(oldListener.versionSchemaChanges).as("told once, not every beat").isEmpty();
			assertThat(newListener.versionSchemaChanges).isEmpty();
		}
	}

	@Test
	void withAGracePeriodItCompletesTheRolloutOnceThePreviousReleaseIsGone(TestDatabase database) throws Exception {
		RolloutInProgress rollout = RolloutInProgress.in(database);
		Duration grace = Duration.ofMillis(500);
		rollout.pgroll.heartbeat(rollout.instance("old", rollout.previous, Duration.ofHours(1)));
		Recorded first = new Recorded();
		Recorded second = new Recorded();
		// Two instances of release 2, both willing to complete.
		try (InstanceHeartbeat one = InstanceHeartbeat.start(rollout.engine(),
				rollout.instance("new-1", rollout.next, EXPIRY), INTERVAL, first, grace);
				InstanceHeartbeat two = InstanceHeartbeat.start(rollout.engine(),
						rollout.instance("new-2", rollout.next, EXPIRY), INTERVAL, second, grace)) {
			Thread.sleep(grace.toMillis() + 2 * INTERVAL.toMillis());
			assertThat(rollout.pgroll.status().state()).as("release 1 still runs").isEqualTo(
					MigrationStatus.State.IN_PROGRESS);

			long left = System.nanoTime();
			rollout.pgroll.deregister("old");
			await("auto-completed", () -> !first.autoCompletions.isEmpty() || !second.autoCompletions.isEmpty());
			assertThat(Duration.ofNanos(System.nanoTime() - left)).as("not before the grace period")
				.isGreaterThanOrEqualTo(grace.minusMillis(50));
			Thread.sleep(3 * INTERVAL.toMillis());
			List<CompleteResult> completions = new ArrayList<>(first.autoCompletions);
			completions.addAll(second.autoCompletions);
			assertThat(completions).as("completed once").singleElement().satisfies((result) -> {
				assertThat(result.migrations()).containsExactly("02_note");
				assertThat(result.droppedVersionSchema()).isEqualTo(rollout.previous);
			});
			assertThat(rollout.pgroll.status().state()).isEqualTo(MigrationStatus.State.COMPLETE);
			assertThat(first.versionSchemaChanges).as("their own version schema stays").isEmpty();
			assertThat(second.versionSchemaChanges).isEmpty();
		}
	}

	@Test
	void anExpiryNoLongerThanTheIntervalIsRefused(TestDatabase database) {
		RolloutInProgress rollout = RolloutInProgress.in(database);
		InstanceRegistration registration = rollout.instance("x", rollout.next, Duration.ofMillis(100));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> InstanceHeartbeat.start(rollout.pgroll, registration, Duration.ofMillis(100),
					InstanceHeartbeat.Listener.NONE, null))
			.withMessageContaining("must be longer than the heartbeat interval");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> InstanceHeartbeat.start(rollout.pgroll, registration, Duration.ZERO,
					InstanceHeartbeat.Listener.NONE, null));
		assertThat(rollout.pgroll.instances()).isEmpty();
	}

}
