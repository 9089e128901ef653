package dev.pgroll4j.sample;

import java.util.List;
import java.util.Optional;

import org.springframework.context.annotation.Profile;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Release 1: books have an {@code author}. */
@Repository
@Profile("v1")
class ReleaseOneBookRepository implements BookRepository {

	private final JdbcClient jdbc;

	ReleaseOneBookRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	@Override
	public List<Book> findAll() {
		return this.jdbc.sql("SELECT id, title, author FROM books ORDER BY id").query(this::book).list();
	}

	@Override
	public Optional<Book> findById(long id) {
		return this.jdbc.sql("SELECT id, title, author FROM books WHERE id = ?").param(id).query(this::book).optional();
	}

	@Override
	public Book add(Book book) {
		return this.jdbc.sql("INSERT INTO books (title, author) VALUES (?, ?) RETURNING id, title, author")
			.params(book.title(), book.author())
			.query(this::book)
			.single();
	}

	@Override
	public Optional<Book> update(long id, Book book) {
		return this.jdbc.sql("UPDATE books SET title = ?, author = ? WHERE id = ? RETURNING id, title, author")
			.params(book.title(), book.author(), id)
			.query(this::book)
			.optional();
	}

	private Book book(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
		return new Book(rs.getLong("id"), rs.getString("title"), rs.getString("author"), null);
	}

}
