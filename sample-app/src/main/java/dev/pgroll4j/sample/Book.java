package dev.pgroll4j.sample;

/**
 * A book as the API shows it. {@code status} exists from release 2 on; release 1 leaves it {@code null}.
 */
public record Book(Long id, String title, String author, String status) {
}
