package dev.pgroll4j.core;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Properties;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import dev.pgroll4j.core.testing.MigrationLifecycle;
import dev.pgroll4j.test.PostgresTest;
import dev.pgroll4j.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How the sync trigger tells a new-version write from an old-version one: the {@code pgroll.version_schema}
 * setting when a session sets it, else the first schema on the session's {@code search_path} (pgroll's
 * convention, which must keep working).
 */
@PostgresTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VersionSelectionTests {

	private TestDatabase database;

	private String schema;

	private String newVersion;

	private String oldVersion;

	@BeforeAll
	void startAMigrationThatDropsAColumnWithDown(TestDatabase database) {
		this.database = database;
		MigrationLifecycle lifecycle = MigrationLifecycle.in(database).given("""
				operations:
				  - create_table:
				      name: items
				      columns:
				        - {name: id, type: integer, pk: true}
				        - {name: price, type: integer}
				""");
		Pgroll pgroll = lifecycle.prepare();
		this.schema = lifecycle.schema();
		this.oldVersion = this.schema + "_000_setup";
		this.newVersion = this.schema + "_01_drop_price";
		pgroll.start(MigrationLifecycle.yaml("01_drop_price", """
				operations:
				  - drop_column: {table: items, column: price, down: "-1"}
				"""));
	}

	@Test
	void searchPathWithTheNewVersionFirstIsANewVersionWriteEvenWithMoreSchemasAfterIt() throws Exception {
		insert(1, "SET search_path TO " + this.newVersion + ", public");
		assertThat(priceOf(1)).isEqualTo(-1);
	}

	@Test
	void theVersionSettingSelectsTheNewVersionWhateverTheSearchPath() throws Exception {
		insertIntoNewView(2, "SET pgroll.version_schema TO '" + this.newVersion + "'");
		assertThat(priceOf(2)).isEqualTo(-1);
	}

	@Test
	void theVersionSettingWinsOverTheSearchPath() throws Exception {
		try (Connection connection = this.database.connect(); Statement statement = connection.createStatement()) {
			statement.execute("SET search_path TO " + this.newVersion);
			statement.execute("SET pgroll.version_schema TO '" + this.oldVersion + "'");
			// Writing through the physical table as an old-version client: no down, so price keeps its value.
			statement.execute("INSERT INTO " + this.schema + ".items VALUES (3, 42)");
		}
		assertThat(priceOf(3)).isEqualTo(42);
	}

	@Test
	void aSessionOnTheOldVersionIsNotMistakenForTheNewOne() throws Exception {
		try (Connection connection = this.database.connect(); Statement statement = connection.createStatement()) {
			statement.execute("SET search_path TO " + this.oldVersion + ", " + this.newVersion);
			statement.execute("INSERT INTO items VALUES (4, 7)");
		}
		assertThat(priceOf(4)).isEqualTo(7);
	}

	@Test
	void theHelperSelectsTheNewVersionOnAPlainConnection() throws Exception {
		VersionSelection selection = new VersionSelection(this.newVersion);
		try (Connection connection = this.database.connect(); Statement statement = connection.createStatement()) {
			selection.apply(connection);
			assertThat(selectedBy(selection, statement)).isTrue();
			statement.execute("INSERT INTO items (id) VALUES (5)");
		}
		assertThat(priceOf(5)).isEqualTo(-1);
	}

	@Test
	void theStartupOptionsSelectTheVersionForEveryConnectionEvenAfterDiscardAll() throws Exception {
		VersionSelection selection = VersionSelection.of(this.schema, "01_drop_price");
		assertThat(selection.versionSchema()).isEqualTo(this.newVersion);
		Properties properties = new Properties();
		properties.setProperty("user", this.database.user());
		properties.setProperty("password", this.database.password());
		properties.setProperty("options", selection.startupOptions("-c application_name=version\\ test"));
		try (Connection connection = DriverManager.getConnection(this.database.jdbcUrl(), properties);
				Statement statement = connection.createStatement()) {
			statement.execute("DISCARD ALL");
			assertThat(selectedBy(selection, statement)).isTrue();
			assertThat(selectedBy(new VersionSelection(this.oldVersion), statement)).isFalse();
			statement.execute("INSERT INTO items (id) VALUES (6)");
			try (ResultSet name = statement.executeQuery("SELECT current_setting('application_name')")) {
				name.next();
				assertThat(name.getString(1)).isEqualTo("version test");
			}
		}
		assertThat(priceOf(6)).isEqualTo(-1);
	}

	private static boolean selectedBy(VersionSelection selection, Statement statement) throws Exception {
		try (ResultSet settings = statement.executeQuery(
				"SELECT current_setting('search_path'), current_setting('" + VersionSelection.SETTING + "', true)")) {
			settings.next();
			return selection.isSelectedBy(settings.getString(1), settings.getString(2));
		}
	}

	private void insert(int id, String setup) throws Exception {
		try (Connection connection = this.database.connect(); Statement statement = connection.createStatement()) {
			statement.execute(setup);
			statement.execute("INSERT INTO items (id) VALUES (" + id + ")");
		}
	}

	private void insertIntoNewView(int id, String setup) throws Exception {
		try (Connection connection = this.database.connect(); Statement statement = connection.createStatement()) {
			statement.execute(setup);
			statement.execute("INSERT INTO " + this.newVersion + ".items (id) VALUES (" + id + ")");
		}
	}

	private Object priceOf(int id) {
		return this.database.queryForList("SELECT price FROM " + this.schema + ".items WHERE id = " + id).get(0)
			.get("price");
	}

}
