package dev.pgroll4j.test;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/** Runs {@code postgres:<major>} with Testcontainers. */
final class ContainerBackend {

	private ContainerBackend() {
	}

	/** Without a daemon Testcontainers logs an error listing the strategies it tried, then answers false. */
	static boolean dockerAvailable() {
		return DockerClientFactory.instance().isDockerAvailable();
	}

	static PostgresServer start(int requestedMajor) {
		String image = "postgres:" + requestedMajor;
		PostgreSQLContainer container = new PostgreSQLContainer(DockerImageName.parse(image))
				// Test data is disposable: durability settings only cost time.
				.withCommand("postgres", "-c", "fsync=off", "-c", "full_page_writes=off",
						"-c", "synchronous_commit=off", "-c", "max_connections=300");
		container.start();
		return PostgresServer.started("Docker", "(" + image + ")", container.getJdbcUrl(),
				container.getUsername(), container.getPassword(), container::stop);
	}
}
