/**
 * The verbs of the engine, one class each ({@code Validate}, {@code Start}, {@code Complete}, {@code Rollback} with
 * repair, {@code Migrate}, {@code StatusReport}), the {@code Planner} they share, and the phase contexts through
 * which operations act: {@code ValidationPhase}, {@code StartPhase}, {@code CompletePhase}, {@code RollbackPhase}.
 * {@link dev.pgroll4j.core.internal.engine.MigrationEngine} builds them, and is all the facade calls.
 *
 * <p>Internal to pgroll4j, not API: it may change in any release without notice. Use {@link dev.pgroll4j.core.Pgroll}.
 */
@NullMarked
package dev.pgroll4j.core.internal.engine;

import org.jspecify.annotations.NullMarked;
