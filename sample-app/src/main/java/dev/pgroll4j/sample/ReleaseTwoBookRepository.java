package dev.pgroll4j.sample;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

import org.springframework.context.annotation.Profile;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Release 2: the column is {@code author_name}, and books have a {@code status}. */
@Repository
@Profile("!v1")
class ReleaseTwoBookRepository implements BookRepository {

	private static final String COLUMNS = "id, title, author_name, status";

	private final JdbcClient jdbc;

	ReleaseTwoBookRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	@Override
	public List<Book> findAll() {
		return this.jdbc.sql("SELECT " + COLUMNS + " FROM books ORDER BY id").query(this::book).list();
	}

	@Override
	public Optional<Book> findById(long id) {
		return this.jdbc.sql("SELECT " + COLUMNS + " FROM books WHERE id = ?").param(id).query(this::book).optional();
	}

	@Override
	public Book add(Book book) {
		String status = (book.status() != null) ? book.status() : "available";
		return this.jdbc
			.sql("INSERT INTO books (title, author_name, status) VALUES (?, ?, ?) RETURNING " + COLUMNS)
			.params(book.title(), book.author(), status)
			.query(this::book)
			.single();
	}

	@Override
	public Optional<Book> update(long id, Book book) {
		return this.jdbc
			.sql("UPDATE books SET title = ?, author_name = ?, status = coalesce(?, status) WHERE id = ? RETURNING "
					+ COLUMNS)
			.params(book.title(), book.author(), book.status(), id)
			.query(this::book)
			.optional();
	}

	private Book book(ResultSet rs, int row) throws SQLException {
		return new Book(rs.getLong("id"), rs.getString("title"), rs.getString("author_name"), rs.getString("status"));
	}

}
