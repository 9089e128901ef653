package dev.pgroll4j.spring.autoconfigure;

import java.lang.reflect.Type;
import java.util.Arrays;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

import dev.pgroll4j.core.operations.OperationKind;
import dev.pgroll4j.core.schema.SchemaSnapshot;

/**
 * What a native image needs that its static analysis cannot see: the migration files of the default location, and
 * reflection on the records the engine's Jackson binds. Operations are read from the files into their records
 * ({@link OperationKind#type()}, with their nested definitions), and schema snapshots are written to and read from the
 * history ({@link SchemaSnapshot}); everything else the engine reads or writes as JSON trees, which needs no hints.
 */
class PgrollRuntimeHints implements RuntimeHintsRegistrar {

	/**
	 * The files of {@code classpath:db/pgroll}, the default {@code pgroll.locations}: only its own files, as the
	 * loader reads no subfolders. Spring's resource pattern resolver lists them in a native image as on the JVM.
	 */
	static final String[] MIGRATION_FILES = { "db/pgroll/*.json", "db/pgroll/*.yaml", "db/pgroll/*.yml" };

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		hints.resources().registerPattern((resources) -> resources.includes(MIGRATION_FILES));
		// The binding registrar follows each record's components, so nested definitions (columns, constraints,
		// references, snapshots of tables and columns) are covered through the top-level types.
		BindingReflectionHintsRegistrar binding = new BindingReflectionHintsRegistrar();
		Type[] operations = Arrays.stream(OperationKind.values()).map(OperationKind::type).toArray(Type[]::new);
		binding.registerReflectionHints(hints.reflection(), operations);
		binding.registerReflectionHints(hints.reflection(), SchemaSnapshot.class);
	}

}
