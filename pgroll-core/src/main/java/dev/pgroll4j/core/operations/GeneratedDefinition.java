package dev.pgroll4j.core.operations;

import org.jspecify.annotations.Nullable;

import dev.pgroll4j.core.SqlFragment;

/** Either a stored generated expression or an identity specification, never both. */
public record GeneratedDefinition(@Nullable String expression, @Nullable IdentityDefinition identity) {

	GeneratedDefinition mapSql(SqlMapper mapper, String path) {
		return new GeneratedDefinition(mapper.map(path + ".expression", SqlFragment.Kind.GENERATED, this.expression),
				this.identity);
	}

}
