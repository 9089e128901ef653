/**
 * SQL text: quoting, a scanner that reads statements as the server does, identifier rules, the names of the engine's
 * own objects, column types and grant statements. Depends on nothing but the JDK. Internal support shared by the
 * operations and the engine; not API, and it may change without notice.
 */
@NullMarked
package dev.pgroll4j.core.sql;

import org.jspecify.annotations.NullMarked;
