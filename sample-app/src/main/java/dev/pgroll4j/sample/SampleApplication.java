package dev.pgroll4j.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A book catalogue in two releases. Release 2 (the default) renames {@code author} to {@code author_name} and adds
 * a {@code status}, in two migration files that start as one rollout; the {@code v1} profile runs release 1. Both
 * can run against one database during the rollout.
 */
@SpringBootApplication
public class SampleApplication {

	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

}
