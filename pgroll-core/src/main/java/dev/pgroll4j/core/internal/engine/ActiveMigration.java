package dev.pgroll4j.core.internal.engine;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import dev.pgroll4j.core.MigrationStateException;
import dev.pgroll4j.core.internal.jdbc.Session;
import dev.pgroll4j.core.internal.state.StoredMigration;
import dev.pgroll4j.core.migration.Migration;
import dev.pgroll4j.core.schema.SchemaSnapshot;

/**
 * The active rollout as complete, rollback and repair rebuild it from the history: its rows (one migration, or the
 * migrations a release started together), the migrations stored there (each checked against its file first) and
 * their plan replayed from the base schema recorded when the rollout started.
 *
 * @param versionSchema the version schema of the rollout's last migration, the one the new release uses
 * @param previousVersionSchema the version schema before the rollout, which the running release uses, or
 * {@code null} when the rollout began the history
 */
record ActiveMigration(List<StoredMigration> records, List<Migration> migrations, Plan plan, String versionSchema,
		@Nullable String previousVersionSchema) {

	/**
	 * Takes the schema's lock and reads the active rollout, refusing one this engine cannot run: none, one another
	 * tool wrote, one whose start did not finish (for complete), one that does not match its files.
	 * @param verb what the caller is about to do, for the messages: {@code complete}, {@code roll back} or
	 * {@code repair}
	 */
	static ActiveMigration read(EngineSetup setup, Session session, String verb) {
		return read(setup, session, verb, Set.of());
	}

	/**
	 * {@link #read(EngineSetup, Session, String)}, except that the migrations named in {@code changed} may differ
	 * from their files: migrate restarting a changed active migration, as development asked it to, rolls it back
	 * as the history holds it. Each still needs a file of its name.
	 */
	static ActiveMigration read(EngineSetup setup, Session session, String verb, Set<String> changed) {
		String schema = setup.schema();
		try {
			Connection connection = session.connection();
			if (!setup.state().isInitialized(connection)) {
				throw new MigrationStateException("cannot " + verb + ": schema \"" + schema
						+ "\" has no migration history");
			}
			session.lockSchema();
			List<StoredMigration> rollout = setup.state().activeRollout(connection);
			if (rollout.isEmpty()) {
				throw new MigrationStateException("cannot " + verb + ": there is no active migration on schema \""
						+ schema + "\"");
			}
			StoredMigration first = rollout.get(0);
			String what = Start.describeNames(rollout.stream().map(StoredMigration::name).toList());
			for (StoredMigration active : rollout) {
				if (!"pgroll".equals(active.type())) {
					throw new MigrationStateException("cannot " + verb + " migration \"" + active.name()
							+ "\" of schema \"" + schema + "\": its history row has migration_type '" + active.type()
							+ "', not 'pgroll' (pgroll writes 'inferred' for changes it saw made outside migrations and "
							+ "'baseline' for baselines); no SQL from such a row is run. Finish it with the tool that "
							+ "wrote it, or delete the row if none did");
				}
			}
			if (rollout.stream().anyMatch((active) -> !active.startFinished()) && verb.equals("complete")) {
				throw new MigrationStateException("cannot complete " + what + ": its start did not finish (the "
						+ "process running it stopped); repair rolls it back, then start it again");
			}
			if (!first.recordsBaseSchema()) {
				throw new MigrationStateException("cannot " + verb + " " + what
						+ ": it was started by another tool (no base schema recorded); finish it with that tool");
			}
			List<Migration> migrations = new ArrayList<>();
			for (StoredMigration active : rollout) {
				checkAgainstFile(setup, active, verb, changed.contains(active.name()));
				migrations.add(active
					.migration("migration \"" + active.name() + "\" (history of schema \"" + schema + "\")"));
			}
			SchemaSnapshot base = first.baseSchema();
			Plan plan = setup.planner().replay(migrations, base);
			String previous = setup.versionSchemaBefore(connection, first.parent());
			return new ActiveMigration(List.copyOf(rollout), List.copyOf(migrations), plan,
					rollout.get(rollout.size() - 1).versionSchema(schema), previous);
		}
		catch (SQLException ex) {
			throw EngineSetup.unexpected("reading the active migration of schema \"" + schema + "\"", ex);
		}
	}

	/**
	 * Complete, rollback and repair rebuild everything from the migration stored in the history, SQL included; the
	 * history may have been written by hand, so it must match a file this engine knows of the same name first.
	 * @param changed whether the caller accepts that it differs (a file of its name must still be known)
	 */
	private static void checkAgainstFile(EngineSetup setup, StoredMigration active, String verb, boolean changed) {
		String refused = "cannot " + verb + " migration \"" + active.name() + "\" of schema \"" + setup.schema()
				+ "\": ";
		List<Migration> files = setup.files().named(active.name());
		if (files.isEmpty()) {
			throw new MigrationStateException(refused + "no migration file of that name is known here, so the SQL "
					+ "stored with it in the history cannot be checked against its file and is not run; configure "
					+ "the application's migrations (PgrollConfiguration.Builder.migrations(...), from "
					+ "MigrationLoader; the Spring Boot starter does this) or call it on the instance that started it");
		}
		if (!changed && files.stream().noneMatch(active::sameContentAs)) {
			Migration file = files.get(files.size() - 1);
			throw new MigrationStateException(refused + "the history holds other content than its file, and "
					+ "SQL stored in the history is run only when it matches the file; " + file.source()
					+ " differs from the history at (history → file):" + active.differencesFrom(file).describe()
					+ "\nDeploy the file it was started with, or correct the history");
		}
	}

	/** The name of the rollout's last migration. */
	String name() {
		return this.records.get(this.records.size() - 1).name();
	}

	/** The rollout's migration names, in order. */
	List<String> names() {
		return this.records.stream().map(StoredMigration::name).toList();
	}

	/** How messages name the rollout: {@code migration "a"}, or {@code the rollout of migrations "a", "b"}. */
	String describe() {
		return Start.describeNames(names());
	}

}
