package dev.pgroll4j.core.operations;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.pgroll4j.core.MigrationValidationException;
import dev.pgroll4j.core.Pgroll;
import dev.pgroll4j.core.testing.MigrationLifecycle;
import dev.pgroll4j.core.testing.SchemaVersion;
import dev.pgroll4j.test.PostgresTest;
import dev.pgroll4j.test.TestDatabase;
import dev.pgroll4j.test.TestSqlException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The "faithful duplication" matrix: a column that a migration replaces with a copy must end, after complete, with
 * everything it had before except what the migration changed.
 *
 * <p>Each cell combines one property of the column (a row: default, an index, identity, ...) with one duplicating
 * change (a column: a type change, a new check, dropping another constraint, ...). The table is built with the
 * property, filled with a few rows, and the migration is driven through its whole life. The result is compared
 * with an oracle: the same table in a second schema, to which the equivalent plain DDL was applied directly
 * ({@code ALTER TABLE ... ALTER COLUMN ... TYPE ...}, {@code ADD CONSTRAINT ...}). What may legitimately differ is
 * left out of the comparison: OIDs, attribute numbers, and the physical position of the copy, which is appended to
 * the table; the order clients see is compared instead.
 */
@PostgresTest
@Tag("operations")
// Run in full on the versions whose catalogs differ for it (14, 15, 18); 16 and 17 read like 18 here.
@Tag("version-matrix")
class DuplicationMatrixTests {

