/**
 * The engine behind {@link dev.pgroll4j.core.Pgroll}: the verbs ({@code engine}), the connection and its
 * transactions ({@code jdbc}), the migration history ({@code state}), questions to the catalog ({@code catalog}) and
 * what keeps two versions of a schema working side by side ({@code sync}).
 *
 * <p>Internal to pgroll4j, not API: it may change in any release without notice. Use {@link dev.pgroll4j.core.Pgroll}.
 */
@NullMarked
package dev.pgroll4j.core.internal;

import org.jspecify.annotations.NullMarked;
