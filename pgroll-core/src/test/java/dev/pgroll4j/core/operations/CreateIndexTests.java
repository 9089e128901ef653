package dev.pgroll4j.core.operations;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.pgroll4j.core.MigrationExecutionException;
import dev.pgroll4j.core.MigrationHooks;
import dev.pgroll4j.core.MigrationValidationException;
import dev.pgroll4j.core.Pgroll;
import dev.pgroll4j.core.testing.MigrationLifecycle;
import dev.pgroll4j.core.testing.SchemaVersion;
import dev.pgroll4j.test.CatalogSnapshot;
import dev.pgroll4j.test.PostgresTest;
import dev.pgroll4j.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

@PostgresTest
@Tag("operations")
class CreateIndexTests {

	/** One column per index method under test; raw SQL because tsvector and jsonb need no operation features. */
	private static final String ITEMS = "CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, "
			+ "category text, price numeric, active boolean NOT NULL DEFAULT true, tags integer[], attrs jsonb, "
			+ "created_at timestamptz NOT NULL DEFAULT now(), doc tsvector)";

	private static final String SOME_ITEMS = "INSERT INTO items (id, name, category, price, tags, attrs, doc) "
			+ "SELECT g, 'item ' || g, 'cat ' || (g % 3), g * 1.5, ARRAY[g, g + 1], jsonb_build_object('n', g), "
			+ "to_tsvector('simple', 'word' || g) FROM generate_series(1, 20) g";

	@Test
	void indexOnAnExistingTableIsBuiltConcurrentlyAfterTheStartTransactionAndIsValid(TestDatabase database) {
		List<String> startTransactions = new ArrayList<>();
		List<String> indexCreatedBy = new ArrayList<>();
		MigrationLifecycle.in(database)
			.configure((builder) -> builder.hooks(new MigrationHooks() {
				@Override
				public void beforeStartDdl(HookContext context) throws SQLException {
					if (context.migration().equals("500_under_test")) {
						startTransactions.add(query(context, "SELECT (txid_current() % 4294967296)::text"));
					}
				}
			}))
			.givenRows(ITEMS, SOME_ITEMS)
			.migration("""
					operations:
					  - create_index:
					      table: items
					      name: items_name_idx
					      columns:
					        - column: name
					""")
			.afterStart((v) -> {
				assertThat(index(v.physical(), "items_name_idx")).isEqualTo("valid ready btree (name)");
				indexCreatedBy.add((String) v.physical().value("SELECT xmin::text FROM pg_class WHERE oid = "
						+ "'items_name_idx'::regclass"));
				// Both versions read the same physical table, so both can use the index.
				assertThat(v.previous().value("SELECT id FROM items WHERE name = 'item 7'")).isEqualTo(7);
				assertThat(v.next().value("SELECT id FROM items WHERE name = 'item 7'")).isEqualTo(7);
			})
			.afterComplete((v) -> assertThat(index(v.physical(), "items_name_idx")).isEqualTo("valid ready btree (name)"))
			.run();
		// A build inside the start transaction would take a SHARE lock and block writers for the whole build; the
		// index's catalog row is written by a transaction of its own.
		assertThat(startTransactions).hasSize(2);
		assertThat(indexCreatedBy).singleElement().isNotEqualTo(startTransactions.get(0));
	}

	@Test
	void uniqueIndexRejectsDuplicatesWrittenThroughEitherVersion(TestDatabase database) {
		MigrationLifecycle.in(database)
			.givenRows(ITEMS, SOME_ITEMS)
			.migration("""
					operations:
					  - create_index:
					      table: items
					      name: items_name_key
					      unique: true
					      columns:
					        - column: name
					""")
			.afterStart((v) -> {
				assertThat(index(v.physical(), "items_name_key")).isEqualTo("valid ready unique btree (name)");
				v.previous().assertFails("23505", "INSERT INTO items (id, name) VALUES (100, 'item 1')");
				v.next().assertFails("23505", "INSERT INTO items (id, name) VALUES (101, 'item 2')");
			})
			.afterRollback((v) -> {
				v.previous().execute("INSERT INTO items (id, name) VALUES (100, 'item 1')");
				v.previous().execute("DELETE FROM items WHERE id = 100");
			})
			.afterComplete((v) -> v.next().assertFails("23505", "INSERT INTO items (id, name) VALUES (102, 'item 3')"))
			.run();
	}

