/**
 * The schema model: snapshots of the live catalog as the history stores them, and the virtual schema that
 * validation rewrites operation by operation so each operation sees what the earlier ones left. API.
 */
@NullMarked
package dev.pgroll4j.core.schema;

import org.jspecify.annotations.NullMarked;
