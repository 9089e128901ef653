/**
 * The {@code pgroll} actuator endpoint ({@link PgrollEndpoint}: status, complete, rollback, repair) and its web
 * extension, which answers refused actions with HTTP status codes. API, like Boot's endpoints: the operations and
 * what they return.
 */
@NullMarked
package dev.pgroll4j.spring.actuate;

import org.jspecify.annotations.NullMarked;
