package dev.pgroll4j.core;

import java.time.Duration;

/**
 * How {@link Pgroll#migrate} brings a database up to a set of local migration files.
 *
 * @param completeActiveMigration whether a migration left active by an earlier deployment is completed before
 * pending ones start; otherwise its presence is an error
 * @param completeLast whether the newest migration is completed too, instead of being left active so that the
 * previous application version keeps working
 * @param lockWait how long to wait for another process reconciling the same schema
 */
public record MigrateOptions(boolean completeActiveMigration, boolean completeLast, Duration lockWait) {

	/** Complete an earlier active migration, leave the newest one active, wait up to a minute for others. */
	public static MigrateOptions defaults() {
		return new MigrateOptions(true, false, Duration.ofMinutes(1));
	}

	public MigrateOptions withCompleteLast(boolean value) {
		return new MigrateOptions(this.completeActiveMigration, value, this.lockWait);
	}

	public MigrateOptions withCompleteActiveMigration(boolean value) {
		return new MigrateOptions(value, this.completeLast, this.lockWait);
	}

	public MigrateOptions withLockWait(Duration value) {
		return new MigrateOptions(this.completeActiveMigration, this.completeLast, value);
	}

}
