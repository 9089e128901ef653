package dev.pgroll4j.sample;

import java.util.List;
import java.util.Optional;

/** Storage of books; each release has its own implementation, written against its own version schema. */
public interface BookRepository {

	List<Book> findAll();

	Optional<Book> findById(long id);

	Book add(Book book);

	Optional<Book> update(long id, Book book);

}
