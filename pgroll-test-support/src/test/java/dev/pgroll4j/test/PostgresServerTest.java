package dev.pgroll4j.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

class PostgresServerTest {

	@Test
	void sharedServerRunsTheRequestedMajorVersion() {
		assumeTrue(System.getenv(PostgresServer.URL_ENV) == null, "an external server may run any version");
		PostgresServer server = PostgresServer.shared();

		assertThat(server).isSameAs(PostgresServer.shared());
		assertThat(server.majorVersion()).isEqualTo(PostgresServer.requestedMajor());
		assertThat(server.description()).matches("(embedded|Docker) PostgreSQL " + server.majorVersion() + "\\.\\d+.*");
	}

	@Test
	void databaseNamesAreLowerCaseSanitisedAndShortenedPrefixes() {
		assertThat(PostgresServer.sanitise("MyTest$Inner")).isEqualTo("mytest_inner");
		assertThat(PostgresServer.sanitise("42 Things")).isEqualTo("db_42_things");
		assertThat(PostgresServer.sanitise("A".repeat(100))).hasSize(40);

		try (TestDatabase db = PostgresServer.shared().createDatabase("Some Display-Name!")) {
			assertThat(db.name()).matches("some_display_name_[a-z0-9]{8}");
			assertThat(db.serverMajorVersion()).isEqualTo(PostgresServer.shared().majorVersion());
		}
	}

	@Test
	void databaseUrlsKeepHostAndParametersOfTheAdminUrl() {
		assertThat(PostgresServer.withDatabase("jdbc:postgresql://h:5432/postgres?user=u&password=p", "x"))
				.isEqualTo("jdbc:postgresql://h:5432/x?user=u&password=p");
		assertThat(PostgresServer.withDatabase("jdbc:postgresql://h1,h2:5433/", "x"))
				.isEqualTo("jdbc:postgresql://h1,h2:5433/x");
		assertThat(PostgresServer.withDatabase("jdbc:postgresql://h?ssl=true", "x"))
				.isEqualTo("jdbc:postgresql://h/x?ssl=true");
		assertThat(PostgresServer.withDatabase("jdbc:postgresql:postgres", "x")).isEqualTo("jdbc:postgresql:x");
	}
}