	/** Rows, in the order of the matrix. */
	static final List<Property> PROPERTIES = List.of(
			Property.of("default", "CREATE TABLE t (id integer PRIMARY KEY, v integer DEFAULT 42{nn}, w integer{extra})"),
			Property.of("NOT NULL", "CREATE TABLE t (id integer PRIMARY KEY, v integer NOT NULL, w integer{extra})")
				.notNull("the column is NOT NULL already", true),
			Property.of("foreign key it holds", "CREATE TABLE parent (id integer PRIMARY KEY)",
					"INSERT INTO parent SELECT generate_series(0, 1000)",
					"CREATE TABLE t (id integer PRIMARY KEY, v integer{nn} CONSTRAINT t_v_fkey REFERENCES parent (id) "
							+ "ON DELETE CASCADE, w integer{extra})"),
			Property.of("foreign key pointing at it",
					"CREATE TABLE t (id integer PRIMARY KEY, v integer{nn} CONSTRAINT t_v_key UNIQUE, w integer{extra})",
					"CREATE TABLE child (id integer PRIMARY KEY, t_v integer REFERENCES t (v) ON UPDATE CASCADE)")
				.rowsAfter("INSERT INTO child VALUES (1, 10), (2, 20)"),
			Property.of("single-column index", "CREATE TABLE t (id integer PRIMARY KEY, v integer{nn}, w integer{extra})",
					"CREATE INDEX t_v_idx ON t (v)"),
			Property.of("multi-column index", "CREATE TABLE t (id integer PRIMARY KEY, v integer{nn}, w integer{extra})",
					"CREATE INDEX t_w_v_idx ON t (w, v DESC NULLS LAST)"),
			Property.of("partial index on it",
					"CREATE TABLE t (id integer PRIMARY KEY, v integer{nn}, w integer{extra})",
					"CREATE INDEX t_v_partial_idx ON t (v) WHERE v > 15"),
			Property.of("partial index filtering on it",
					"CREATE TABLE t (id integer PRIMARY KEY, v integer{nn}, w integer{extra})",
					"CREATE INDEX t_w_where_v_idx ON t (w) WHERE v > 15"),
			Property.of("expression index",
					"CREATE TABLE t (id integer PRIMARY KEY, v text{nn}, w integer{extra})",
					"CREATE INDEX t_lower_v_idx ON t (lower(v))")
				.columnType(Type.TEXT),
			Property.of("covering index including it",
					"CREATE TABLE t (id integer PRIMARY KEY, v integer{nn}, w integer{extra})",
					"CREATE INDEX t_w_incl_v_idx ON t (w) INCLUDE (v)"),
			Property.of("unique index", "CREATE TABLE t (id integer PRIMARY KEY, v integer{nn}, w integer{extra})",
					"CREATE UNIQUE INDEX t_v_uidx ON t (v)"),
			Property.of("single-column check",
					"CREATE TABLE t (id integer PRIMARY KEY, v integer{nn} CONSTRAINT t_v_check CHECK (v <> 13), "
							+ "w integer{extra})"),
			Property.of("multi-column check", "CREATE TABLE t (id integer PRIMARY KEY, v integer{nn}, w integer, "
					+ "CONSTRAINT t_v_w_check CHECK (v <> w){extra})"),
			Property.of("unique constraint",
					"CREATE TABLE t (id integer PRIMARY KEY, v integer{nn} CONSTRAINT t_v_key UNIQUE, w integer{extra})"),
			Property.of("primary key", "CREATE TABLE t (id integer NOT NULL, v integer PRIMARY KEY, w integer{extra})")
				.notNull("a primary-key column is always NOT NULL", false),
			Property.of("composite primary key",
					"CREATE TABLE t (id integer, v integer, w integer, PRIMARY KEY (id, v){extra})")
				.notNull("a primary-key column is always NOT NULL", false),
			Property.of("comment", "CREATE TABLE t (id integer PRIMARY KEY, v integer{nn}, w integer{extra})",
					"COMMENT ON COLUMN t.v IS 'the value'"),
			Property.of("identity ALWAYS",
					"CREATE TABLE t (id integer PRIMARY KEY, v integer GENERATED ALWAYS AS IDENTITY, w integer{extra})")
				.asIdentity(),
			Property.of("identity BY DEFAULT", "CREATE TABLE t (id integer PRIMARY KEY, "
					+ "v integer GENERATED BY DEFAULT AS IDENTITY, w integer{extra})")
				.asIdentity(),
			Property.of("identity with sequence options", "CREATE TABLE t (id integer PRIMARY KEY, "
					+ "v integer GENERATED ALWAYS AS IDENTITY (START WITH 100 INCREMENT BY 10 CACHE 3), w integer{extra})")
				.asIdentity(),
			Property.of("serial", "CREATE TABLE t (id integer PRIMARY KEY, v serial, w integer{extra})")
				.notNull("a serial column is NOT NULL already", true)
				.valuedByServer(),
			Property.of("replica identity index",
					"CREATE TABLE t (id integer PRIMARY KEY, v integer NOT NULL, w integer{extra})",
					"CREATE UNIQUE INDEX t_v_replica_idx ON t (v)",
					"ALTER TABLE t REPLICA IDENTITY USING INDEX t_v_replica_idx")
				.notNull("the columns of a replica identity index must be NOT NULL", false),
			Property.of("generated", "CREATE TABLE t (id integer PRIMARY KEY, "
					+ "v integer GENERATED ALWAYS AS (id * 10) STORED{nn}, w integer{extra})")
				.valuedByServer()
				.refused("column \"v\" is a generated column"),
			Property.of("used by a generated column", "CREATE TABLE t (id integer PRIMARY KEY, v integer{nn}, "
					+ "w integer, g integer GENERATED ALWAYS AS (v * 2) STORED{extra})")
				.refused("column \"v\" is used by generated column \"g\""));

	static Stream<Arguments> cells() {
		return PROPERTIES.stream()
			.filter((property) -> property.refusal() == null)
			.flatMap((property) -> Arrays.stream(Change.values()).map((change) -> Arguments.of(property, change)));
	}

	static Stream<Arguments> refusedCells() {
		return PROPERTIES.stream()
			.filter((property) -> property.refusal() != null)
			.flatMap((property) -> Arrays.stream(Change.values()).map((change) -> Arguments.of(property, change)));
	}

	@ParameterizedTest(name = "{0} × {1}")
	@MethodSource("cells")
	void theDuplicatedColumnEndsAsIfTheChangeHadBeenAppliedDirectly(Property property, Change change,
			TestDatabase database) {
		Cell cell = new Cell(property, change);
		String contradiction = cell.contradiction();
		Assumptions.assumeTrue(contradiction == null, () -> "contradictory: " + contradiction);
		assertFaithful(cell, database);
	}

