package dev.pgroll4j.core.operations;

import java.util.List;

import org.jspecify.annotations.Nullable;

/** An index operator class, optionally with parameters such as {@code siglen=32}. */
public record OperatorClass(@Nullable String name, @Nullable List<String> params) {
}
