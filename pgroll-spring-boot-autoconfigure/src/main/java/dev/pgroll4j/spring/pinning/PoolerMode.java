package dev.pgroll4j.spring.pinning;

/** How the application's connections reach PostgreSQL, which decides how they are pinned ({@code pgroll.pooler-mode}). */
public enum PoolerMode {

	/**
	 * Directly, or through a pooler that passes pgjdbc's options startup parameter on: the pin is a startup
	 * parameter, checked once on each new connection.
	 */
	NONE,

	/**
	 * Through a pooler in session mode that ignores the options startup parameter: each new connection is pinned
	 * with SET and checked to keep its server connection.
	 */
	SESSION

}
