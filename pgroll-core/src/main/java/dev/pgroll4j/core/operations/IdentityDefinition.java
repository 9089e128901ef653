package dev.pgroll4j.core.operations;

/** {@code GENERATED ALWAYS|BY DEFAULT AS IDENTITY (sequence options)}; ALWAYS when not given. */
public record IdentityDefinition(String userSpecifiedValues, String sequenceOptions) {
}
