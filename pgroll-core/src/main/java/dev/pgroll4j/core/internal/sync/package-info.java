/**
 * What keeps both versions of a schema working while a migration is active: the version schemas' views, the
 * sync triggers and the batched backfill.
 *
 * <p>Internal to pgroll4j, not API: it may change in any release without notice. Use {@link dev.pgroll4j.core.Pgroll}.
 */
@NullMarked
package dev.pgroll4j.core.internal.sync;

import org.jspecify.annotations.NullMarked;