	/** Expression entries of an index have no column; they must not stop other columns from being duplicated. */
	@Test
	void anExpressionIndexOnAnotherColumnSurvivesTheDuplication(TestDatabase database) {
		assertFaithful(new Cell(Property.of("expression index on another column",
				"CREATE TABLE t (id integer PRIMARY KEY, v integer{nn}, w integer{extra})",
				"CREATE INDEX t_abs_w_idx ON t (abs(w))"), Change.TYPE), database);
	}

	/**
	 * Builds the cell's table, drives the migration through its whole life and compares the outcome with the
	 * oracle: catalog facts, leftovers, the column order clients see, the rows, and the sequence's continuation.
	 */
	private static void assertFaithful(Cell cell, TestDatabase database) {
		Property property = cell.property();
		MigrationLifecycle lifecycle = MigrationLifecycle.in(database);
		String schema = lifecycle.schema();
		String oracle = schema + "_oracle";
		String version = schema + "_500_under_test";
		try {
			// Built directly rather than by a setup migration: the physical schema is then the old version.
			build(database, schema, cell.setup());
			lifecycle.migration(cell.migration()).afterStart((v) -> {
				v.previous().execute(cell.insert(100, 3));
				v.next().execute(cell.insert(101, 4));
				assertThat(writtenRows(v.next())).as("%s: rows written through both versions, seen by the new one", cell)
					.hasSize(2)
					.isEqualTo(writtenRows(v.previous()));
			}).run();
			// The oracle gets the lifecycle's writes as an old client before its change and a new one after it.
			List<String> direct = new ArrayList<>(cell.setup());
			direct.add(cell.insert(100, 3));
			direct.addAll(cell.oracleChange());
			direct.add(cell.insert(101, 4));
			build(database, oracle, direct);
			try (Catalog catalog = new Catalog(database)) {
				SoftAssertions softly = new SoftAssertions();
				List<String> actual = catalog.facts(schema);
				softly.assertThat(diff(catalog.facts(oracle), actual))
					.as("%s: catalog differs from the oracle's (- only in the oracle, + only after the migration)", cell)
					.isEmpty();
				softly.assertThat(actual.stream().filter((line) -> line.contains("_pgroll_")))
					.as("%s: objects named _pgroll_ left after complete", cell)
					.isEmpty();
				for (String table : catalog.tables(oracle)) {
					softly.assertThat(catalog.columnOrder(version, table))
						.as("%s: columns of %s as the new version shows them", cell, table)
						.isEqualTo(catalog.columnOrder(oracle, table));
					// Sequences may skip values, legitimately: while both columns exist an insert draws from the
					// defaults of both. So the row the new version inserted is checked below rather than compared.
					String rows = "SELECT * FROM %s." + table
							+ (table.equals("t") && cell.drawsFromSequence() ? " WHERE id <> 101" : "") + " ORDER BY 1";
					softly.assertThat(catalog.rows(rows.formatted(version)))
						.as("%s: rows of %s through the new version", cell, table)
						.isEqualTo(catalog.rows(rows.formatted(oracle)));
				}
				softly.assertThat(catalog.values("SELECT count(*) FROM " + version + ".t"))
					.as("%s: rows of t", cell)
					.containsExactly(cell.nullable() ? "6" : "5");
				if (cell.drawsFromSequence()) {
					softly.assertThat(catalog.values("SELECT v > ALL (SELECT v FROM " + version + ".t WHERE id <> 101) "
							+ "FROM " + version + ".t WHERE id = 101"))
						.as("%s: the new version's insert got a fresh value", cell)
						.containsExactly("t");
					// The sequence continues where it stood, by its own increment: the next insert gets a new value.
					String sequence = "pg_get_serial_sequence('%s.t', 'v')";
					String last = catalog.values("SELECT pg_sequence_last_value(" + sequence.formatted(schema) + ")")
						.get(0);
					String increment = catalog.values("SELECT seqincrement FROM pg_sequence WHERE seqrelid = "
							+ sequence.formatted(oracle) + "::regclass").get(0);
					String next = catalog.values("INSERT INTO " + version + ".t (id, w) VALUES (200, 200) RETURNING v")
						.get(0);
					softly.assertThat(Long.parseLong(next))
						.as("%s: value of the next insert without the column, after %s", cell, last)
						.isEqualTo(Long.parseLong(last) + Long.parseLong(increment));
				}
				softly.assertAll();
			}
		}
		finally {
			dropSchemas(database, schema);
		}
	}

