package dev.pgroll4j.core.operations;

import org.jspecify.annotations.Nullable;

import dev.pgroll4j.core.SqlFragment;
import java.util.List;

/** A table-level constraint in {@code create_table.constraints[]}. */
public record ConstraintDefinition(@Nullable String name, @Nullable String type, @Nullable List<String> columns,
		@Nullable String check, @Nullable Boolean deferrable, @Nullable Boolean initiallyDeferred,
		@Nullable Boolean nullsNotDistinct, @Nullable Boolean noInherit, @Nullable TableForeignKeyReference references,
		@Nullable ExcludeDefinition exclude, @Nullable IndexParameters indexParameters) {

	public boolean isDeferrable() {
		return Boolean.TRUE.equals(this.deferrable);
	}

	public boolean isInitiallyDeferred() {
		return Boolean.TRUE.equals(this.initiallyDeferred);
	}

	public boolean isNullsNotDistinct() {
		return Boolean.TRUE.equals(this.nullsNotDistinct);
	}

	public boolean isNoInherit() {
		return Boolean.TRUE.equals(this.noInherit);
	}

	ConstraintDefinition mapSql(SqlMapper mapper, String path) {
		return new ConstraintDefinition(this.name, this.type, this.columns,
				mapper.map(path + ".check", SqlFragment.Kind.CHECK, this.check), this.deferrable,
				this.initiallyDeferred, this.nullsNotDistinct, this.noInherit, this.references,
				(this.exclude != null) ? this.exclude.mapSql(mapper, path + ".exclude") : null, this.indexParameters);
	}

}
