package dev.pgroll4j.core.operations;

import org.jspecify.annotations.Nullable;

import dev.pgroll4j.core.sql.Sql;
import dev.pgroll4j.core.schema.IndexSnapshot;
import dev.pgroll4j.core.schema.VirtualTable;

/** {@code drop_index}: the old version may still rely on the index, so it is dropped only at complete. */
public record DropIndex(@Nullable String name) implements Operation {

	@Override
	public DropIndex mapSql(SqlMapper mapper) {
		return this;
	}

	@Override
	public void validate(ValidationContext context) {
		context.checkName("name", context.required("name", this.name));
		VirtualTable table = context.schema()
			.tableWithIndex(this.name)
			.orElseThrow(() -> context.invalid("name", "index \"" + this.name + "\" does not exist in schema \""
					+ context.schema().name() + "\""));
		IndexSnapshot index = table.index(this.name).orElseThrow();
		if (index.constraint() != null) {
			throw context.invalid("name", "index \"" + this.name + "\" implements constraint \"" + index.constraint()
					+ "\" of table \"" + table.name() + "\"; drop the constraint instead");
		}
		table.removeIndex(this.name);
	}

	@Override
	public void start(StartContext context) {
		// The old version keeps the index until complete.
	}

	@Override
	public void complete(CompleteContext context) {
		context.execute("DROP INDEX IF EXISTS " + Sql.qualified(context.schemaName(), this.name));
	}

	@Override
	public void rollback(RollbackContext context) {
		// Nothing was dropped.
	}

}
