/**
 * pgroll in Spring Boot's test slices ({@code @JdbcTest}, {@code @DataJpaTest}) against a real database.
 */
@NullMarked
package dev.pgroll4j.spring.slices;

import org.jspecify.annotations.NullMarked;
