package dev.pgroll4j.core.operations;

import java.util.List;

/** An index operator class, optionally with parameters such as {@code siglen=32}. */
public record OperatorClass(String name, List<String> params) {
}