	@ParameterizedTest(name = "{0} × {1}")
	@MethodSource("refusedCells")
	void changingAGeneratedColumnOrOneThatFeedsItIsRefusedBeforeAnythingRuns(Property property, Change change,
			TestDatabase database) {
		Cell cell = new Cell(property, change);
		MigrationLifecycle lifecycle = MigrationLifecycle.in(database);
		String schema = lifecycle.schema();
		try {
			build(database, schema, cell.setup());
			Pgroll pgroll = lifecycle.prepare();
			List<String> before = facts(database, schema);
			assertThatExceptionOfType(MigrationValidationException.class)
				.isThrownBy(() -> pgroll.start(MigrationLifecycle.yaml("500_under_test", cell.migration())))
				.withMessageContaining(property.refusal());
			assertThat(pgroll.status().activeMigration()).isNull();
			assertThat(diff(before, facts(database, schema))).as("catalog changes left by the refused start").isEmpty();
		}
		finally {
			dropSchemas(database, schema);
		}
	}

	/** Creates the schema and runs the statements in it. */
	private static void build(TestDatabase database, String schema, List<String> statements) {
		List<String> all = new ArrayList<>(List.of("CREATE SCHEMA " + schema, "SET search_path TO " + schema));
		all.addAll(statements);
		database.execute(all.toArray(String[]::new));
	}

	/** The rows the lifecycle writes while both versions run, as one version sees them. */
	private static List<Map<String, Object>> writtenRows(SchemaVersion version) {
		return version.query("SELECT id, v::text AS v, w FROM t WHERE id >= 100 ORDER BY id");
	}

	/** The column's type: the values the cells use and the SQL of the changes that depend on it. */
	enum Type {

		INT("integer", "bigint", List.of("10", "20", "30", "40", "50"), "0", "7", "v < 1000000",
				"CREATE TABLE lookup (k integer PRIMARY KEY)", "INSERT INTO lookup SELECT generate_series(0, 1000)"),

		TEXT("text", "varchar(100)", List.of("'a'", "'b'", "'c'", "'d'", "'e'"), "'z'", "'x'", "length(v) < 100",
				"CREATE TABLE lookup (k text PRIMARY KEY)",
				"INSERT INTO lookup VALUES ('a'), ('b'), ('c'), ('d'), ('e'), ('z')");

		final String name;

		final String newType;

		/** Literals for rows 1 to 3 and for the rows written through the old and the new version. */
		final List<String> values;

		/** What NULLs become when the column is made NOT NULL; in the lookup table, unique in the column. */
		final String fill;

		final String newDefault;

		final String check;

		final List<String> lookup;

		Type(String name, String newType, List<String> values, String fill, String newDefault, String check,
				String... lookup) {
			this.name = name;
			this.newType = newType;
			this.values = values;
			this.fill = fill;
			this.newDefault = newDefault;
			this.check = check;
			this.lookup = List.of(lookup);
		}

	}

	/** How a property relates to NOT NULL. */
	enum Nulls {

		/** The column may be nullable or not; cells that drop NOT NULL start from a NOT NULL column. */
		FREE,

		/** The column is NOT NULL; it may become nullable. */
		NOT_NULL,

		/** The column is NOT NULL and must stay so. */
		ALWAYS

	}

	/**
	 * A row of the matrix. The DDL creates table {@code t} with the column {@code v} under test, a plain column
	 * {@code w} and whatever the property needs; {@code {nn}} marks where NOT NULL goes when a cell needs it,
	 * {@code {extra}} where a cell's additional table constraint goes.
	 */
	record Property(String name, List<String> ddl, List<String> after, Type type, Nulls nulls, String notNullReason,
			boolean serverValued, boolean identity, String refusal) {

		static Property of(String name, String... ddl) {
			return new Property(name, List.of(ddl), List.of(), Type.INT, Nulls.FREE, null, false, false, null);
		}

		Property rowsAfter(String... statements) {
			return new Property(this.name, this.ddl, List.of(statements), this.type, this.nulls, this.notNullReason,
					this.serverValued, this.identity, this.refusal);
		}

		Property columnType(Type columnType) {
			return new Property(this.name, this.ddl, this.after, columnType, this.nulls, this.notNullReason,
					this.serverValued, this.identity, this.refusal);
		}

		Property notNull(String reason, boolean droppable) {
			return new Property(this.name, this.ddl, this.after, this.type, droppable ? Nulls.NOT_NULL : Nulls.ALWAYS,
					reason, this.serverValued, this.identity, this.refusal);
		}

		/** The server computes the column's value (a sequence or an expression), so inserts leave it out. */
		Property valuedByServer() {
			return new Property(this.name, this.ddl, this.after, this.type, this.nulls, this.notNullReason, true,
					this.identity, this.refusal);
		}

		Property asIdentity() {
			return new Property(this.name, this.ddl, this.after, this.type, Nulls.ALWAYS,
					"an identity column is always NOT NULL", true, true, this.refusal);
		}

		Property refused(String message) {
			return new Property(this.name, this.ddl, this.after, this.type, this.nulls, this.notNullReason,
					this.serverValued, this.identity, message);
		}

		@Override
		public String toString() {
			return this.name;
		}

	}

