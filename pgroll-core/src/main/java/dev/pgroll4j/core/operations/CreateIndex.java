package dev.pgroll4j.core.operations;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import com.fasterxml.jackson.annotation.JsonProperty;

import dev.pgroll4j.core.SqlFragment;
import dev.pgroll4j.core.sql.Sql;
import dev.pgroll4j.core.sql.SqlText;
import dev.pgroll4j.core.schema.IndexSnapshot;
import dev.pgroll4j.core.schema.VirtualTable;

/**
 * {@code create_index}: built CONCURRENTLY on existing tables, so reads and writes go on while it builds; a
 * failed build leaves no invalid index behind.
 */
public record CreateIndex(@Nullable String table, @Nullable String name, @Nullable List<IndexColumn> columns,
		@Nullable String method, @Nullable Boolean unique, @Nullable String predicate,
		@JsonProperty("storage_parameters") @Nullable String storageParameters) implements Operation {

	@Override
	public CreateIndex mapSql(SqlMapper mapper) {
		List<IndexColumn> mapped = null;
		if (this.columns != null) {
			mapped = new ArrayList<>();
			for (int i = 0; i < this.columns.size(); i++) {
				IndexColumn column = this.columns.get(i);
				if (column != null && column.opclass() != null && column.opclass().params() != null) {
					List<String> params = new ArrayList<>();
					for (int j = 0; j < column.opclass().params().size(); j++) {
						params.add(mapper.map("columns[" + i + "].opclass.params[" + j + "]",
								SqlFragment.Kind.OPCLASS_PARAMETER, column.opclass().params().get(j)));
					}
					column = new IndexColumn(column.column(), column.collate(), column.sort(), column.nulls(),
							new OperatorClass(column.opclass().name(), params));
				}
				mapped.add(column);
			}
		}
		return new CreateIndex(this.table, this.name, mapped, this.method, this.unique,
				mapper.map("predicate", SqlFragment.Kind.PREDICATE, this.predicate),
				mapper.map("storage_parameters", SqlFragment.Kind.STORAGE_PARAMETERS, this.storageParameters));
	}

	private boolean isUnique() {
		return Boolean.TRUE.equals(this.unique);
	}

	@Override
	public void validate(ValidationContext context) {
		context.checkNewName("name", this.name);
		if (context.schema().isOccupied(this.name)) {
			throw context.invalid("name", "a relation named \"" + this.name + "\" already exists in schema \""
					+ context.schema().name() + "\"");
		}
		VirtualTable target = context.existingTable("table", this.table);
		Clauses.requireConcurrentIndexes(context, "table", target, "create_index");
		if (this.columns == null || this.columns.isEmpty()) {
			throw context.invalid("columns", "an index needs at least one column");
		}
		List<String> physical = new ArrayList<>();
		for (int i = 0; i < this.columns.size(); i++) {
			String path = "columns[" + i + "]";
			IndexColumn column = context.required(path, this.columns.get(i));
			physical.add(context.existingColumn(path + ".column", target, column.column()).physicalName());
			if (column.collate() != null && !column.collate().isEmpty()) {
				context.checkName(path + ".collate", column.collate());
			}
			Clauses.option(context, path + ".sort", column.sort(), Set.of("ASC", "DESC"), "");
			Clauses.option(context, path + ".nulls", column.nulls(), Set.of("FIRST", "LAST"), "");
			if (column.opclass() != null) {
				context.checkName(path + ".opclass.name", column.opclass().name());
			}
		}
		Clauses.option(context, "method", this.method, Clauses.INDEX_METHODS, "BTREE");
		if (this.predicate != null && !this.predicate.isBlank()) {
			context.checkPredicate("predicate", this.predicate, ValidationContext.columnTypes(target));
		}
		target.addCreatedIndex(new IndexSnapshot(this.name, isUnique(), false, true, physical, this.predicate,
				methodName(), null, null, null));
		context.schema().occupy(this.name);
	}

	private String methodName() {
		return (this.method == null || this.method.isBlank()) ? "btree" : this.method.strip().toLowerCase(Locale.ROOT);
	}

	@Override
	public void start(StartContext context) {
		VirtualTable target = context.tableBefore(this.table);
		List<String> keys = new ArrayList<>();
		for (IndexColumn column : this.columns) {
			StringBuilder key = new StringBuilder(Sql.ident(target.column(column.column()).orElseThrow().physicalName()));
			if (column.collate() != null && !column.collate().isEmpty()) {
				key.append(" COLLATE ").append(Sql.ident(column.collate()));
			}
			if (column.opclass() != null) {
				key.append(' ').append(Sql.ident(column.opclass().name()));
				if (column.opclass().params() != null && !column.opclass().params().isEmpty()) {
					key.append(" (").append(String.join(", ", column.opclass().params())).append(')');
				}
			}
			if (column.sort() != null && !column.sort().isEmpty()) {
				key.append(' ').append(Clauses.optionOrDefault(column.sort(), ""));
			}
			if (column.nulls() != null && !column.nulls().isEmpty()) {
				key.append(" NULLS ").append(Clauses.optionOrDefault(column.nulls(), ""));
			}
			keys.add(key.toString());
		}
		StringBuilder body = new StringBuilder(Sql.ident(this.name)).append(" ON ")
			.append(context.qualified(target.physicalName()))
			.append(" USING ")
			.append(methodName())
			.append(" (")
			.append(String.join(", ", keys))
			.append(')');
		if (this.storageParameters != null && !this.storageParameters.isBlank()) {
			body.append(" WITH (").append(this.storageParameters).append(')');
		}
		if (this.predicate != null && !this.predicate.isBlank()) {
			body.append(" WHERE (").append(SqlText.renameColumns(this.predicate, target.physicalNamesByColumn()))
				.append(')');
		}
		String create = isUnique() ? "CREATE UNIQUE INDEX " : "CREATE INDEX ";
		if (target.createdInMigration()) {
			context.execute(create + body);
		}
		else {
			context.executeConcurrently(create + "CONCURRENTLY " + body,
					"DROP INDEX CONCURRENTLY IF EXISTS " + Sql.qualified(context.schemaName(), this.name));
		}
	}

	@Override
	public void complete(CompleteContext context) {
		// The index is complete once built.
	}

	@Override
	public void rollback(RollbackContext context) {
		context.execute("DROP INDEX IF EXISTS " + Sql.qualified(context.schemaName(), this.name));
	}

}
