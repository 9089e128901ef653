/**
 * The API: {@link dev.pgroll4j.core.Pgroll} (configure, then validate, start, complete, rollback, repair, migrate,
 * status), its configuration, results, listeners, hooks and exceptions, and
 * {@link dev.pgroll4j.core.VersionSelection}, how a client selects a version schema.
 */
@NullMarked
package dev.pgroll4j.core;

import org.jspecify.annotations.NullMarked;
