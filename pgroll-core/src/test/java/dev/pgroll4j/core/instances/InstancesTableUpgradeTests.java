package dev.pgroll4j.core.instances;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.pgroll4j.core.Instance;
import dev.pgroll4j.core.InstanceHeartbeat;
import dev.pgroll4j.core.InstanceRegistration;
import dev.pgroll4j.core.MigrateOptions;
import dev.pgroll4j.core.MigrationStatus;
import dev.pgroll4j.core.Pgroll;
import dev.pgroll4j.core.migration.Migration;
import dev.pgroll4j.test.PostgresTest;
import dev.pgroll4j.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The state schema of the release before the instance registry has no {@code instances} table: it is added on the
 * first use, as the migrations table is brought up to date.
 */
@PostgresTest
class InstancesTableUpgradeTests {

	/** A database migrated by the previous release: the history is there, the instances table is not. */
	private static TestDatabase previousRelease(TestDatabase database, String suffix) {
		TestDatabase old = database.createSibling(suffix);
		Pgroll pgroll = Pgroll.configure().dataSource(old.dataSource()).schema("app")
			.migrations(List.of(RolloutInProgress.ITEMS)).load();
		pgroll.migrate(List.of(RolloutInProgress.ITEMS), MigrateOptions.defaults().withCompleteLast(true));
		old.execute("DROP TABLE pgroll.instances");
		return old;
	}

	private static boolean instancesTableExists(TestDatabase database) {
		return database.queryForLong("SELECT count(*) FROM pg_tables WHERE schemaname = 'pgroll' "
				+ "AND tablename = 'instances'") == 1;
	}

	private static Pgroll engine(TestDatabase database, Migration... files) {
		return Pgroll.configure().dataSource(database.dataSource()).schema("app").migrations(List.of(files)).load();
	}

	@Test
	void statusAddsTheInstancesTable(TestDatabase database) {
		TestDatabase old = previousRelease(database, "status");
		Pgroll pgroll = engine(old, RolloutInProgress.ITEMS);
		MigrationStatus status = pgroll.status();
		assertThat(status.latest().name()).isEqualTo("01_items");
		assertThat(status.instances()).isEmpty();
		assertThat(instancesTableExists(old)).isTrue();
	}

	@Test
	void migrateAddsTheInstancesTableAndTheNextCompleteChecksIt(TestDatabase database) {
		TestDatabase old = previousRelease(database, "migrate");
		Pgroll pgroll = engine(old, RolloutInProgress.ITEMS, RolloutInProgress.NOTE);
		assertThat(pgroll.migrate(List.of(RolloutInProgress.ITEMS, RolloutInProgress.NOTE), MigrateOptions.defaults())
			.started()).containsExactly("02_note");
		assertThat(instancesTableExists(old)).isTrue();
		pgroll.heartbeat(new InstanceRegistration("r1", "h", "app_01_items", Duration.ofHours(1)));
		assertThat(pgroll.instances()).extracting(Instance::id).containsExactly("r1");
	}

	@Test
	void aHeartbeatStartedOnTheOldStateSchemaRegistersOnceTheTableIsAdded(TestDatabase database) throws Exception {
		TestDatabase old = previousRelease(database, "beat");
		Pgroll pgroll = engine(old, RolloutInProgress.ITEMS);
		try (InstanceHeartbeat heartbeat = InstanceHeartbeat.start(pgroll,
				new InstanceRegistration("beating", "h", "app_01_items", Duration.ofSeconds(2)),
				Duration.ofMillis(100), InstanceHeartbeat.Listener.NONE, null)) {
			long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
			// Read directly: status() would add the table itself.
			while (!instancesTableExists(old)
					|| old.queryForLong("SELECT count(*) FROM pgroll.instances WHERE id = 'beating'") == 0) {
				assertThat(System.nanoTime()).as("registered").isLessThan(deadline);
				Thread.sleep(50);
			}
			assertThat(pgroll.instances()).extracting(Instance::id).containsExactly("beating");
		}
	}

}