	/** A column of the matrix: a change that replaces {@code v} with a copy. */
	enum Change {

		TYPE("type change"),

		SET_NOT_NULL("set NOT NULL"),

		DROP_NOT_NULL("drop NOT NULL"),

		DEFAULT_WITH_TYPE("new default with a type change"),

		ADD_CHECK("add check"),

		ADD_FOREIGN_KEY("add foreign key"),

		ADD_UNIQUE("add unique"),

		DROP_OTHER_CONSTRAINT("drop another check on it"),

		DROP_OTHER_MULTICOLUMN_CONSTRAINT("drop another multi-column check on it");

		private final String label;

		Change(String label) {
			this.label = label;
		}

		@Override
		public String toString() {
			return this.label;
		}

	}

	/** One property combined with one change. */
	record Cell(Property property, Change change) {

		/**
		 * Why the combination makes no sense, or null. A column that is NOT NULL by nature (primary key, identity,
		 * replica identity index) can neither gain nor lose NOT NULL; one that is NOT NULL already cannot gain it;
		 * an identity column cannot have a default, PostgreSQL refuses SET DEFAULT on it.
		 */
		String contradiction() {
			if (this.change == Change.SET_NOT_NULL && this.property.nulls() != Nulls.FREE) {
				return this.property.notNullReason();
			}
			if (this.change == Change.DROP_NOT_NULL && this.property.nulls() == Nulls.ALWAYS) {
				return this.property.notNullReason();
			}
			if (this.change == Change.DEFAULT_WITH_TYPE && this.property.identity()) {
				return "an identity column has no default (PostgreSQL refuses SET DEFAULT on it)";
			}
			return null;
		}

		/** Whether {@code v} is nullable before the change, so the rows include a NULL. */
		boolean nullable() {
			return this.property.nulls() == Nulls.FREE && this.change != Change.DROP_NOT_NULL
					&& !this.property.serverValued();
		}

		Type type() {
			return this.property.type();
		}

		/** Whether inserts that leave the column out take its value from a sequence after the change. */
		boolean drawsFromSequence() {
			return this.property.serverValued() && this.change != Change.DEFAULT_WITH_TYPE;
		}

		/** Tables and rows before the migration; the same statements build the oracle. */
		List<String> setup() {
			List<String> statements = new ArrayList<>();
			if (this.change == Change.ADD_FOREIGN_KEY) {
				statements.addAll(type().lookup);
			}
			String notNull = (this.change == Change.DROP_NOT_NULL && this.property.nulls() == Nulls.FREE) ? " NOT NULL"
					: "";
			String extra = switch (this.change) {
				case DROP_OTHER_CONSTRAINT -> ", CONSTRAINT t_v_doomed_check CHECK (v::text <> 'doomed')";
				case DROP_OTHER_MULTICOLUMN_CONSTRAINT ->
					", CONSTRAINT t_v_w_doomed_check CHECK ((v::text || w::text) <> 'doomed')";
				default -> "";
			};
			this.property.ddl()
				.forEach((sql) -> statements.add(sql.replace("{nn}", notNull).replace("{extra}", extra)));
			for (int id = 1; id <= 3; id++) {
				statements.add(insert(id, id - 1));
			}
			if (nullable()) {
				statements.add("INSERT INTO t (id, v, w) VALUES (4, NULL, 4)");
			}
			statements.addAll(this.property.after());
			return statements;
		}

