package dev.pgroll4j.core;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.pgroll4j.core.migration.Migration;
import dev.pgroll4j.core.migration.MigrationParser;
import dev.pgroll4j.test.PostgresTest;
import dev.pgroll4j.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The least-privilege set-up docs/spring-boot.md documents: migrations run as an owner role, the application
 * connects as a role that owns nothing and holds only the grants below, and both versions stay usable to it
 * through every phase, including tables and column copies the migration creates.
 */
@PostgresTest
class LeastPrivilegeTests {

	private static final String OWNER = "pgroll_lp_owner";

	private static final String APP = "pgroll_lp_app";

	private static final String REPORTER = "pgroll_lp_reporter";

	private static final Migration CREATE = MigrationParser.parse("01_create.yaml", """
			operations:
			  - create_table:
			      name: customers
			      columns:
			        - {name: id, type: serial, pk: true}
			        - {name: name, type: text, nullable: true}
			        - {name: phone, type: text, nullable: true}
			""");

	private static final Migration CHANGE = MigrationParser.parse("02_change.yaml", """
			operations:
			  - alter_column:
			      table: customers
			      column: name
			      nullable: false
			      up: "coalesce(name, 'unknown')"
			      down: name
			  - add_column:
			      table: customers
			      column: {name: tier, type: integer, default: "1"}
			  - create_table:
			      name: invoices
			      columns:
			        - {name: id, type: serial, pk: true}
			        - {name: customer_id, type: integer, references: {name: invoices_customer, table: customers, column: id}}
			""");

	@BeforeAll
	static void createRoles(TestDatabase database) {
		for (String role : new String[] { OWNER + " NOLOGIN", APP + " LOGIN PASSWORD 'app'",
				REPORTER + " LOGIN PASSWORD 'reporter'" }) {
			database.execute("DO $$ BEGIN CREATE ROLE " + role + "; EXCEPTION WHEN duplicate_object THEN NULL; END $$");
		}
	}

	@Test
	void anApplicationRoleThatOwnsNothingUsesBothVersionsAndTheCompletedOne(TestDatabase server) throws SQLException {
		TestDatabase database = server.createSibling("complete");
		grantTheDocumentedPrivileges(database);
		Pgroll pgroll = Pgroll.configure().dataSource(database.dataSource()).schema("shop").role(OWNER).load();
		pgroll.start(CREATE);
		pgroll.complete();
		try (Connection app = connect(database, APP, "app")) {
			run(app, "SET search_path TO shop_01_create", "INSERT INTO customers (name) VALUES ('ann'), (NULL)");
		}

		pgroll.start(CHANGE);
		assertThat(database.queryForString("SELECT tableowner FROM pg_tables WHERE tablename = 'invoices'"))
			.isEqualTo(OWNER);
		try (Connection old = connect(database, APP, "app"); Connection current = connect(database, APP, "app")) {
			run(old, "SET search_path TO shop_01_create", "INSERT INTO customers (name, phone) VALUES (NULL, '1')",
					"UPDATE customers SET phone = '2' WHERE name = 'ann'");
			run(current, "SET search_path TO shop_02_change", "INSERT INTO customers (name, tier) VALUES ('bob', 2)",
					"INSERT INTO invoices (customer_id) SELECT id FROM customers WHERE name = 'bob'",
					"DELETE FROM customers WHERE phone = '1'");
			assertThat(single(current, "SELECT string_agg(name || ':' || tier, ',' ORDER BY id) FROM customers"))
				.isEqualTo("ann:1,unknown:1,bob:2");
			assertThat(single(old, "SELECT count(*) FROM customers WHERE name IS NULL")).isEqualTo("1");
		}
		pgroll.complete();
		try (Connection current = connect(database, APP, "app")) {
			run(current, "SET search_path TO shop_02_change", "UPDATE customers SET tier = 3 WHERE name = 'ann'",
					"INSERT INTO invoices (customer_id) SELECT id FROM customers WHERE name = 'ann'");
			assertThat(single(current, "SELECT count(*) FROM invoices")).isEqualTo("2");
		}
	}

