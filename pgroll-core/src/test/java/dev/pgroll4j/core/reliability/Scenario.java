package dev.pgroll4j.core.reliability;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A migration to run under live traffic: the schema before it (a setup migration), the rows loaded into it, the
 * migration itself (or several started as one rollout), and the tables clients of each version write.
 */
final class Scenario {

	private final String name;

	private String setup;

	private final List<String> rows = new ArrayList<>();

	private final List<String> migrations = new ArrayList<>();

	private final List<Table> tables = new ArrayList<>();

	private boolean pinnedTable;

	private Scenario(String name) {
		this.name = name;
	}

	static Scenario named(String name) {
		return new Scenario(name);
	}

	/** The setup migration's YAML, started and completed before traffic begins. */
	Scenario setup(String yaml) {
		this.setup = yaml;
		return this;
	}

	/** SQL run on the physical tables after the setup migration, to load the rows. */
	Scenario rows(String... statements) {
		this.rows.addAll(Arrays.asList(statements));
		return this;
	}

	/** The YAML of the migration under test. */
	Scenario migration(String yaml) {
		return rollout(yaml);
	}

	/**
	 * The YAML of several migrations started as one rollout, as a release that ships them does: the old version is
	 * the one before the rollout, the new version the last migration's, and {@link Table#up}/{@link Table#down}
	 * say what all of them together do.
	 */
	Scenario rollout(String... yamls) {
		this.migrations.clear();
		this.migrations.addAll(Arrays.asList(yamls));
		return this;
	}

	Scenario table(Table table) {
		this.tables.add(table);
		return this;
	}

	/**
	 * While the rollout runs, a client of the version that goes creates a table with rows through its pinned
	 * connection, as Flyway or Hibernate's {@code ddl-auto} would; the ending must refuse to drop it.
	 */
	Scenario withPinnedTable() {
		this.pinnedTable = true;
		return this;
	}

	String name() {
		return this.name;
	}

	boolean pinnedTable() {
		return this.pinnedTable;
	}

	String setup() {
		return this.setup;
	}

	List<String> rows() {
		return this.rows;
	}

	/** The migrations under test, in the order they apply; one unless the scenario is a rollout. */
	List<String> migrations() {
		return this.migrations;
	}

	List<Table> tables() {
		return this.tables;
	}

	@Override
	public String toString() {
		return this.name;
	}

}
