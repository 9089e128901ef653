package dev.pgroll4j.spring.slices;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.jspecify.annotations.Nullable;

/** Mapped to the newest version of {@code authors}, where the column is {@code full_name}. */
@Entity
@Table(name = "authors")
class Author {

	@Id
	@GeneratedValue(strategy = GenerationType.IDENTITY)
	private @Nullable Long id;

	@Column(name = "full_name", nullable = false)
	private @Nullable String fullName;

	protected Author() {
	}

	Author(String fullName) {
		this.fullName = fullName;
	}

	@Nullable Long getId() {
		return this.id;
	}

	@Nullable String getFullName() {
		return this.fullName;
	}

}