		/** A row of {@code t} with the n-th value of the column's type. */
		String insert(int id, int value) {
			if (this.property.serverValued()) {
				return "INSERT INTO t (id, w) VALUES (" + id + ", " + id + ")";
			}
			return "INSERT INTO t (id, v, w) VALUES (" + id + ", " + type().values.get(value) + ", " + id + ")";
		}

		String migration() {
			Type type = type();
			String alter = """
					operations:
					  - alter_column:
					      table: t
					      column: v
					""";
			String typeChange = """
					      type: "%s"
					      up: "CAST(v AS %s)"
					      down: "CAST(v AS %s)"
					""".formatted(type.newType, type.newType, type.name);
			return switch (this.change) {
				case TYPE -> alter + typeChange;
				case SET_NOT_NULL -> alter + """
						      nullable: false
						      up: "coalesce(v, %s)"
						""".formatted(type.fill);
				case DROP_NOT_NULL -> alter + """
						      nullable: true
						      down: "coalesce(v, %s)"
						""".formatted(type.fill);
				case DEFAULT_WITH_TYPE -> alter + typeChange + """
						      default: "%s"
						""".formatted(type.newDefault);
				case ADD_CHECK -> alter + """
						      check: {name: t_v_added_check, constraint: "%s"}
						""".formatted(type.check);
				case ADD_FOREIGN_KEY -> alter + """
						      references: {name: t_v_added_fkey, table: lookup, column: k}
						""";
				case ADD_UNIQUE -> alter + """
						      unique: {name: t_v_added_key}
						""";
				case DROP_OTHER_CONSTRAINT -> """
						operations:
						  - drop_constraint:
						      table: t
						      name: t_v_doomed_check
						      up: v
						      down: v
						""";
				case DROP_OTHER_MULTICOLUMN_CONSTRAINT -> """
						operations:
						  - drop_multicolumn_constraint:
						      table: t
						      name: t_v_w_doomed_check
						      up: {v: v, w: w}
						      down: {v: v, w: w}
						""";
			};
		}

		/** The plain DDL with the same effect, run directly on the oracle's table. */
		List<String> oracleChange() {
			Type type = type();
			String typeChange = "ALTER TABLE t ALTER COLUMN v TYPE " + type.newType + " USING CAST(v AS " + type.newType
					+ ")";
			return switch (this.change) {
				case TYPE -> List.of(typeChange);
				case SET_NOT_NULL -> List.of("UPDATE t SET v = coalesce(v, " + type.fill + ") WHERE v IS NULL",
						"ALTER TABLE t ALTER COLUMN v SET NOT NULL");
				case DROP_NOT_NULL -> List.of("ALTER TABLE t ALTER COLUMN v DROP NOT NULL");
				case DEFAULT_WITH_TYPE -> List.of(typeChange,
						"ALTER TABLE t ALTER COLUMN v SET DEFAULT " + type.newDefault);
				case ADD_CHECK -> List.of("ALTER TABLE t ADD CONSTRAINT t_v_added_check CHECK (" + type.check + ")");
				case ADD_FOREIGN_KEY ->
					List.of("ALTER TABLE t ADD CONSTRAINT t_v_added_fkey FOREIGN KEY (v) REFERENCES lookup (k)");
				case ADD_UNIQUE -> List.of("ALTER TABLE t ADD CONSTRAINT t_v_added_key UNIQUE (v)");
				case DROP_OTHER_CONSTRAINT -> List.of("ALTER TABLE t DROP CONSTRAINT t_v_doomed_check");
				case DROP_OTHER_MULTICOLUMN_CONSTRAINT -> List.of("ALTER TABLE t DROP CONSTRAINT t_v_w_doomed_check");
			};
		}

		@Override
		public String toString() {
			return this.property + " × " + this.change;
		}

	}

