package dev.pgroll4j.core.faults;

import java.time.Duration;

import org.postgresql.ds.PGSimpleDataSource;

import dev.pgroll4j.core.Pgroll;

/**
 * A separate JVM that starts {@link FaultInjectionTests#CHANGE} with a slow backfill and says when the backfill is
 * under way, so that a test can kill it there.
 */
public final class MigratingProcess {

	static final String BACKFILLING = "backfilling";

	private MigratingProcess() {
	}

	/** @param args JDBC URL, user, password */
	public static void main(String[] args) {
		PGSimpleDataSource dataSource = new PGSimpleDataSource();
		dataSource.setUrl(args[0]);
		dataSource.setUser(args[1]);
		dataSource.setPassword(args[2]);
		Pgroll pgroll = Pgroll.configure()
			.dataSource(dataSource)
			.schema(FaultInjectionTests.SCHEMA)
			.backfillBatchSize(50)
			.backfillBatchDelay(Duration.ofMillis(20))
			.backfillListener((progress) -> {
				if (progress.rowsDone() >= 500 && !progress.finished()) {
					System.out.println(BACKFILLING + " " + progress.table() + " " + progress.rowsDone());
					System.out.flush();
				}
			})
			.load();
		pgroll.start(FaultInjectionTests.CHANGE);
		System.out.println("finished");
	}

}
