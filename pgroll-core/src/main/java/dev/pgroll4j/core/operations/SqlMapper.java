package dev.pgroll4j.core.operations;

import dev.pgroll4j.core.SqlFragment;

/**
 * Passes every user-written SQL fragment of an operation through one function: the configured transformer and
 * the checks that a fragment is a single expression. {@code path} names the field, such as
 * {@code column.default}.
 */
@FunctionalInterface
public interface SqlMapper {

	/** Returns the fragment to use instead of {@code sql}; {@code null} stays {@code null}. */
	String map(String path, SqlFragment.Kind kind, String sql);

}
