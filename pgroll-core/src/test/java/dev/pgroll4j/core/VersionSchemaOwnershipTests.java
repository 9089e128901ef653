package dev.pgroll4j.core;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.pgroll4j.core.migration.Migration;
import dev.pgroll4j.core.testing.MigrationLifecycle;
import dev.pgroll4j.test.PostgresTest;
import dev.pgroll4j.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Complete and rollback drop a version schema, trigger functions and what a {@code sql} operation created; they
 * drop only what the engine (or the migration) created. Anything else that lives in a version schema, or depends on
 * what is dropped, makes them refuse with a list, and nothing changes: a table an application created through a
 * connection pinned to its version schema (Flyway, {@code spring.sql.init}, Hibernate {@code ddl-auto}) keeps its
 * rows.
 */
@PostgresTest
@Tag("operations")
class VersionSchemaOwnershipTests {

	private static final String USERS = """
			operations:
			  - create_table:
			      name: users
			      columns:
			        - {name: id, type: serial, pk: true}
			        - {name: name, type: text}
			""";

	private static final Migration ADD_EMAIL = MigrationLifecycle.yaml("500_add_email", """
			operations:
			  - add_column:
			      table: users
			      column: {name: email, type: text, nullable: true}
			      up: name || '@example.com'
			""");

	@Test
	void otherRolesGetUsageButNeverCreateOnAVersionSchemaWhateverTheDefaultPrivileges(TestDatabase server) {
		TestDatabase database = server.createSibling("privileges");
		String role = "pgroll_vs_app";
		database.execute("DO $$ BEGIN CREATE ROLE " + role + "; EXCEPTION WHEN duplicate_object THEN NULL; END $$",
				"ALTER DEFAULT PRIVILEGES GRANT CREATE, USAGE ON SCHEMAS TO " + role,
				"ALTER DEFAULT PRIVILEGES GRANT CREATE ON SCHEMAS TO PUBLIC");
		MigrationLifecycle lifecycle = MigrationLifecycle.in(database).given(USERS);
		Pgroll pgroll = lifecycle.prepare();
		pgroll.start(ADD_EMAIL);
		for (String versionSchema : new String[] { lifecycle.schema() + "_000_setup",
				lifecycle.schema() + "_500_add_email" }) {
			assertThat(database.queryForString("SELECT has_schema_privilege(?::name, ?::text, 'USAGE')::text", role,
					versionSchema))
				.as("USAGE on " + versionSchema).isEqualTo("true");
			assertThat(database.queryForString("SELECT has_schema_privilege(?::name, ?::text, 'CREATE')::text", role,
					versionSchema))
				.as("CREATE on " + versionSchema).isEqualTo("false");
			assertThat(database.queryForString("SELECT count(*)::text FROM pg_namespace n, aclexplode(n.nspacl) a "
					+ "WHERE n.nspname = ? AND a.privilege_type = 'CREATE' AND a.grantee <> n.nspowner",
					versionSchema))
				.as("CREATE granted to anyone but the owner on " + versionSchema).isEqualTo("0");
		}
	}

}
