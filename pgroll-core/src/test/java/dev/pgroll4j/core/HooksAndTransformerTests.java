package dev.pgroll4j.core;

import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.pgroll4j.core.testing.MigrationLifecycle;
import dev.pgroll4j.test.CatalogSnapshot;
import dev.pgroll4j.test.PostgresTest;
import dev.pgroll4j.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

@PostgresTest
class HooksAndTransformerTests {

	private static final String TABLE = """
			operations:
			  - create_table:
			      name: notes
			      columns:
			        - {name: id, type: integer, pk: true}
			        - {name: body, type: text, default: "'empty'"}
			""";

	private static final String ADD_COLUMN = """
			operations:
			  - add_column:
			      table: notes
			      up: upper(body)
			      column: {name: title, type: text, nullable: true}
			""";

	@Test
	void hooksRunAroundStartAndCompleteDdlInsideTheirTransactions(TestDatabase database) {
		List<String> calls = new ArrayList<>();
		MigrationHooks hooks = new MigrationHooks() {

			@Override
			public void beforeStartDdl(HookContext context) throws SQLException {
				calls.add("beforeStart " + context.migration() + " " + context.versionSchema());
				try (Statement statement = context.connection().createStatement()) {
					statement.execute("CREATE TABLE " + context.schema() + ".audit (event text)");
				}
			}

			@Override
			public void afterStartDdl(HookContext context) throws SQLException {
				calls.add("afterStart");
				try (Statement statement = context.connection().createStatement()) {
					// The new version schema exists by now, in the same transaction.
					statement.execute("INSERT INTO " + context.schema() + ".audit SELECT count(*)::text FROM "
							+ context.versionSchema() + ".notes");
				}
			}

			@Override
			public void beforeCompleteDdl(HookContext context) {
				calls.add("beforeComplete");
			}

			@Override
			public void afterCompleteDdl(HookContext context) {
				calls.add("afterComplete");
			}

		};
		MigrationLifecycle lifecycle = MigrationLifecycle.in(database).given(TABLE);
		lifecycle.prepare();
		Pgroll hooked = lifecycle.configure((builder) -> builder.hooks(hooks)).pgroll();
		hooked.start(MigrationLifecycle.yaml("01_title", ADD_COLUMN));
		hooked.complete();
		assertThat(calls).containsExactly("beforeStart 01_title " + lifecycle.schema() + "_01_title", "afterStart",
				"beforeComplete", "afterComplete");
		assertThat(database.queryForString("SELECT event FROM " + lifecycle.schema() + ".audit")).isEqualTo("0");
	}

	@Test
	void aFailingHookAbortsTheStepAndUndoesIt(TestDatabase database) {
		MigrationLifecycle lifecycle = MigrationLifecycle.in(database).given(TABLE);
		lifecycle.prepare();
		MigrationHooks failing = new MigrationHooks() {

			@Override
			public void afterStartDdl(HookContext context) throws SQLException {
				throw new SQLException("audit table is full", "P0001");
			}

			@Override
			public void afterCompleteDdl(HookContext context) {
				throw new IllegalStateException("not today");
			}

		};
		Pgroll pgroll = lifecycle.configure((builder) -> builder.hooks(failing)).pgroll();
		CatalogSnapshot before = database.catalogSnapshot();
		assertThatExceptionOfType(MigrationExecutionException.class)
			.isThrownBy(() -> pgroll.start(MigrationLifecycle.yaml("01_title", ADD_COLUMN)))
			.withMessageContaining("the after-start-DDL hook failed: audit table is full");
		assertThat(before.diff(database.catalogSnapshot())).isEmpty();

		Pgroll startsCleanly = lifecycle.configure((builder) -> {
		}).pgroll();
		startsCleanly.start(MigrationLifecycle.yaml("01_title", ADD_COLUMN));
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(pgroll::complete).withMessage("not today");
		assertThat(pgroll.status().activeMigration().name()).as("complete was undone").isEqualTo("01_title");
		startsCleanly.complete();
	}

	@Test
	void theTransformerRewritesEveryUserFragmentBeforeValidation(TestDatabase database) {
		List<String> seen = new ArrayList<>();
		SqlTransformer transformer = (fragment) -> {
			seen.add(fragment.operation() + " " + fragment.field() + " " + fragment.kind());
			return fragment.sql().replace("upper(", "lower(");
		};
		MigrationLifecycle lifecycle = MigrationLifecycle.in(database).given(TABLE);
		lifecycle.prepare();
		Pgroll pgroll = lifecycle.configure((builder) -> builder.sqlTransformer(transformer)).pgroll();
		database.execute("INSERT INTO " + lifecycle.schema() + ".notes VALUES (1, 'MiXeD')");
		pgroll.start(MigrationLifecycle.yaml("01_title", ADD_COLUMN));
		assertThat(seen).contains("add_column up UP");
		assertThat(database.queryForString("SELECT title FROM " + lifecycle.schema() + "_01_title.notes"))
			.isEqualTo("mixed");
		pgroll.rollback();
	}

	@Test
	void aRejectedFragmentFailsValidationNamingTheFieldAndChangesNothing(TestDatabase database) {
		MigrationLifecycle lifecycle = MigrationLifecycle.in(database).given(TABLE);
		lifecycle.prepare();
		Pgroll pgroll = lifecycle.configure((builder) -> builder.sqlTransformer((fragment) -> {
			if (fragment.sql().contains("upper")) {
				throw new IllegalArgumentException("upper() is not allowed here");
			}
			return fragment.sql();
		})).pgroll();
		CatalogSnapshot before = database.catalogSnapshot();
		assertThatExceptionOfType(MigrationValidationException.class)
			.isThrownBy(() -> pgroll.start(MigrationLifecycle.yaml("01_title", ADD_COLUMN)))
			.withMessageContaining("01_title.yaml: operations[0] (add_column), field up: rejected by the SQL "
					+ "transformer: upper() is not allowed here")
			.satisfies((ex) -> {
				assertThat(ex.operationIndex()).isZero();
				assertThat(ex.field()).isEqualTo("up");
			});
		assertThat(before.diff(database.catalogSnapshot())).isEmpty();
	}

}
