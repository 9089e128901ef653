/**
 * One record per pgroll operation, each with its validate, start, complete and rollback phases side by side, and
 * the narrow phase contexts they run against; {@link dev.pgroll4j.core.operations.OperationKind} registers them.
 * The records are API (they are what a file says, so their fields may be null until validation); the phase
 * contexts are implemented by the engine. Operations build SQL with {@code core.sql} and never reach into
 * {@code core.internal}.
 */
@NullMarked
package dev.pgroll4j.core.operations;

import org.jspecify.annotations.NullMarked;
