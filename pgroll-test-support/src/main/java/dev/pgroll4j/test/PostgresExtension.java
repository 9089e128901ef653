package dev.pgroll4j.test;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives each test class a fresh database on the shared {@link PostgresServer} and injects it as a
 * {@link TestDatabase} parameter into constructors, lifecycle and test methods. {@code @Nested} classes use the
 * database of their enclosing class. The database is dropped after the class that created it.
 */
public class PostgresExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

	private static final Namespace NAMESPACE = Namespace.create(PostgresExtension.class);
	private static final String KEY = TestDatabase.class.getName();

	@Override
	public void beforeAll(ExtensionContext context) {
		database(context);
	}

	@Override
	public void afterAll(ExtensionContext context) {
		// remove() only sees this class's own store, so a @Nested class leaves its enclosing class's database alone.
		TestDatabase database = context.getStore(NAMESPACE).remove(KEY, TestDatabase.class);
		if (database != null) {
			database.drop();
		}
	}

	@Override
	public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return parameterContext.getParameter().getType() == TestDatabase.class;
	}

	@Override
	public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return database(extensionContext);
	}

	/**
	 * The database of the nearest test class. Created on demand rather than only in beforeAll because with
	 * {@code @TestInstance(PER_CLASS)} the constructor is resolved before any BeforeAllCallback runs. Store lookups
	 * fall back to the enclosing classes' stores, which is how nested classes find the outer database.
	 */
	private static TestDatabase database(ExtensionContext context) {
		ExtensionContext classContext = context;
		while (!(classContext.getElement().orElse(null) instanceof Class)) {
			classContext = classContext.getParent()
					.orElseThrow(() -> new IllegalStateException("PostgresExtension needs a test class"));
		}
		String prefix = classContext.getRequiredTestClass().getSimpleName();
		return classContext.getStore(NAMESPACE).computeIfAbsent(KEY,
				key -> PostgresServer.shared().createDatabase(prefix), TestDatabase.class);
	}
}
