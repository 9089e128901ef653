package dev.pgroll4j.core.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import dev.pgroll4j.core.Pgroll;
import dev.pgroll4j.core.PgrollConfiguration;
import dev.pgroll4j.core.migration.Migration;
import dev.pgroll4j.core.migration.MigrationParser;
import dev.pgroll4j.test.CatalogSnapshot;
import dev.pgroll4j.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Drives a migration (or a rollout of several) through its whole life in a schema of its own: setup migrations
 * are started and completed, then the migration under test is started (checks run against both versions), rolled back (the catalog must
 * equal the one before start), started again and completed (checks run against the final schema).
 */
public final class MigrationLifecycle {

	private static final AtomicInteger counter = new AtomicInteger();

	private final TestDatabase database;

	private final String schema;

	private final List<Migration> setup = new ArrayList<>();

	/** The migration under test, or the migrations of the rollout under test. */
	private List<Migration> migrations = List.of();

	private Consumer<Versions> afterStart = (v) -> {
	};

	private Consumer<Versions> afterRollback = (v) -> {
	};

	private Consumer<Versions> afterComplete = (v) -> {
	};

	private Consumer<PgrollConfiguration.Builder> configuration = (builder) -> {
	};

	private MigrationLifecycle(TestDatabase database) {
		this.database = database;
		this.schema = "s" + counter.incrementAndGet();
	}

	public static MigrationLifecycle in(TestDatabase database) {
		return new MigrationLifecycle(database);
	}

	/** Parses a YAML migration; the name becomes its migration name. */
	public static Migration yaml(String name, String yaml) {
		return MigrationParser.parse(name + ".yaml", yaml);
	}

	public String schema() {
		return this.schema;
	}

	/** A migration started and completed before the one under test. */
	public MigrationLifecycle given(String yaml) {
		this.setup.add(yaml(String.format("%03d_setup", this.setup.size()), yaml));
		return this;
	}

	/** SQL run on the physical schema after the setup migrations, e.g. to insert rows. */
	public MigrationLifecycle givenRows(String... statements) {
		this.setup.add(yaml(String.format("%03d_rows", this.setup.size()), sqlMigration(statements)));
		return this;
	}

	private static String sqlMigration(String... statements) {
		StringBuilder yaml = new StringBuilder("operations:\n  - sql:\n      up: |\n");
		for (String statement : statements) {
			yaml.append("        ").append(statement).append(";\n");
		}
		return yaml.toString();
	}

	public MigrationLifecycle migration(String yaml) {
		return rollout(yaml);
	}

	/** Migrations started as one rollout, named {@code 500_under_test}, {@code 501_under_test} and so on. */
	public MigrationLifecycle rollout(String... yamls) {
		List<Migration> rollout = new ArrayList<>();
		for (int i = 0; i < yamls.length; i++) {
			rollout.add(yaml((500 + i) + "_under_test", yamls[i]));
		}
		this.migrations = List.copyOf(rollout);
		return this;
	}

	public MigrationLifecycle configure(Consumer<PgrollConfiguration.Builder> customizer) {
		this.configuration = customizer;
		return this;
	}

	public MigrationLifecycle afterStart(Consumer<Versions> check) {
		this.afterStart = check;
		return this;
	}

	public MigrationLifecycle afterRollback(Consumer<Versions> check) {
		this.afterRollback = check;
		return this;
	}

	public MigrationLifecycle afterComplete(Consumer<Versions> check) {
		this.afterComplete = check;
		return this;
	}

	/** An engine for this lifecycle's schema that knows its files, as an application's would. */
	public Pgroll pgroll() {
		List<Migration> files = new ArrayList<>(this.setup);
		files.addAll(this.migrations);
		PgrollConfiguration.Builder builder = Pgroll.configure().dataSource(this.database.dataSource())
			.schema(this.schema).migrations(files);
		this.configuration.accept(builder);
		return builder.load();
	}

	/** Applies the setup migrations only, for tests that drive the migration themselves. */
	public Pgroll prepare() {
		Pgroll pgroll = pgroll();
		pgroll.init();
		for (Migration step : this.setup) {
			pgroll.start(step);
			pgroll.complete();
		}
		return pgroll;
	}

	public void run() {
		Pgroll pgroll = prepare();
		String previous = this.setup.isEmpty() ? this.schema
				: this.setup.get(this.setup.size() - 1).versionSchemaFor(this.schema);
		String next = this.migrations.get(this.migrations.size() - 1).versionSchemaFor(this.schema);
		CatalogSnapshot before = this.database.catalogSnapshot();

		pgroll.start(this.migrations);
		this.afterStart.accept(new Versions(version(previous), version(next), version(this.schema)));

		pgroll.rollback();
		assertThat(before.diff(this.database.catalogSnapshot())).as("catalog changes left by start + rollback")
			.isEmpty();
		this.afterRollback.accept(new Versions(version(previous), null, version(this.schema)));

		pgroll.start(this.migrations);
		assertThat(pgroll.complete().migrations()).as("migrations completed")
			.containsExactlyElementsOf(this.migrations.stream().map(Migration::name).toList());
		this.afterComplete.accept(new Versions(null, version(next), version(this.schema)));
	}

	/** A client of any schema of this lifecycle, e.g. of a version schema while a test drives pgroll itself. */
	public SchemaVersion version(String searchPath) {
		return new SchemaVersion(this.database, searchPath);
	}

	/**
	 * The clients a check can use.
	 *
	 * @param previous the version before the migration (absent after complete)
	 * @param next the migration's version (absent after rollback)
	 * @param physical the physical tables
	 */
	public record Versions(SchemaVersion previous, SchemaVersion next, SchemaVersion physical) {
	}

}