	@Test
	void partialUniqueIndexOnlyConstrainsRowsThatMatchItsPredicate(TestDatabase database) {
		MigrationLifecycle.in(database)
			.givenRows(ITEMS, SOME_ITEMS)
			.migration("""
					operations:
					  - create_index:
					      table: items
					      name: items_active_name_key
					      unique: true
					      predicate: active AND price > 10
					      columns:
					        - column: name
					""")
			.afterStart((v) -> {
				assertThat(index(v.physical(), "items_active_name_key"))
					.isEqualTo("valid ready unique btree (name) WHERE (active AND (price > (10)::numeric))");
				v.next().execute("INSERT INTO items (id, name, active, price) VALUES (100, 'item 20', false, 99)");
				v.next().execute("INSERT INTO items (id, name, active, price) VALUES (101, 'item 20', true, 1)");
				v.next().assertFails("23505", "INSERT INTO items (id, name, price) VALUES (102, 'item 20', 50)");
			})
			.afterComplete((v) -> assertThat(index(v.physical(), "items_active_name_key"))
				.isEqualTo("valid ready unique btree (name) WHERE (active AND (price > (10)::numeric))"))
			.run();
	}

	@Test
	void everyIndexMethodIsHonoured(TestDatabase database) {
		MigrationLifecycle.in(database)
			.givenRows(ITEMS, SOME_ITEMS)
			.migration("""
					operations:
					  - create_index: {table: items, name: items_name_hash, method: hash, columns: [{column: name}]}
					  - create_index: {table: items, name: items_tags_gin, method: gin, columns: [{column: tags}]}
					  - create_index:
					      table: items
					      name: items_attrs_gin
					      method: GIN
					      columns: [{column: attrs, opclass: {name: jsonb_path_ops}}]
					  - create_index: {table: items, name: items_created_brin, method: brin, columns: [{column: created_at}]}
					  - create_index: {table: items, name: items_doc_gist, method: gist, columns: [{column: doc}]}
					  - create_index: {table: items, name: items_name_spgist, method: spgist, columns: [{column: name}]}
					""")
			.afterStart((v) -> {
				assertThat(index(v.physical(), "items_name_hash")).isEqualTo("valid ready hash (name)");
				assertThat(index(v.physical(), "items_tags_gin")).isEqualTo("valid ready gin (tags)");
				assertThat(index(v.physical(), "items_attrs_gin")).isEqualTo("valid ready gin (attrs jsonb_path_ops)");
				assertThat(index(v.physical(), "items_created_brin")).isEqualTo("valid ready brin (created_at)");
				assertThat(index(v.physical(), "items_doc_gist")).isEqualTo("valid ready gist (doc)");
				assertThat(index(v.physical(), "items_name_spgist")).isEqualTo("valid ready spgist (name)");
				assertThat(v.next().value("SELECT count(*) FROM items WHERE tags @> ARRAY[5]")).isEqualTo(2L);
			})
			.afterComplete((v) -> assertThat(v.physical()
				.query("SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
						+ "WHERE i.indrelid = 'items'::regclass AND i.indisvalid ORDER BY 1"))
				.extracting((row) -> row.get("relname"))
				.containsExactly("items_attrs_gin", "items_created_brin", "items_doc_gist", "items_name_hash",
						"items_name_spgist", "items_pkey", "items_tags_gin"))
			.run();
	}

	@Test
	void storageParametersAreSetOnTheIndex(TestDatabase database) {
		MigrationLifecycle.in(database)
			.givenRows(ITEMS, SOME_ITEMS)
			.migration("""
					operations:
					  - create_index:
					      table: items
					      name: items_name_hash
					      method: hash
					      storage_parameters: fillfactor = 70
					      columns: [{column: name}]
					  - create_index:
					      table: items
					      name: items_created_brin
					      method: brin
					      storage_parameters: pages_per_range = 16, autosummarize = on
					      columns: [{column: created_at}]
					""")
			.afterStart((v) -> {
				assertThat(options(v.physical(), "items_name_hash")).isEqualTo("fillfactor=70");
				assertThat(options(v.physical(), "items_created_brin")).isEqualTo("pages_per_range=16,autosummarize=on");
			})
			.afterComplete((v) -> assertThat(options(v.physical(), "items_name_hash")).isEqualTo("fillfactor=70"))
			.run();
	}

	@Test
	void collationOperatorClassSortOrderAndNullsArePerColumnAndColumnOrderIsKept(TestDatabase database) {
		String expected = "valid ready btree (category COLLATE \"C\" DESC NULLS LAST, name text_pattern_ops, "
				+ "price NULLS FIRST, id)";
		MigrationLifecycle.in(database)
			.givenRows(ITEMS, SOME_ITEMS)
			.migration("""
					operations:
					  - create_index:
					      table: items
					      name: items_mixed_idx
					      columns:
					        - {column: category, collate: C, sort: desc, nulls: last}
					        - {column: name, opclass: {name: text_pattern_ops}}
					        - {column: price, sort: ASC, nulls: FIRST}
					        - {column: id}
					""")
			.afterStart((v) -> assertThat(index(v.physical(), "items_mixed_idx")).isEqualTo(expected))
			.afterComplete((v) -> assertThat(index(v.physical(), "items_mixed_idx")).isEqualTo(expected))
			.run();
	}

