package dev.pgroll4j.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

@PostgresTest
class TestDatabaseTest {

	@Test
	void executeRunsEachStatementAndQueriesReadTheResults(TestDatabase db) {
		db.execute("CREATE TABLE person (id int PRIMARY KEY, name text)",
				"INSERT INTO person VALUES (1, 'Ada'), (2, NULL)");

		assertThat(db.queryForList("SELECT id, name FROM person ORDER BY id"))
				.hasSize(2)
				.first().satisfies(row -> assertThat(row).containsExactly(entry("id", 1), entry("name", "Ada")));
		assertThat(db.queryForString("SELECT name FROM person WHERE id = ?", 1)).isEqualTo("Ada");
		assertThat(db.queryForString("SELECT name FROM person WHERE id = ?", 2)).isNull();
		assertThat(db.queryForLong("SELECT count(*) FROM person WHERE id > ?", 0)).isEqualTo(2);
	}

	@Test
	void aFailingStatementReportsTheStatementAndSqlState(TestDatabase db) {
		assertThatThrownBy(() -> db.execute("SELECT 1", "SELECT * FROM missing_table"))
				.isInstanceOfSatisfying(TestSqlException.class, e -> {
					assertThat(e.sql()).isEqualTo("SELECT * FROM missing_table");
					assertThat(e.sqlState()).isEqualTo("42P01");
				})
				.hasMessageContaining("SELECT * FROM missing_table");
	}

	@Test
	void singleValueQueriesRejectZeroOrSeveralRows(TestDatabase db) {
		assertThatThrownBy(() -> db.queryForString("SELECT 1 WHERE false")).hasMessageContaining("none");
		assertThatThrownBy(() -> db.queryForLong("SELECT generate_series(1, 2)")).hasMessageContaining("several");
		assertThatThrownBy(() -> db.queryForLong("SELECT NULL::int")).hasMessageContaining("NULL");
	}

	@Test
	void connectionsAndDataSourceReachTheSameDatabase(TestDatabase db) throws Exception {
		try (Connection c = db.connect(); Statement s = c.createStatement();
			 ResultSet rs = s.executeQuery("SELECT current_database(), current_user")) {
			rs.next();
			assertThat(rs.getString(1)).isEqualTo(db.name());
			if (db.user() != null) {
				assertThat(rs.getString(2)).isEqualTo(db.user());
			}
		}
		try (Connection c = db.dataSource().getConnection()) {
			assertThat(c.getCatalog()).isEqualTo(db.name());
		}
		assertThat(db.jdbcUrl()).startsWith("jdbc:postgresql:").contains("/" + db.name());
	}

	@Test
	void aSiblingIsAnotherEmptyDatabaseDroppedWithItsOwner(TestDatabase db) {
		TestDatabase owner = PostgresServer.shared().createDatabase("sibling owner");
		TestDatabase sibling = owner.createSibling("replica");
		sibling.execute("CREATE TABLE t (id int)");
		assertThat(sibling.name()).isNotEqualTo(owner.name()).startsWith("sibling_owner_replica_");

		owner.drop();

		assertThat(db.queryForLong("SELECT count(*) FROM pg_database WHERE datname IN (?, ?)",
				owner.name(), sibling.name())).isZero();
	}

	@Test
	void dropDisconnectsOpenSessionsAndCanBeRepeated(TestDatabase db) throws Exception {
		TestDatabase other = PostgresServer.shared().createDatabase("drop me");
		try (Connection open = other.connect()) {
			other.drop();
			other.drop();
			assertThat(open.isValid(2)).isFalse();
		}
		assertThat(db.queryForLong("SELECT count(*) FROM pg_database WHERE datname = ?", other.name())).isZero();
	}
}
