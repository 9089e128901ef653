/**
 * The {@code pgroll} health indicator: UP while this application's version schema exists. API, like Boot's health
 * indicators.
 */
@NullMarked
package dev.pgroll4j.spring.health;

import org.jspecify.annotations.NullMarked;
