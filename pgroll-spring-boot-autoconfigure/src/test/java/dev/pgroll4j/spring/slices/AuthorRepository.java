package dev.pgroll4j.spring.slices;

import java.util.Optional;

import org.springframework.data.jpa.repository.JpaRepository;

interface AuthorRepository extends JpaRepository<Author, Long> {

	Optional<Author> findByFullName(String fullName);

}
