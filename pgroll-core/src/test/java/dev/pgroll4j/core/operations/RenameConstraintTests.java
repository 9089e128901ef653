package dev.pgroll4j.core.operations;

import java.util.List;

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
import static org.junit.jupiter.api.Assumptions.assumeTrue;

@PostgresTest
@Tag("operations")
class RenameConstraintTests {

	/** Every constraint kind, explicitly named; the range column carries a built-in gist exclusion. */
	private static final String[] TABLES = { "CREATE TABLE teams (id integer CONSTRAINT teams_pkey PRIMARY KEY)",
			"CREATE TABLE players (id integer CONSTRAINT players_pkey PRIMARY KEY, "
					+ "email text CONSTRAINT players_email_key UNIQUE, "
					+ "age integer CONSTRAINT players_age_check CHECK (age >= 0), "
					+ "team_id integer CONSTRAINT players_team_id_fkey REFERENCES teams (id), during int4range, "
					+ "CONSTRAINT players_during_excl EXCLUDE USING gist (during WITH &&))",
			"INSERT INTO teams VALUES (1)",
			"INSERT INTO players VALUES (1, 'a@x', 30, 1, '[1,10)')" };

	/** Each row's last column is a players row that breaks only the constraint under test. */
	@ParameterizedTest(name = "{0} {1} -> {2}")
	@CsvSource(delimiter = '|', textBlock = """
			check       | players_age_check    | age_not_negative     | -                    | 23514 | 2, 'b@x', -1, 1, NULL
			unique      | players_email_key    | players_email_unique | players_email_unique | 23505 | 2, 'a@x', 0, 1, NULL
			foreign key | players_team_id_fkey | players_team_fk      | teams_pkey           | 23503 | 2, 'b@x', 0, 42, NULL
			primary key | players_pkey         | players_pk           | players_pk           | 23505 | 1, 'b@x', 0, 1, NULL
			exclusion   | players_during_excl  | players_no_overlap   | players_no_overlap   | 23P01 | 2, 'b@x', 0, 1, '[5,6)'
			""")
	void constraintKeepsItsNameDuringTheMigrationAndIsRenamedOnComplete(String kind, String from, String to,
			String index, String violation, String row, TestDatabase database) {
		String violating = "INSERT INTO players VALUES (" + row + ")";
		MigrationLifecycle.in(database)
			.givenRows(TABLES)
			.migration("""
					operations:
					  - rename_constraint: {table: players, from: %s, to: %s}
					""".formatted(from, to))
			.afterStart((v) -> {
				// The old version may name the constraint (ON CONFLICT ON CONSTRAINT, error handling) until complete.
				assertThat(constraintNames(v.physical())).contains(from).doesNotContain(to);
				v.previous().assertFails(violation, violating);
				v.next().assertFails(violation, violating);
			})
			.afterComplete((v) -> {
				assertThat(constraintNames(v.physical())).contains(to).doesNotContain(from);
				assertThat(v.physical().value("SELECT conindid::regclass::text FROM pg_constraint "
						+ "WHERE conrelid = 'players'::regclass AND conname = ?", to))
					.as("index the constraint uses (for a foreign key, the referenced key's)")
					.isEqualTo(index);
				v.next().assertFails(violation, violating);
			})
			.run();
	}

	@Test
	void constraintOfATableRenamedInTheSameMigrationIsRenamedOnComplete(TestDatabase database) {
		MigrationLifecycle.in(database)
			.givenRows(TABLES)
			.migration("""
					operations:
					  - rename_table: {from: players, to: members}
					  - rename_constraint: {table: members, from: players_pkey, to: members_pkey}
					""")
			.afterStart((v) -> assertThat(constraintNames(v.physical())).contains("players_pkey"))
			.afterComplete((v) -> assertThat(v.physical().value("SELECT conindid::regclass::text FROM pg_constraint "
					+ "WHERE conrelid = 'members'::regclass AND contype = 'p'"))
				.isEqualTo("members_pkey"))
			.run();
	}

