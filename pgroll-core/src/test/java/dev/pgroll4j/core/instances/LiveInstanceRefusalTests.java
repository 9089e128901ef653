package dev.pgroll4j.core.instances;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.pgroll4j.core.CompleteResult;
import dev.pgroll4j.core.Instance;
import dev.pgroll4j.core.InstancesStillLiveException;
import dev.pgroll4j.core.LiveInstancePolicy;
import dev.pgroll4j.core.MigrationStateException;
import dev.pgroll4j.core.MigrationStatus;
import dev.pgroll4j.core.RollbackResult;
import dev.pgroll4j.test.CatalogSnapshot;
import dev.pgroll4j.test.PostgresTest;
import dev.pgroll4j.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Complete drops the version schema release 1 uses, rollback the one release 2 uses: each refuses while a live
 * instance still uses the one it would drop, and goes ahead when forced.
 */
@PostgresTest
class LiveInstanceRefusalTests {

	@Test
	void completeRefusesWhileAnInstanceOfThePreviousReleaseIsLiveAndChangesNothing(TestDatabase database) {
		RolloutInProgress rollout = RolloutInProgress.in(database);
		rollout.pgroll.heartbeat(rollout.instance("old-1", rollout.previous, Duration.ofHours(1)));
		CatalogSnapshot before = database.catalogSnapshot();

		InstancesStillLiveException refused = assertThrows(InstancesStillLiveException.class,
				() -> rollout.pgroll.complete());
		assertThat(refused).isInstanceOf(MigrationStateException.class)
			.hasMessageContaining("cannot complete")
			.hasMessageContaining("\"" + rollout.previous + "\"")
			.hasMessageContaining("host-of-old-1 (old-1")
			.hasMessageContaining("Nothing was changed");
		assertThat(refused.versionSchema()).isEqualTo(rollout.previous);
		assertThat(refused.instances()).extracting(Instance::id).containsExactly("old-1");
		assertThat(before.diff(database.catalogSnapshot())).as("catalog changes by the refused complete").isEmpty();
		rollout.assertStillInProgress();

		CompleteResult forced = rollout.pgroll.complete(LiveInstancePolicy.FORCE);
		assertThat(forced.migrations()).containsExactly("02_note");
		assertThat(rollout.pgroll.status().state()).isEqualTo(MigrationStatus.State.COMPLETE);
		assertThat(rollout.exists(rollout.previous)).isFalse();
		assertThat(rollout.exists(rollout.next)).isTrue();
	}

	@Test
	void rollbackRefusesWhileAnInstanceOfTheNewReleaseIsLiveAndChangesNothing(TestDatabase database) {
		RolloutInProgress rollout = RolloutInProgress.in(database);
		rollout.pgroll.heartbeat(rollout.instance("new-1", rollout.next, Duration.ofHours(1)));
		CatalogSnapshot before = database.catalogSnapshot();

		InstancesStillLiveException refused = assertThrows(InstancesStillLiveException.class,
				() -> rollout.pgroll.rollback());
		assertThat(refused).hasMessageContaining("cannot roll back")
			.hasMessageContaining("\"" + rollout.next + "\"")
			.hasMessageContaining("host-of-new-1 (new-1");
		assertThat(refused.versionSchema()).isEqualTo(rollout.next);
		assertThat(refused.instances()).extracting(Instance::id).containsExactly("new-1");
		assertThat(before.diff(database.catalogSnapshot())).as("catalog changes by the refused rollback").isEmpty();
		rollout.assertStillInProgress();

		RollbackResult forced = rollout.pgroll.rollback(LiveInstancePolicy.FORCE);
		assertThat(forced.droppedVersionSchema()).isEqualTo(rollout.next);
		assertThat(rollout.pgroll.status().activeMigration()).isNull();
		assertThat(rollout.exists(rollout.next)).isFalse();
		assertThat(rollout.exists(rollout.previous)).isTrue();
	}

	@Test
	void everyLiveInstanceIsNamedAndOnesThatLeftAreNot(TestDatabase database) {
		RolloutInProgress rollout = RolloutInProgress.in(database);
		rollout.pgroll.heartbeat(rollout.instance("old-1", rollout.previous, Duration.ofHours(1)));
		rollout.pgroll.heartbeat(rollout.instance("old-2", rollout.previous, Duration.ofHours(1)));
		rollout.pgroll.heartbeat(rollout.instance("old-3", rollout.previous, Duration.ofHours(1)));
		rollout.pgroll.deregister("old-3");
		assertThatExceptionOfType(InstancesStillLiveException.class).isThrownBy(() -> rollout.pgroll.complete())
			.withMessageContaining("2 live instance(s)")
			.withMessageContaining("host-of-old-1 (old-1")
			.withMessageContaining("host-of-old-2 (old-2")
			.withMessageNotContaining("old-3");
	}

	@Test
	void instancesOfTheNewReleaseDoNotBlockComplete(TestDatabase database) {
		RolloutInProgress rollout = RolloutInProgress.in(database);
		rollout.pgroll.heartbeat(rollout.instance("new-1", rollout.next, Duration.ofHours(1)));
		// An instance of release 1 that left: its row stays, expired.
		rollout.pgroll.heartbeat(rollout.instance("old-1", rollout.previous, Duration.ofHours(1)));
		rollout.pgroll.deregister("old-1");
		assertThat(rollout.pgroll.complete().migrations()).containsExactly("02_note");
		assertThat(rollout.exists(rollout.previous)).isFalse();
	}

	@Test
	void instancesOfThePreviousReleaseDoNotBlockRollback(TestDatabase database) {
		RolloutInProgress rollout = RolloutInProgress.in(database);
		rollout.pgroll.heartbeat(rollout.instance("old-1", rollout.previous, Duration.ofHours(1)));
		assertThat(rollout.pgroll.rollback().migrations()).containsExactly("02_note");
		assertThat(rollout.exists(rollout.next)).isFalse();
		assertThat(rollout.pgroll.instances()).extracting(Instance::id).containsExactly("old-1");
	}

	@Test
	void anInstanceOfAVersionSchemaOfAnotherSchemaDoesNotBlock(TestDatabase database) {
		RolloutInProgress mine = RolloutInProgress.in(database);
		RolloutInProgress other = RolloutInProgress.in(database);
		other.pgroll.heartbeat(other.instance("old-other", other.previous, Duration.ofHours(1)));
		assertThat(mine.pgroll.complete().migrations()).containsExactly("02_note");
		assertThatExceptionOfType(InstancesStillLiveException.class).isThrownBy(() -> other.pgroll.complete());
	}

}
