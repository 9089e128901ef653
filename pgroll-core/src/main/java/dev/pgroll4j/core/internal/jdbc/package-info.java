/**
 * The connection a migration runs on ({@link dev.pgroll4j.core.internal.jdbc.Session}: settings, advisory locks),
 * transactions retried on lock timeouts ({@link dev.pgroll4j.core.internal.jdbc.RetryingTransactions}), and the
 * containment that user SQL runs in ({@link dev.pgroll4j.core.internal.jdbc.ContainedSql}).
 *
 * <p>Internal to pgroll4j, not API: it may change in any release without notice. Use {@link dev.pgroll4j.core.Pgroll}.
 */
@NullMarked
package dev.pgroll4j.core.internal.jdbc;

import org.jspecify.annotations.NullMarked;
