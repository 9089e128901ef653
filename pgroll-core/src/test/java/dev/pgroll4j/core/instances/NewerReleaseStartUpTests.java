package dev.pgroll4j.core.instances;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.pgroll4j.core.InstanceRegistration;
import dev.pgroll4j.core.InstancesStillLiveException;
import dev.pgroll4j.core.MigrateOptions;
import dev.pgroll4j.core.MigrateResult;
import dev.pgroll4j.core.MigrationRecord;
import dev.pgroll4j.core.Pgroll;
import dev.pgroll4j.core.migration.Migration;
import dev.pgroll4j.core.testing.MigrationLifecycle;
import dev.pgroll4j.test.CatalogSnapshot;
import dev.pgroll4j.test.PostgresTest;
import dev.pgroll4j.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Migrate completes a rollout an earlier deployment left active before it starts its own: that drops the version
 * schema of the release before, so while instances of that release still run, start-up of a newer one fails.
 */
@PostgresTest
class NewerReleaseStartUpTests {

	private static final Migration THIRD = MigrationLifecycle.yaml("03_price", """
			operations:
			  - add_column:
			      table: items
			      column: {name: price, type: integer, nullable: true}
			""");

	@Test
	void startUpOfAThirdReleaseFailsWhileTheFirstReleasesInstancesAreLiveAndChangesNothing(TestDatabase database) {
		String schema = MigrationLifecycle.in(database).schema();
		List<Migration> release1 = List.of(RolloutInProgress.ITEMS);
		List<Migration> release2 = List.of(RolloutInProgress.ITEMS, RolloutInProgress.NOTE);
		List<Migration> release3 = List.of(RolloutInProgress.ITEMS, RolloutInProgress.NOTE, THIRD);
		String firstVersion = RolloutInProgress.ITEMS.versionSchemaFor(schema);
		// Release 1 is the first deployment: migrated and completed. Release 2 starts its rollout.
		engine(database, schema, release1).migrate(release1, MigrateOptions.defaults().withCompleteLast(true));
		Pgroll second = engine(database, schema, release2);
		assertThat(second.migrate(release2, MigrateOptions.defaults()).started()).containsExactly("02_note");
		// An instance of release 1 has not been replaced yet.
		Pgroll first = engine(database, schema, release1);
		first.heartbeat(new InstanceRegistration("r1-a", "pod-r1-a", firstVersion, Duration.ofHours(1)));
		CatalogSnapshot before = database.catalogSnapshot();

		Pgroll third = engine(database, schema, release3);
		assertThatExceptionOfType(InstancesStillLiveException.class)
			.isThrownBy(() -> third.migrate(release3, MigrateOptions.defaults()))
			.withMessageContaining("\"" + firstVersion + "\"")
			.withMessageContaining("pod-r1-a (r1-a");
		assertThat(before.diff(database.catalogSnapshot())).as("catalog changes by the refused migrate").isEmpty();
		assertThat(third.status().history()).extracting(MigrationRecord::name, MigrationRecord::done)
			.containsExactly(org.assertj.core.groups.Tuple.tuple("01_items", true),
					org.assertj.core.groups.Tuple.tuple("02_note", false));

		// Once it is gone, the same start-up goes through.
		first.deregister("r1-a");
		MigrateResult migrated = third.migrate(release3, MigrateOptions.defaults());
		assertThat(migrated.completed()).containsExactly("02_note");
		assertThat(migrated.started()).containsExactly("03_price");
	}

	@Test
	void instancesOfTheReleaseBeingCompletedDoNotStopANewerRelease(TestDatabase database) {
		RolloutInProgress rollout = RolloutInProgress.in(database);
		// Release 2's instances keep running on their version schema, which complete keeps.
		rollout.pgroll.heartbeat(rollout.instance("r2-a", rollout.next, Duration.ofHours(1)));
		List<Migration> release3 = List.of(RolloutInProgress.ITEMS, RolloutInProgress.NOTE, THIRD);
		MigrateResult migrated = engine(database, rollout.schema, release3).migrate(release3,
				MigrateOptions.defaults());
		assertThat(migrated.completed()).containsExactly("02_note");
		assertThat(migrated.started()).containsExactly("03_price");
	}

	private static Pgroll engine(TestDatabase database, String schema, List<Migration> files) {
		return Pgroll.configure().dataSource(database.dataSource()).schema(schema).migrations(files).load();
	}

}
