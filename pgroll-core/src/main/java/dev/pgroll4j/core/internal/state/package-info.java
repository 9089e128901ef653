/**
 * The migration history in the state schema ({@link dev.pgroll4j.core.internal.state.StateStore}), its rows
 * with their documents read on demand, and the migration files that vouch for what the history holds.
 *
 * <p>Internal to pgroll4j, not API: it may change in any release without notice. Use {@link dev.pgroll4j.core.Pgroll}.
 */
@NullMarked
package dev.pgroll4j.core.internal.state;

import org.jspecify.annotations.NullMarked;
