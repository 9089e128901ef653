package dev.pgroll4j.core.operations;

import org.jspecify.annotations.Nullable;

import dev.pgroll4j.core.SqlFragment;

/** A named CHECK constraint on a column. */
public record CheckDefinition(@Nullable String name, @Nullable String constraint, @Nullable Boolean noInherit) {

	public boolean isNoInherit() {
		return Boolean.TRUE.equals(this.noInherit);
	}

	CheckDefinition mapSql(SqlMapper mapper, String path) {
		return new CheckDefinition(this.name, mapper.map(path + ".constraint", SqlFragment.Kind.CHECK, this.constraint),
				this.noInherit);
	}

}
