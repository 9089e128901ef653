package dev.pgroll4j.core.operations;

import org.jspecify.annotations.Nullable;

import dev.pgroll4j.core.SqlFragment;

/** {@code EXCLUDE USING index_method (elements) WHERE (predicate)}. */
public record ExcludeDefinition(@Nullable String indexMethod, @Nullable String elements, @Nullable String predicate) {

	ExcludeDefinition mapSql(SqlMapper mapper, String path) {
		return new ExcludeDefinition(this.indexMethod,
				mapper.map(path + ".elements", SqlFragment.Kind.EXCLUDE_ELEMENTS, this.elements),
				mapper.map(path + ".predicate", SqlFragment.Kind.PREDICATE, this.predicate));
	}

}