	@Test
	void operatorClassParametersArePassedToTheOperatorClass(TestDatabase database) {
		// Operator class parameters exist from PostgreSQL 13; gist's tsvector_ops takes a signature length.
		MigrationLifecycle.in(database)
			.givenRows(ITEMS, SOME_ITEMS)
			.migration("""
					operations:
					  - create_index:
					      table: items
					      name: items_doc_gist
					      method: gist
					      columns:
					        - column: doc
					          opclass: {name: tsvector_ops, params: ["siglen = 100"]}
					""")
			.afterStart((v) -> {
				assertThat(index(v.physical(), "items_doc_gist"))
					.isEqualTo("valid ready gist (doc tsvector_ops (siglen='100'))");
				assertThat(v.next().value("SELECT id FROM items WHERE doc @@ 'word3'::tsquery")).isEqualTo(3);
			})
			.afterComplete((v) -> assertThat(index(v.physical(), "items_doc_gist"))
				.isEqualTo("valid ready gist (doc tsvector_ops (siglen='100'))"))
			.run();
	}

	@Test
	void indexOnATableCreatedInTheSameMigrationExistsForTheNewVersion(TestDatabase database) {
		MigrationLifecycle.in(database)
			.givenRows(ITEMS)
			.migration("""
					operations:
					  - create_table:
					      name: tags
					      columns:
					        - {name: id, type: integer, pk: true}
					        - {name: label, type: text}
					  - create_index:
					      table: tags
					      name: tags_label_key
					      unique: true
					      columns: [{column: label}]
					""")
			.afterStart((v) -> {
				assertThat(index(v.physical(), "tags_label_key")).isEqualTo("valid ready unique btree (label)");
				v.next().execute("INSERT INTO tags VALUES (1, 'red')");
				v.next().assertFails("23505", "INSERT INTO tags VALUES (2, 'red')");
				v.previous().assertFails("42P01", "SELECT * FROM tags");
			})
			.afterComplete((v) -> assertThat(index(v.physical(), "tags_label_key"))
				.isEqualTo("valid ready unique btree (label)"))
			.run();
	}

	@Test
	void indexOnAColumnRenamedEarlierInTheMigrationIsBuiltOnThePhysicalColumn(TestDatabase database) {
		MigrationLifecycle.in(database)
			.givenRows(ITEMS, SOME_ITEMS)
			.migration("""
					operations:
					  - rename_column: {table: items, from: name, to: title}
					  - create_index:
					      table: items
					      name: items_title_idx
					      predicate: title <> 'title'
					      columns: [{column: title, sort: DESC}]
					""")
			.afterStart((v) -> {
				// Until complete the column is still physically called name; the string literal is no column.
				assertThat(index(v.physical(), "items_title_idx"))
					.isEqualTo("valid ready btree (name DESC) WHERE (name <> 'title'::text)");
				assertThat(v.next().value("SELECT id FROM items WHERE title = 'item 4'")).isEqualTo(4);
			})
			.afterComplete((v) -> assertThat(index(v.physical(), "items_title_idx"))
				.isEqualTo("valid ready btree (title DESC) WHERE (title <> 'title'::text)"))
			.run();
	}

	@Test
	void indexOnATableRenamedEarlierInTheMigrationIsBuiltOnThePhysicalTable(TestDatabase database) {
		MigrationLifecycle.in(database)
			.givenRows(ITEMS, SOME_ITEMS)
			.migration("""
					operations:
					  - rename_table: {from: items, to: products}
					  - create_index: {table: products, name: products_category_idx, columns: [{column: category}]}
					""")
			.afterStart((v) -> {
				assertThat(v.physical().value("SELECT indrelid::regclass::text FROM pg_index "
						+ "WHERE indexrelid = 'products_category_idx'::regclass")).isEqualTo("items");
				assertThat(v.next().value("SELECT count(*) FROM products WHERE category = 'cat 1'")).isEqualTo(7L);
			})
			.afterComplete((v) -> assertThat(v.physical().value("SELECT indrelid::regclass::text FROM pg_index "
					+ "WHERE indexrelid = 'products_category_idx'::regclass")).isEqualTo("products"))
			.run();
	}