	@Test
	void columnGrantsFollowTheColumnIntoItsCopyAndTheViews(TestDatabase server) throws SQLException {
		TestDatabase database = server.createSibling("columns");
		grantTheDocumentedPrivileges(database);
		Pgroll pgroll = Pgroll.configure().dataSource(database.dataSource()).schema("shop").role(OWNER).load();
		pgroll.start(CREATE);
		pgroll.complete();
		// Granted between migrations: on the table, so every later version schema carries it.
		database.execute("INSERT INTO shop.customers (name, phone) VALUES ('ann', '555')",
				"GRANT SELECT (id, name) ON shop.customers TO " + REPORTER);

		pgroll.start(CHANGE);
		assertThat(columnGrants(database)).containsExactly("shop._pgroll_new_name", "shop.id", "shop.name",
				"shop_02_change.id", "shop_02_change.name");
		if (database.serverMajorVersion() < 15) {
			// Without security_invoker the view reads the table with its owner's rights, so the view's column
			// grants are all that count. From 15 on, PostgreSQL checks every column the view reads against the
			// reader, so a role with grants on some columns only cannot read through the view at all.
			try (Connection reporter = connect(database, REPORTER, "reporter")) {
				run(reporter, "SET search_path TO shop_02_change");
				assertThat(single(reporter, "SELECT name FROM customers")).isEqualTo("ann");
				assertThatExceptionOfType(SQLException.class)
					.isThrownBy(() -> single(reporter, "SELECT phone FROM customers"))
					.satisfies((ex) -> assertThat(ex.getSQLState()).isEqualTo("42501"));
			}
		}
		pgroll.rollback();
		assertThat(columnGrants(database)).as("the copy's grant went with it").containsExactly("shop.id", "shop.name");
		pgroll.start(CHANGE);
		pgroll.complete();
		assertThat(columnGrants(database)).as("the copy, now name, kept its grant")
			.containsExactly("shop.id", "shop.name", "shop_02_change.id", "shop_02_change.name");
	}

	/** The reporter's column grants on customers, as schema.column. */
	private static List<String> columnGrants(TestDatabase database) {
		return database.queryForList("""
				SELECT n.nspname || '.' || a.attname AS granted FROM pg_attribute a
				JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
				CROSS JOIN LATERAL aclexplode(a.attacl) x
				WHERE c.relname = 'customers' AND NOT a.attisdropped AND x.grantee = ?::regrole AND x.privilege_type = 'SELECT'
				ORDER BY 1
				""", REPORTER).stream().map((row) -> (String) row.get("granted")).toList();
	}

	/** The set-up docs/spring-boot.md lists, run once by an administrator before the first migration. */
	private static void grantTheDocumentedPrivileges(TestDatabase database) {
		database.execute("GRANT CREATE ON DATABASE \"" + database.name() + "\" TO " + OWNER,
				"CREATE SCHEMA shop AUTHORIZATION " + OWNER, "GRANT USAGE ON SCHEMA shop TO " + APP + ", " + REPORTER,
				"ALTER DEFAULT PRIVILEGES FOR ROLE " + OWNER + " IN SCHEMA shop GRANT SELECT, INSERT, UPDATE, DELETE "
						+ "ON TABLES TO " + APP,
				"ALTER DEFAULT PRIVILEGES FOR ROLE " + OWNER + " IN SCHEMA shop GRANT USAGE ON SEQUENCES TO " + APP);
	}

	private static Connection connect(TestDatabase database, String user, String password) throws SQLException {
		return DriverManager.getConnection(database.jdbcUrl(), user, password);
	}

	private static void run(Connection connection, String... statements) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			for (String sql : statements) {
				statement.execute(sql);
			}
		}
	}

	private static String single(Connection connection, String query) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(query)) {
			rs.next();
			return rs.getString(1);
		}
	}

}
