package dev.pgroll4j.core.operations;

import org.jspecify.annotations.Nullable;

/** {@code GENERATED ALWAYS|BY DEFAULT AS IDENTITY (sequence options)}; ALWAYS when not given. */
public record IdentityDefinition(@Nullable String userSpecifiedValues, @Nullable String sequenceOptions) {
}
