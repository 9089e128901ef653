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
 * @param restartChangedActiveMigration <b>for development only</b>: whether a migration of the active rollout whose
 * file changed since it started is rolled back and started again from the file, instead of failing. The rollback
 * runs what the history holds for that rollout, which no file matches any more; a changed completed migration is
 * refused all the same
 */
public record MigrateOptions(boolean completeActiveMigration, boolean completeLast, Duration lockWait,
		boolean restartChangedActiveMigration) {

	/** The options without {@code restartChangedActiveMigration}, which is off. */
	public MigrateOptions(boolean completeActiveMigration, boolean completeLast, Duration lockWait) {
		this(completeActiveMigration, completeLast, lockWait, false);
	}

	/**
	 * Complete an earlier active migration, leave the newest one active, wait up to a minute for others, refuse
	 * changed files.
	 */
	public static MigrateOptions defaults() {
		return new MigrateOptions(true, false, Duration.ofMinutes(1), false);
	}

	public MigrateOptions withCompleteLast(boolean value) {
		return new MigrateOptions(this.completeActiveMigration, value, this.lockWait,
				this.restartChangedActiveMigration);
	}

	public MigrateOptions withCompleteActiveMigration(boolean value) {
		return new MigrateOptions(value, this.completeLast, this.lockWait, this.restartChangedActiveMigration);
	}

	public MigrateOptions withLockWait(Duration value) {
		return new MigrateOptions(this.completeActiveMigration, this.completeLast, value,
				this.restartChangedActiveMigration);
	}

	/** For development only: see {@code restartChangedActiveMigration}. */
	public MigrateOptions withRestartChangedActiveMigration(boolean value) {
		return new MigrateOptions(this.completeActiveMigration, this.completeLast, this.lockWait, value);
	}

}
