/**
 * pgroll's Micrometer meters ({@link PgrollMetrics}): migration timings, backfill progress and whether a
 * migration is active. API: the meter binder and the names and tags of its meters.
 */
@NullMarked
package dev.pgroll4j.spring.metrics;

import org.jspecify.annotations.NullMarked;
