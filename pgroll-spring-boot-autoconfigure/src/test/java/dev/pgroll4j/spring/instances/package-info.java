/**
 * The instance registry under real deployments: rolling replacements, stranded instances, auto-complete.
 */
@NullMarked
package dev.pgroll4j.spring.instances;

import org.jspecify.annotations.NullMarked;
