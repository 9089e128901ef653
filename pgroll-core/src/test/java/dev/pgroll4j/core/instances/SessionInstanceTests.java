package dev.pgroll4j.core.instances;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

import org.junit.jupiter.api.Test;

import dev.pgroll4j.core.Instance;
import dev.pgroll4j.core.InstancesStillLiveException;
import dev.pgroll4j.core.LiveInstancePolicy;
import dev.pgroll4j.test.PostgresTest;
import dev.pgroll4j.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Clients that do not register (a batch job, psql, another language) are recognised by their sessions'
 * {@code application_name}: {@code pgroll:<version schema>}, optionally followed by a space and a label.
 */
@PostgresTest
class SessionInstanceTests {

	/** A plain JDBC session, named as such a client names itself. */
	private static Connection session(TestDatabase database, String applicationName) throws SQLException {
		Properties properties = new Properties();
		if (database.user() != null) {
			properties.setProperty("user", database.user());
		}
		if (database.password() != null) {
			properties.setProperty("password", database.password());
		}
		properties.setProperty("ApplicationName", applicationName);
		return DriverManager.getConnection(database.jdbcUrl(), properties);
	}

	@Test
	void aSessionNamedForThePreviousVersionSchemaBlocksCompleteUntilItCloses(TestDatabase database) throws Exception {
		RolloutInProgress rollout = RolloutInProgress.in(database);
		try (Connection client = session(database, "pgroll:" + rollout.previous)) {
			int pid = pid(client);
			assertThat(rollout.pgroll.instances()).singleElement().satisfies((instance) -> {
				assertThat(instance.source()).isEqualTo(Instance.Source.SESSION);
				assertThat(instance.id()).isEqualTo("session " + pid);
				assertThat(instance.versionSchema()).isEqualTo(rollout.previous);
				assertThat(instance.applicationName()).isEqualTo("pgroll:" + rollout.previous);
				assertThat(instance.lastHeartbeat()).isNull();
				assertThat(instance.expiresAt()).isNull();
			});
			assertThatExceptionOfType(InstancesStillLiveException.class).isThrownBy(() -> rollout.pgroll.complete())
				.withMessageContaining("session " + pid)
				.withMessageContaining("application_name 'pgroll:" + rollout.previous + "'");
			rollout.assertStillInProgress();
		}
		awaitNoSessions(rollout);
		assertThat(rollout.pgroll.complete().migrations()).containsExactly("02_note");
	}

	@Test
	void aLabelAfterTheVersionSchemaIsAllowed(TestDatabase database) throws Exception {
		RolloutInProgress rollout = RolloutInProgress.in(database);
		try (Connection client = session(database, "pgroll:" + rollout.previous + " my-batch-job")) {
			assertThat(rollout.pgroll.status().instancesOf(rollout.previous)).singleElement()
				.satisfies((instance) -> {
					assertThat(instance.source()).isEqualTo(Instance.Source.SESSION);
					assertThat(instance.applicationName()).isEqualTo("pgroll:" + rollout.previous + " my-batch-job");
				});
			assertThatExceptionOfType(InstancesStillLiveException.class).isThrownBy(() -> rollout.pgroll.complete())
				.withMessageContaining("my-batch-job");
		}
	}

	@Test
	void aSessionOfTheNewVersionSchemaBlocksRollbackNotComplete(TestDatabase database) throws Exception {
		RolloutInProgress rollout = RolloutInProgress.in(database);
		try (Connection client = session(database, "pgroll:" + rollout.next)) {
			assertThatExceptionOfType(InstancesStillLiveException.class).isThrownBy(() -> rollout.pgroll.rollback())
				.withMessageContaining(rollout.next);
			assertThat(rollout.pgroll.complete().migrations()).containsExactly("02_note");
		}
	}

	@Test
	void aSessionCanBeForcedPast(TestDatabase database) throws Exception {
		RolloutInProgress rollout = RolloutInProgress.in(database);
		try (Connection client = session(database, "pgroll:" + rollout.previous)) {
			assertThat(rollout.pgroll.complete(LiveInstancePolicy.FORCE).migrations()).containsExactly("02_note");
			assertThat(rollout.exists(rollout.previous)).isFalse();
		}
	}

	@Test
	void sessionsNamedOtherwiseDoNotCount(TestDatabase database) throws Exception {
		RolloutInProgress mine = RolloutInProgress.in(database);
		RolloutInProgress other = RolloutInProgress.in(database);
		try (Connection otherSchema = session(database, "pgroll:" + other.previous);
				Connection otherPrefix = session(database, "pgroll-" + mine.previous);
				Connection noPrefix = session(database, mine.previous);
				Connection prefixed = session(database, "app pgroll:" + mine.previous)) {
			assertThat(mine.pgroll.instances()).isEmpty();
			assertThat(other.pgroll.instances()).extracting(Instance::applicationName)
				.containsExactly("pgroll:" + other.previous);
			assertThat(mine.pgroll.complete().migrations()).containsExactly("02_note");
		}
	}

	@Test
	void aSessionOfASchemaWhoseNameExtendsThisOnesIsNotThisSchemas(TestDatabase database) throws Exception {
		RolloutInProgress mine = RolloutInProgress.in(database);
		// "app" and "app_audit": every version schema of the second begins with "app_".
		RolloutInProgress longer = RolloutInProgress.named(database, mine.schema + "_audit");
		try (Connection client = session(database, "pgroll:" + longer.previous)) {
			assertThat(longer.pgroll.instances()).extracting(Instance::versionSchema).containsExactly(longer.previous);
			assertThat(mine.pgroll.instances()).isEmpty();
			assertThat(mine.pgroll.complete().migrations()).containsExactly("02_note");
		}
	}

	/** A closed session leaves pg_stat_activity a moment after the client closed it. */
	private static void awaitNoSessions(RolloutInProgress rollout) throws InterruptedException {
		long deadline = System.nanoTime() + 5_000_000_000L;
		while (!rollout.pgroll.instances().isEmpty()) {
			assertThat(System.nanoTime()).as("the closed session is gone").isLessThan(deadline);
			Thread.sleep(20);
		}
	}

	private static int pid(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				var rs = statement.executeQuery("SELECT pg_backend_pid()")) {
			rs.next();
			return rs.getInt(1);
		}
	}

}