	@Test
	void renamingToANameTheTableAlreadyUsesIsRejected(TestDatabase database) {
		Pgroll pgroll = MigrationLifecycle.in(database).givenRows(TABLES).prepare();
		CatalogSnapshot before = database.catalogSnapshot();

		assertThatThrownBy(() -> pgroll.start(MigrationLifecycle.yaml("500_rename_clash", """
				operations:
				  - rename_constraint: {table: players, from: players_age_check, to: players_email_key}
				""")))
			.isInstanceOf(MigrationValidationException.class)
			.hasMessage("500_rename_clash.yaml: operations[0] (rename_constraint), field to: constraint "
					+ "\"players_email_key\" already exists on table \"players\"");
		assertThat(before.diff(database.catalogSnapshot())).isEmpty();
	}

	@Test
	void renamingToTheNameOfANotNullConstraintIsRejectedBeforeStart(TestDatabase database) {
		// PostgreSQL 18 catalogues NOT NULL constraints with names; older servers have none to clash with.
		assumeTrue(database.serverMajorVersion() >= 18, "named NOT NULL constraints need PostgreSQL 18");
		Pgroll pgroll = MigrationLifecycle.in(database)
			.givenRows("CREATE TABLE users (id integer PRIMARY KEY, email text NOT NULL, "
					+ "CONSTRAINT users_email_check CHECK (email LIKE '%@%'))")
			.prepare();
		CatalogSnapshot before = database.catalogSnapshot();

		// Found only at complete, the clash would fail the migration after both versions went live.
		assertThatThrownBy(() -> pgroll.start(MigrationLifecycle.yaml("500_rename_to_not_null", """
				operations:
				  - rename_constraint: {table: users, from: users_email_check, to: users_email_not_null}
				""")))
			.isInstanceOf(MigrationValidationException.class)
			.hasMessageStartingWith("500_rename_to_not_null.yaml: operations[0] (rename_constraint), field to")
			.hasMessageContaining("users_email_not_null");
		assertThat(before.diff(database.catalogSnapshot())).isEmpty();
	}

	@Test
	void renamingAnIndexBackedConstraintToTheNameOfAnotherRelationIsRejected(TestDatabase database) {
		Pgroll pgroll = MigrationLifecycle.in(database).givenRows(TABLES).prepare();
		CatalogSnapshot before = database.catalogSnapshot();

		// PostgreSQL renames the index with the constraint, and index names share the namespace with tables.
		assertThatThrownBy(() -> pgroll.start(MigrationLifecycle.yaml("500_rename_to_table", """
				operations:
				  - rename_constraint: {table: players, from: players_email_key, to: teams}
				""")))
			.isInstanceOf(MigrationValidationException.class)
			.hasMessageStartingWith("500_rename_to_table.yaml: operations[0] (rename_constraint), field to")
			.hasMessageContaining("\"teams\" already exists");
		assertThat(before.diff(database.catalogSnapshot())).isEmpty();
	}

	@Test
	void renamingAMissingConstraintIsRejected(TestDatabase database) {
		Pgroll pgroll = MigrationLifecycle.in(database).givenRows(TABLES).prepare();

		assertThatThrownBy(() -> pgroll.start(MigrationLifecycle.yaml("500_rename_missing", """
				operations:
				  - rename_constraint: {table: players, from: players_nope, to: players_yes}
				""")))
			.isInstanceOf(MigrationValidationException.class)
			.hasMessage("500_rename_missing.yaml: operations[0] (rename_constraint), field from: constraint "
					+ "\"players_nope\" does not exist on table \"players\"");
	}

	private static List<Object> constraintNames(SchemaVersion version) {
		return version.query("SELECT conname FROM pg_constraint WHERE conrelid = 'players'::regclass ORDER BY 1")
			.stream()
			.map((row) -> row.get("conname"))
			.toList();
	}

}
