/**
 * What the starter's tests share: HTTP calls to a running application, and applications in another JVM.
 */
@NullMarked
package dev.pgroll4j.spring.testing;

import org.jspecify.annotations.NullMarked;
