package dev.pgroll4j.core.operations;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.pgroll4j.core.testing.MigrationLifecycle;
import dev.pgroll4j.test.PostgresTest;
import dev.pgroll4j.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An expression may end in a {@code --} comment. Pasted into generated SQL (a DEFAULT or CHECK clause, a trigger
 * assignment, a backfill's SET list, an index predicate, the probes of validation) the comment would swallow the
 * rest of the line; every such place puts a line break after it.
 */
@PostgresTest
@Tag("operations")
class TrailingCommentTests {

	@Test
	void expressionsEndingInACommentStartBackfillAndComplete(TestDatabase database) {
		MigrationLifecycle.in(database)
			.given("""
					operations:
					  - create_table:
					      name: users
					      columns:
					        - {name: id, type: integer, pk: true}
					        - {name: name, type: text, nullable: true}
					""")
			.givenRows("INSERT INTO users VALUES (1, 'alice'), (2, NULL)")
			.migration("""
					operations:
					  - add_column:
					      table: users
					      up: upper(name) -- shout
					      column:
					        name: shout
					        type: text
					        nullable: true
					        check: {name: users_shout_check, constraint: "shout <> '' -- never empty"}
					  - add_column:
					      table: users
					      column: {name: score, type: integer, default: "0 -- start at zero"}
					  - alter_column:
					      table: users
					      column: name
					      nullable: false
					      up: "coalesce(name, 'anonymous') -- fill the gaps"
					      down: name -- as it is
					  - create_index:
					      name: users_scored_idx
					      table: users
					      columns: [{column: score}]
					      predicate: score > 0 -- only the scored
					  - create_table:
					      name: badges
					      columns:
					        - {name: id, type: integer, pk: true}
					        - name: twice
					          type: integer
					          generated: {expression: "id * 2 -- doubled"}
					""")
			.afterStart((v) -> {
				assertThat(v.next().value("SELECT string_agg(name || ':' || coalesce(shout, '-') || ':' || score, ',' "
						+ "ORDER BY id) FROM users")).isEqualTo("alice:ALICE:0,anonymous:-:0");
				v.previous().execute("INSERT INTO users (id, name) VALUES (3, 'carol')");
				v.next().execute("INSERT INTO users (id, name) VALUES (4, 'dave')");
				assertThat(v.next().value("SELECT shout FROM users WHERE id = 3")).isEqualTo("CAROL");
				assertThat(v.previous().value("SELECT name FROM users WHERE id = 4")).isEqualTo("dave");
				v.next().execute("INSERT INTO badges (id) VALUES (21)");
				assertThat(v.next().value("SELECT twice FROM badges")).isEqualTo(42);
			})
			.afterComplete((v) -> {
				assertThat(v.next().value("SELECT count(*) FROM users WHERE name IS NULL")).isEqualTo(0L);
				assertThat(v.physical().indexDefinition("users_scored_idx")).endsWith("WHERE (score > 0)");
				v.next().assertFails("23514", "UPDATE users SET shout = '' WHERE id = 1");
			})
			.run();
	}

}