	/**
	 * What a schema's tables are, as sorted lines with the schema name replaced by {@code <schema>}: relations,
	 * columns (without their position), constraints, indexes, sequences with their options and owner, triggers
	 * and functions. Everything is printed schema-qualified, so references to other schemas would show.
	 */
	private static final String FACTS = """
			WITH n AS (SELECT oid, nspname FROM pg_namespace WHERE nspname = '%1$s'),
			rel AS (SELECT c.* FROM pg_class c JOIN n ON c.relnamespace = n.oid)
			SELECT 'relation ' || c.relname || ' kind=' || c.relkind::text
				|| CASE WHEN c.relkind = 'r' THEN ' replica_identity=' || c.relreplident::text ELSE '' END
				|| ' options=' || coalesce(c.reloptions::text, '')
				|| ' acl=' || coalesce(c.relacl::text, '')
				|| ' comment=' || coalesce(obj_description(c.oid, 'pg_class'), '')
			FROM rel c
			UNION ALL
			SELECT 'column ' || c.relname || '.' || a.attname
				|| ' type=' || format_type(a.atttypid, a.atttypmod)
				|| CASE WHEN a.attnotnull THEN ' not_null' ELSE '' END
				|| ' default=' || coalesce(pg_get_expr(d.adbin, d.adrelid), '')
				|| ' identity=' || a.attidentity::text
				|| ' generated=' || a.attgenerated::text
				|| ' collation=' || a.attcollation::regcollation::text
				|| ' storage=' || a.attstorage::text
				|| ' statistics=' || coalesce(a.attstattarget::text, '')
				|| ' options=' || coalesce(a.attoptions::text, '')
				|| ' acl=' || coalesce(a.attacl::text, '')
				|| ' comment=' || coalesce(col_description(c.oid, a.attnum), '')
				|| ' serial_sequence=' || coalesce(pg_get_serial_sequence(
					quote_ident(n.nspname) || '.' || quote_ident(c.relname), a.attname), '')
			FROM rel c JOIN n ON true
			JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
			LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
			WHERE c.relkind = 'r'
			UNION ALL
			SELECT 'constraint ' || c.relname || '.' || k.conname || ' type=' || k.contype::text
				|| CASE WHEN k.convalidated THEN ' valid' ELSE ' not_valid' END
				|| CASE WHEN k.condeferrable THEN ' deferrable' ELSE '' END
				|| CASE WHEN k.condeferred THEN ' initially_deferred' ELSE '' END
				|| CASE WHEN k.connoinherit THEN ' no_inherit' ELSE '' END
				|| ' index=' || coalesce(ic.relname, '')
				|| ' comment=' || coalesce(obj_description(k.oid, 'pg_constraint'), '')
				|| ': ' || pg_get_constraintdef(k.oid)
			FROM pg_constraint k JOIN rel c ON c.oid = k.conrelid
			LEFT JOIN pg_class ic ON ic.oid = k.conindid
			UNION ALL
			SELECT 'index ' || ic.relname || ' of ' || c.relname
				|| CASE WHEN i.indisunique THEN ' unique' ELSE '' END
				|| CASE WHEN i.indisprimary THEN ' primary' ELSE '' END
				|| CASE WHEN i.indisvalid THEN ' valid' ELSE ' invalid' END
				|| CASE WHEN i.indisready THEN '' ELSE ' not_ready' END
				|| CASE WHEN i.indimmediate THEN '' ELSE ' deferred_uniqueness' END
				|| CASE WHEN i.indisreplident THEN ' replica_identity' ELSE '' END
				|| CASE WHEN i.indisclustered THEN ' clustered' ELSE '' END
				|| ' constraint=' || coalesce((SELECT k.conname FROM pg_constraint k WHERE k.conindid = i.indexrelid
					AND k.conrelid = i.indrelid AND k.contype IN ('p', 'u', 'x')), '')
				|| ': ' || pg_get_indexdef(i.indexrelid)
			FROM pg_index i JOIN rel c ON c.oid = i.indrelid JOIN pg_class ic ON ic.oid = i.indexrelid
			UNION ALL
			SELECT 'sequence ' || c.relname || ' type=' || format_type(q.seqtypid, NULL)
				|| ' start=' || q.seqstart || ' increment=' || q.seqincrement || ' min=' || q.seqmin
				|| ' max=' || q.seqmax || ' cache=' || q.seqcache || ' cycle=' || q.seqcycle
				|| ' owned_by=' || coalesce((SELECT tc.relname || '.' || a.attname || ' dependency=' || d.deptype::text
					FROM pg_depend d JOIN pg_class tc ON tc.oid = d.refobjid
					JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
					WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass
					  AND d.deptype IN ('a', 'i') AND d.refobjsubid > 0), '')
			FROM rel c JOIN pg_sequence q ON q.seqrelid = c.oid
			UNION ALL
			SELECT 'trigger ' || c.relname || '.' || g.tgname || ': ' || pg_get_triggerdef(g.oid)
			FROM pg_trigger g JOIN rel c ON c.oid = g.tgrelid
			WHERE NOT g.tgisinternal
			UNION ALL
			SELECT 'function ' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')'
			FROM pg_proc p JOIN n ON p.pronamespace = n.oid
			""";

