package dev.pgroll4j.benchmarks;

import dev.pgroll4j.core.Pgroll;

/**
 * The table every benchmark uses, created twice in one database: {@code app.events} through pgroll, and
 * {@code raw.events}, identical, for the baseline. A bigint key, a text and a timestamp column.
 */
final class Tables {

	static final String CREATE = """
			operations:
			  - create_table:
			      name: events
			      columns:
			        - {name: id, type: bigint, pk: true}
			        - {name: name, type: text}
			        - {name: created_at, type: timestamp}
			""";

	/** The rewrite measured: a type change whose up is the expression the baseline UPDATE runs. */
	static final String UP = "created_at AT TIME ZONE 'UTC'";

	static final String RETYPE = """
			operations:
			  - alter_column:
			      table: events
			      column: created_at
			      type: timestamptz
			      up: "%1$s"
			      down: "created_at AT TIME ZONE 'UTC'"
			""".formatted(UP);

	private Tables() {
	}

	/** Both tables with {@code rows} identical rows, vacuumed and analysed; pgroll's version is {@code 01_create}. */
	static Pgroll load(Database database, long rows, int batchSize) {
		Pgroll pgroll = database.pgroll(batchSize);
		pgroll.init();
		pgroll.start(Database.migration("01_create", CREATE));
		pgroll.complete();
		String values = "SELECT g, 'event number ' || g, timestamp '2026-01-01' + g * interval '1 second' "
				+ "FROM generate_series(1, " + rows + ") g";
		database.execute("CREATE SCHEMA raw",
				"CREATE TABLE raw.events (id bigint PRIMARY KEY, name text NOT NULL, created_at timestamp NOT NULL)",
				"INSERT INTO raw.events " + values, "INSERT INTO app.events " + values, "VACUUM ANALYZE raw.events",
				"VACUUM ANALYZE app.events", "CHECKPOINT");
		return pgroll;
	}

}
