package dev.pgroll4j.core.operations;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.pgroll4j.core.MigrationValidationException;
import dev.pgroll4j.core.Pgroll;
import dev.pgroll4j.core.testing.MigrationLifecycle;
import dev.pgroll4j.core.testing.SchemaVersion;
import dev.pgroll4j.test.CatalogSnapshot;
import dev.pgroll4j.test.PostgresTest;
import dev.pgroll4j.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@PostgresTest
@Tag("operations")
class DropIndexTests {

	private static final String USERS = "CREATE TABLE users (id integer CONSTRAINT users_pkey PRIMARY KEY, "
			+ "email text CONSTRAINT users_email_key UNIQUE, name text NOT NULL)";

	private static final String NAME_INDEX = "CREATE UNIQUE INDEX users_name_idx ON users (name)";

	@Test
	void indexStaysWhileTheOldVersionMayRelyOnItAndIsDroppedOnComplete(TestDatabase database) {
		MigrationLifecycle.in(database)
			.givenRows(USERS, NAME_INDEX, "INSERT INTO users VALUES (1, 'a@x', 'alice')")
			.migration("""
					operations:
					  - drop_index:
					      name: users_name_idx
					""")
			.afterStart((v) -> {
				assertThat(indexExists(v.physical(), "users_name_idx")).isTrue();
				// The old version still gets the uniqueness it was written against, whoever writes.
				v.previous().assertFails("23505", "INSERT INTO users VALUES (2, 'b@x', 'alice')");
				v.next().assertFails("23505", "INSERT INTO users VALUES (3, 'c@x', 'alice')");
			})
			.afterRollback((v) -> assertThat(indexExists(v.physical(), "users_name_idx")).isTrue())
			.afterComplete((v) -> {
				assertThat(indexExists(v.physical(), "users_name_idx")).isFalse();
				v.next().execute("INSERT INTO users VALUES (2, 'b@x', 'alice')");
				assertThat(v.next().value("SELECT count(*) FROM users WHERE name = 'alice'")).isEqualTo(2L);
			})
			.run();
	}

	@Test
	void indexOfATableRenamedInTheSameMigrationIsDroppedOnComplete(TestDatabase database) {
		MigrationLifecycle.in(database)
			.givenRows(USERS, NAME_INDEX)
			.migration("""
					operations:
					  - rename_table: {from: users, to: accounts}
					  - drop_index: {name: users_name_idx}
					""")
			.afterStart((v) -> {
				assertThat(indexExists(v.physical(), "users_name_idx")).isTrue();
				assertThat(v.next().columns("accounts")).containsExactly("id", "email", "name");
			})
			.afterComplete((v) -> {
				assertThat(indexExists(v.physical(), "users_name_idx")).isFalse();
				assertThat(indexExists(v.physical(), "users_pkey")).isTrue();
			})
			.run();
	}

	@ParameterizedTest
	@CsvSource({ "users_pkey", "users_email_key" })
	void indexThatImplementsAConstraintIsRejected(String index, TestDatabase database) {
		Pgroll pgroll = MigrationLifecycle.in(database).givenRows(USERS).prepare();
		CatalogSnapshot before = database.catalogSnapshot();

		assertThatThrownBy(() -> pgroll.start(MigrationLifecycle.yaml("500_drop_constraint_index", """
				operations:
				  - drop_index: {name: %s}
				""".formatted(index))))
			.isInstanceOf(MigrationValidationException.class)
			.hasMessageStartingWith("500_drop_constraint_index.yaml: operations[0] (drop_index), field name")
			.hasMessageContaining("\"" + index + "\" implements constraint \"" + index + "\"")
			.hasMessageContaining("drop the constraint instead");
		assertThat(before.diff(database.catalogSnapshot())).isEmpty();
	}

	@Test
	void missingIndexIsRejected(TestDatabase database) {
		MigrationLifecycle lifecycle = MigrationLifecycle.in(database).givenRows(USERS);
		Pgroll pgroll = lifecycle.prepare();
		CatalogSnapshot before = database.catalogSnapshot();

		assertThatThrownBy(() -> pgroll.start(MigrationLifecycle.yaml("500_drop_missing", """
				operations:
				  - drop_index: {name: users_nope_idx}
				""")))
			.isInstanceOf(MigrationValidationException.class)
			.hasMessage("500_drop_missing.yaml: operations[0] (drop_index), field name: index \"users_nope_idx\" "
					+ "does not exist in schema \"" + lifecycle.schema() + "\"");
		assertThat(before.diff(database.catalogSnapshot())).isEmpty();
	}

	private static boolean indexExists(SchemaVersion version, String name) {
		return (Boolean) version.value("SELECT EXISTS (SELECT FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
				+ "WHERE c.relname = ? AND c.relnamespace = current_schema()::regnamespace AND i.indisvalid)", name);
	}

}
