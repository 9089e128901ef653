package dev.pgroll4j.sample;

import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code /books}: list, read, add and change books. */
@RestController
@RequestMapping("/books")
class BookController {

	private final BookRepository books;

	BookController(BookRepository books) {
		this.books = books;
	}

	@GetMapping
	List<Book> all() {
		return this.books.findAll();
	}

	@GetMapping("/{id}")
	ResponseEntity<Book> one(@PathVariable long id) {
		return ResponseEntity.of(this.books.findById(id));
	}

	@PostMapping
	ResponseEntity<Book> add(@RequestBody Book book) {
		return ResponseEntity.status(HttpStatus.CREATED).body(this.books.add(book));
	}

	@PutMapping("/{id}")
	ResponseEntity<Book> update(@PathVariable long id, @RequestBody Book book) {
		return ResponseEntity.of(this.books.update(id, book));
	}

}
