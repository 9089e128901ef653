package dev.pgroll4j.core.instances;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

import dev.pgroll4j.core.InstanceRegistration;
import dev.pgroll4j.core.MigrationStatus;
import dev.pgroll4j.core.Pgroll;
import dev.pgroll4j.core.PgrollConfiguration;
import dev.pgroll4j.core.migration.Migration;
import dev.pgroll4j.core.testing.MigrationLifecycle;
import dev.pgroll4j.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A schema of its own where release 1 ({@code 01_items}) is completed and release 2 ({@code 02_note}) started: the
 * version schema of release 1 ({@link #previous}) and of release 2 ({@link #next}) both exist, as while a rolling
 * deployment replaces the instances of one by those of the other.
 */
final class RolloutInProgress {

	static final Migration ITEMS = MigrationLifecycle.yaml("01_items", """
			operations:
			  - create_table:
			      name: items
			      columns:
			        - {name: id, type: integer, pk: true}
			""");

	static final Migration NOTE = MigrationLifecycle.yaml("02_note", """
			operations:
			  - add_column:
			      table: items
			      column: {name: note, type: text, nullable: true}
			""");

	final TestDatabase database;

	final String schema;

	final String previous;

	final String next;

	private final Consumer<PgrollConfiguration.Builder> configuration;

	/** The engine that started the rollout. */
	final Pgroll pgroll;

	private RolloutInProgress(TestDatabase database, String schema,
			Consumer<PgrollConfiguration.Builder> configuration) {
		this.database = database;
		this.schema = schema;
		this.previous = ITEMS.versionSchemaFor(this.schema);
		this.next = NOTE.versionSchemaFor(this.schema);
		this.configuration = configuration;
		this.pgroll = engine();
		this.pgroll.start(ITEMS);
		this.pgroll.complete();
		this.pgroll.start(NOTE);
	}

	static RolloutInProgress in(TestDatabase database) {
		return in(database, (builder) -> {
		});
	}

	static RolloutInProgress in(TestDatabase database, Consumer<PgrollConfiguration.Builder> configuration) {
		return new RolloutInProgress(database, MigrationLifecycle.in(database).schema(), configuration);
	}

	/** In a schema of the given name, e.g. one whose name begins with another's. */
	static RolloutInProgress named(TestDatabase database, String schema) {
		return new RolloutInProgress(database, schema, (builder) -> {
		});
	}

	/** Another engine on the same schema with the same files, as another application instance has. */
	Pgroll engine() {
		PgrollConfiguration.Builder builder = Pgroll.configure().dataSource(this.database.dataSource())
			.schema(this.schema).migrations(List.of(ITEMS, NOTE));
		this.configuration.accept(builder);
		return builder.load();
	}

	/** A registration of an instance of release 1 or 2, with a fixed id and host so that messages can be checked. */
	InstanceRegistration instance(String id, String versionSchema, Duration expiry) {
		return new InstanceRegistration(id, "host-of-" + id, versionSchema, expiry);
	}

	boolean exists(String versionSchema) {
		return this.database.queryForLong("SELECT count(*) FROM pg_namespace WHERE nspname = ?", versionSchema) == 1;
	}

	/** Both version schemas are there and release 2 is still active. */
	void assertStillInProgress() {
		MigrationStatus status = this.pgroll.status();
		assertThat(status.state()).isEqualTo(MigrationStatus.State.IN_PROGRESS);
		assertThat(status.activeMigration().name()).isEqualTo("02_note");
		assertThat(exists(this.previous)).as("version schema of release 1").isTrue();
		assertThat(exists(this.next)).as("version schema of release 2").isTrue();
	}

}
