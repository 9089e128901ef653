package dev.pgroll4j.core.operations;

import java.util.List;

/** Index options of a unique, primary key or exclusion constraint. */
public record IndexParameters(String tablespace, String storageParameters, List<String> includeColumns) {
}
