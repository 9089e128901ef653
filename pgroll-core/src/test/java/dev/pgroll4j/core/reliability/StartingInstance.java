package dev.pgroll4j.core.reliability;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.postgresql.ds.PGSimpleDataSource;

import dev.pgroll4j.core.MigrateOptions;
import dev.pgroll4j.core.MigrateResult;
import dev.pgroll4j.core.MigrationListener;
import dev.pgroll4j.core.Pgroll;
import dev.pgroll4j.core.StartResult;
import dev.pgroll4j.core.migration.Migration;

/**
 * A separate JVM that does what an application instance does at start-up: it migrates
 * {@link InstancesStartingTogetherTests#MIGRATIONS} with the default options. It says {@value #READY} once loaded,
 * migrates when it reads a line, and reports one {@value #RESULT} line (outcome, milliseconds in migrate, in start
 * and from the start transaction's commit to the end of start, which is the index build) or a {@value #FAILED}
 * line.
 */
public final class StartingInstance {

	static final String READY = "ready";

	static final String RESULT = "result";

	static final String FAILED = "failed";

	private StartingInstance() {
	}

	/** @param args JDBC URL, user, password */
	public static void main(String[] args) throws Exception {
		PGSimpleDataSource dataSource = new PGSimpleDataSource();
		dataSource.setUrl(args[0]);
		dataSource.setUser(args[1]);
		dataSource.setPassword(args[2]);
		AtomicLong committed = new AtomicLong();
		AtomicLong indexBuild = new AtomicLong(-1);
		AtomicLong start = new AtomicLong(-1);
		Pgroll pgroll = Pgroll.configure()
			.dataSource(dataSource)
			.schema(InstancesStartingTogetherTests.SCHEMA)
			.listener(new MigrationListener() {

				@Override
				public void versionSchemaCreated(String migration, String versionSchema) {
					committed.set(System.nanoTime());
				}

				@Override
				public void started(StartResult result) {
					indexBuild.set(Duration.ofNanos(System.nanoTime() - committed.get()).toMillis());
					start.set(result.duration().toMillis());
				}

			})
			.load();
		// Parses the migrations and loads the driver and the engine, as a started application would have done by the
		// time it migrates, so that the times below are the migration's own.
		List<Migration> migrations = InstancesStartingTogetherTests.MIGRATIONS;
		pgroll.status();
		System.out.println(READY);
		System.out.flush();
		new BufferedReader(new InputStreamReader(System.in)).readLine();
		long began = System.nanoTime();
		try {
			MigrateResult result = pgroll.migrate(migrations, MigrateOptions.defaults());
			System.out.println(RESULT + " " + result.outcome() + " " + since(began) + " " + start.get() + " "
					+ indexBuild.get());
			System.out.flush();
		}
		catch (RuntimeException ex) {
			System.out.println(FAILED + " after " + since(began) + " ms: " + ex.getMessage().replace('\n', ' '));
			System.out.flush();
			System.exit(1);
		}
	}

	private static long since(long began) {
		return Duration.ofNanos(System.nanoTime() - began).toMillis();
	}

}
