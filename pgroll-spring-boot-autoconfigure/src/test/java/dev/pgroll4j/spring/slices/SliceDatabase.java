package dev.pgroll4j.spring.slices;

import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.test.context.DynamicPropertyRegistry;

import dev.pgroll4j.test.TestDatabase;

/**
 * Points a slice's data source at the test class's {@link TestDatabase}. The values are read when the context
 * starts, which is after {@code @BeforeAll} has been handed the database by {@code @PostgresTest}.
 */
final class SliceDatabase {

	private SliceDatabase() {
	}

	static void register(DynamicPropertyRegistry registry, Supplier<TestDatabase> database) {
		registry.add("spring.datasource.url", () -> database.get().jdbcUrl());
		registry.add("spring.datasource.username", () -> database.get().user());
		registry.add("spring.datasource.password", () -> database.get().password());
	}

	static TestDatabase required(@Nullable TestDatabase database) {
		if (database == null) {
			throw new IllegalStateException("No test database yet: the Spring context started before @BeforeAll "
					+ "(declare @PostgresTest before the slice annotation)");
		}
		return database;
	}

}
