package dev.pgroll4j.core.instances;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.pgroll4j.core.Instance;
import dev.pgroll4j.core.InstanceRegistration;
import dev.pgroll4j.core.MigrationStatus;
import dev.pgroll4j.core.Pgroll;
import dev.pgroll4j.test.PostgresTest;
import dev.pgroll4j.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

@PostgresTest
class InstanceRegistryTests {

	@Test
	void aRegisteredInstanceIsListedWithTheVersionSchemaItUses(TestDatabase database) {
		RolloutInProgress rollout = RolloutInProgress.in(database);
		Pgroll pgroll = rollout.pgroll;
		Instant before = Instant.now().minusSeconds(1);
		assertThat(pgroll.heartbeat(rollout.instance("old-1", rollout.previous, Duration.ofMinutes(1)))).isTrue();
		assertThat(pgroll.heartbeat(rollout.instance("new-1", rollout.next, Duration.ofMinutes(1)))).isTrue();

		assertThat(pgroll.instances()).extracting(Instance::id, Instance::host, Instance::versionSchema,
				Instance::source)
			.containsExactly(org.assertj.core.groups.Tuple.tuple("old-1", "host-of-old-1", rollout.previous,
					Instance.Source.REGISTERED),
					org.assertj.core.groups.Tuple.tuple("new-1", "host-of-new-1", rollout.next,
							Instance.Source.REGISTERED));
		MigrationStatus status = pgroll.status();
		assertThat(status.instancesOf(rollout.previous)).extracting(Instance::id).containsExactly("old-1");
		assertThat(status.instancesOf(rollout.next)).extracting(Instance::id).containsExactly("new-1");
		Instance old = status.instancesOf(rollout.previous).get(0);
		assertThat(old.startedAt()).isAfter(before);
		assertThat(old.lastHeartbeat()).isNotNull();
		assertThat(old.expiresAt()).isAfter(old.lastHeartbeat().plusSeconds(50));
		assertThat(old.applicationName()).isNull();
	}

	@Test
	void aHeartbeatRenewsTheRegistrationAndKeepsWhenItStarted(TestDatabase database) throws Exception {
		RolloutInProgress rollout = RolloutInProgress.in(database);
		InstanceRegistration registration = rollout.instance("renewing", rollout.next, Duration.ofMinutes(1));
		rollout.pgroll.heartbeat(registration);
		Instance first = rollout.pgroll.instances().get(0);
		Thread.sleep(20);
		rollout.pgroll.heartbeat(registration);
		Instance renewed = rollout.pgroll.instances().get(0);
		assertThat(rollout.pgroll.instances()).hasSize(1);
		assertThat(renewed.startedAt()).isEqualTo(first.startedAt());
		assertThat(renewed.lastHeartbeat()).isAfter(first.lastHeartbeat());
		assertThat(renewed.expiresAt()).isAfter(first.expiresAt());
	}

	@Test
	void anInstanceThatStopsBeatingIsNoLongerLiveOnceItsExpiryPasses(TestDatabase database) throws Exception {
		RolloutInProgress rollout = RolloutInProgress.in(database);
		rollout.pgroll.heartbeat(rollout.instance("killed", rollout.previous, Duration.ofMillis(300)));
		assertThat(rollout.pgroll.instances()).extracting(Instance::id).containsExactly("killed");
		// Killed: no more beats, no deregistration.
		Thread.sleep(400);
		assertThat(rollout.pgroll.instances()).isEmpty();
		assertThat(rollout.pgroll.status().instancesOf(rollout.previous)).isEmpty();
	}

	@Test
	void aDeregisteredInstanceIsNoLongerLiveAtOnce(TestDatabase database) {
		RolloutInProgress rollout = RolloutInProgress.in(database);
		rollout.pgroll.heartbeat(rollout.instance("leaving", rollout.previous, Duration.ofHours(1)));
		rollout.pgroll.heartbeat(rollout.instance("staying", rollout.previous, Duration.ofHours(1)));
		rollout.pgroll.deregister("leaving");
		assertThat(rollout.pgroll.instances()).extracting(Instance::id).containsExactly("staying");
		// Deregistering an id nobody registered changes nothing.
		rollout.pgroll.deregister("nobody");
		assertThat(rollout.pgroll.instances()).extracting(Instance::id).containsExactly("staying");
	}

	@Test
	void aRegisteredInstanceOfAnotherSchemaIsNotListed(TestDatabase database) {
		RolloutInProgress mine = RolloutInProgress.in(database);
		RolloutInProgress other = RolloutInProgress.in(database);
		// Same id on both: the registry is per schema.
		other.pgroll.heartbeat(other.instance("shared-id", other.previous, Duration.ofHours(1)));
		assertThat(mine.pgroll.instances()).isEmpty();
		mine.pgroll.heartbeat(mine.instance("shared-id", mine.next, Duration.ofHours(1)));
		assertThat(mine.pgroll.instances()).extracting(Instance::versionSchema).containsExactly(mine.next);
		assertThat(other.pgroll.instances()).extracting(Instance::versionSchema).containsExactly(other.previous);
	}

	@Test
	void aHeartbeatSaysWhetherTheInstancesVersionSchemaExists(TestDatabase database) {
		RolloutInProgress rollout = RolloutInProgress.in(database);
		InstanceRegistration old = rollout.instance("old", rollout.previous, Duration.ofHours(1));
		assertThat(rollout.pgroll.heartbeat(old)).isTrue();
		rollout.pgroll.deregister("old");
		rollout.pgroll.complete();
		assertThat(rollout.pgroll.heartbeat(old)).as("release 1's version schema was dropped").isFalse();
		assertThat(rollout.pgroll.heartbeat(rollout.instance("new", rollout.next, Duration.ofHours(1)))).isTrue();
	}

	@Test
	void theFirstHeartbeatOnADatabaseWithoutStateCreatesTheStateSchema(TestDatabase database) {
		TestDatabase fresh = database.createSibling("beat");
		Pgroll pgroll = Pgroll.configure().dataSource(fresh.dataSource()).schema("app").load();
		assertThat(pgroll.heartbeat(new InstanceRegistration("first", "h", "app_01_first", Duration.ofHours(1))))
			.as("no version schema yet").isFalse();
		assertThat(pgroll.instances()).extracting(Instance::id).containsExactly("first");
		assertThat(pgroll.status().state()).isEqualTo(MigrationStatus.State.NO_MIGRATIONS);
	}

	@Test
	void registrationsAreCheckedBeforeAnythingIsWritten() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new InstanceRegistration("", "h", "app_01", Duration.ofSeconds(1)))
			.withMessageContaining("1 to 200 characters");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new InstanceRegistration("id", "h", "app_01", Duration.ZERO))
			.withMessageContaining("expiry must be positive");
		assertThat(new InstanceRegistration("id", "h".repeat(300), "app_01", Duration.ofSeconds(1)).host())
			.hasSize(255);
		InstanceRegistration process = InstanceRegistration.forThisProcess("app_01", Duration.ofSeconds(15));
		assertThat(process.host()).contains(" pid " + ProcessHandle.current().pid());
		assertThat(List.of(process.id(), InstanceRegistration.forThisProcess("app_01", Duration.ofSeconds(15)).id()))
			.doesNotHaveDuplicates();
	}

}