	@Test
	void failedConcurrentBuildLeavesNoInvalidIndexAndTheCatalogAsItWas(TestDatabase database) {
		MigrationLifecycle lifecycle = MigrationLifecycle.in(database)
			.givenRows(ITEMS, SOME_ITEMS, "INSERT INTO items (id, name) VALUES (21, 'item 1')");
		Pgroll pgroll = lifecycle.prepare();
		String migration = """
				operations:
				  - create_table:
				      name: other
				      columns: [{name: id, type: integer, pk: true}]
				  - create_index: {table: items, name: items_category_idx, columns: [{column: category}]}
				  - create_index:
				      table: items
				      name: items_name_key
				      unique: true
				      columns: [{column: name}]
				""";
		CatalogSnapshot before = database.catalogSnapshot();

		Throwable failure = catchThrowable(() -> pgroll.start(MigrationLifecycle.yaml("500_unique_names", migration)));

		assertThat(failure).isInstanceOf(MigrationExecutionException.class);
		assertThat(database.queryForLong("SELECT count(*) FROM pg_index WHERE NOT indisvalid OR NOT indisready"))
			.isZero();
		assertThat(before.diff(database.catalogSnapshot())).as("catalog changes left by the failed start").isEmpty();
		assertThat(pgroll.status().activeMigration()).isNull();

		// Nothing is left behind that would stop the same migration once the data allows it.
		database.execute("DELETE FROM " + lifecycle.schema() + ".items WHERE id = 21");
		pgroll.start(MigrationLifecycle.yaml("500_unique_names", migration));
		pgroll.complete();
		assertThat(database.queryForString("SELECT pg_get_indexdef('" + lifecycle.schema() + ".items_name_key'::regclass)"))
			.endsWith("USING btree (name)");

		// The error points at the file, the operation, the index and the offending value.
		assertThat(failure).hasMessageContaining("500_unique_names.yaml")
			.hasMessageContaining("operations[2] (create_index)")
			.hasMessageContaining("items_name_key")
			.hasMessageContaining("item 1");
		assertThat(((MigrationExecutionException) failure).statement()).startsWith("CREATE UNIQUE INDEX CONCURRENTLY");
	}

	@Test
	void indexNameTakenByAnotherRelationIsRejectedBeforeAnyDdl(TestDatabase database) {
		Pgroll pgroll = MigrationLifecycle.in(database).givenRows(ITEMS, "CREATE TABLE taken (id integer)").prepare();
		CatalogSnapshot before = database.catalogSnapshot();

		assertThatThrownBy(() -> pgroll.start(MigrationLifecycle.yaml("500_clash", """
				operations:
				  - create_index: {table: items, name: taken, columns: [{column: name}]}
				""")))
			.isInstanceOf(MigrationValidationException.class)
			.hasMessageContaining("500_clash.yaml: operations[0] (create_index), field name")
			.hasMessageContaining("\"taken\" already exists");
		assertThatThrownBy(() -> pgroll.start(MigrationLifecycle.yaml("500_no_column", """
				operations:
				  - create_index: {table: items, name: items_nope_idx, columns: [{column: nope}]}
				""")))
			.isInstanceOf(MigrationValidationException.class)
			.hasMessageContaining("500_no_column.yaml: operations[0] (create_index), field columns[0].column")
			.hasMessageContaining("nope");
		assertThat(before.diff(database.catalogSnapshot())).isEmpty();
	}

	/** "valid ready [unique] method (keys) [WHERE ...]" of an index in the version's schema. */
	private static String index(SchemaVersion version, String name) {
		return (String) version.value("""
				SELECT concat_ws(' ', CASE WHEN i.indisvalid THEN 'valid' ELSE 'invalid' END,
				    CASE WHEN i.indisready THEN 'ready' ELSE 'not-ready' END,
				    CASE WHEN i.indisunique THEN 'unique' END,
				    substring(pg_get_indexdef(i.indexrelid) FROM ' USING (.*)$'))
				FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
				WHERE c.relname = ? AND c.relnamespace = current_schema()::regnamespace
				""", name);
	}

	private static String options(SchemaVersion version, String name) {
		return (String) version.value("SELECT array_to_string(reloptions, ',') FROM pg_class "
				+ "WHERE relname = ? AND relnamespace = current_schema()::regnamespace", name);
	}

	private static String query(MigrationHooks.HookContext context, String sql) throws SQLException {
		try (PreparedStatement statement = context.connection().prepareStatement(sql);
				ResultSet rs = statement.executeQuery()) {
			rs.next();
			return rs.getString(1);
		}
	}

}