	private static List<String> facts(TestDatabase database, String schema) {
		try (Catalog catalog = new Catalog(database)) {
			return catalog.facts(schema);
		}
	}

	/** Lines only in the oracle ("- "), then lines only in the actual catalog ("+ "). */
	private static List<String> diff(List<String> expected, List<String> actual) {
		List<String> diff = new ArrayList<>();
		expected.stream().filter((line) -> !actual.contains(line)).forEach((line) -> diff.add("- " + line));
		actual.stream().filter((line) -> !expected.contains(line)).forEach((line) -> diff.add("+ " + line));
		return diff;
	}

	/** Drops the cell's schemas (physical, version and oracle), so every catalog snapshot stays small. */
	private static void dropSchemas(TestDatabase database, String schema) {
		database.execute("""
				DO $$DECLARE s text;
				BEGIN
					FOR s IN SELECT quote_ident(nspname) FROM pg_namespace
						WHERE nspname = '%1$s' OR starts_with(nspname, '%1$s_') LOOP
						EXECUTE 'DROP SCHEMA ' || s || ' CASCADE';
					END LOOP;
				END$$""".formatted(schema));
	}

	/**
	 * One connection for all the queries of a cell's checks (connections are not pooled, so each costs a server
	 * process). Only {@code pg_catalog} is on its path, so definitions print every name schema-qualified.
	 */
	private static final class Catalog implements AutoCloseable {

		private final Connection connection;

		Catalog(TestDatabase database) {
			this.connection = database.connect();
			values("SELECT set_config('search_path', 'pg_catalog', false)");
		}

		/** Sorted facts of a schema with its name replaced by {@code <schema>}; see {@link #FACTS}. */
		List<String> facts(String schema) {
			Pattern qualified = Pattern.compile("(?<![\\w\"])" + Pattern.quote(schema) + "(?=\\.)");
			List<String> lines = new ArrayList<>();
			for (String line : values(FACTS.formatted(schema))) {
				lines.add(qualified.matcher(line).replaceAll(Matcher.quoteReplacement("<schema>")));
			}
			lines.sort(null);
			return lines;
		}

		List<String> tables(String schema) {
			return values("SELECT relname FROM pg_class WHERE relnamespace = '" + schema + "'::regnamespace "
					+ "AND relkind = 'r' ORDER BY relname");
		}

		/** Column names of a table or view in order. */
		String columnOrder(String schema, String relation) {
			return values("SELECT string_agg(attname, ', ' ORDER BY attnum) FROM pg_attribute WHERE attrelid = '"
					+ schema + "." + relation + "'::regclass AND attnum > 0 AND NOT attisdropped").get(0);
		}

		/** The first column of each row, as text. */
		List<String> values(String sql) {
			List<String> values = new ArrayList<>();
			try (Statement statement = this.connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
				while (rs.next()) {
					values.add(rs.getString(1));
				}
			}
			catch (SQLException ex) {
				throw new TestSqlException(sql, ex);
			}
			return values;
		}

		/** Each row as {@code {column=value, ...}} in column order. */
		List<String> rows(String sql) {
			List<String> rows = new ArrayList<>();
			try (Statement statement = this.connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
				while (rs.next()) {
					Map<String, Object> row = new LinkedHashMap<>();
					for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
						row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
					}
					rows.add(row.toString());
				}
			}
			catch (SQLException ex) {
				throw new TestSqlException(sql, ex);
			}
			return rows;
		}

		@Override
		public void close() {
			try {
				this.connection.close();
			}
			catch (SQLException ex) {
				throw new TestSqlException("close", ex);
			}
		}

	}

}
