/**
 * The starter in AOT mode: an application processed ahead of time, as {@code spring-boot:process-aot} does, and run
 * from the generated code.
 */
@NullMarked
package dev.pgroll4j.spring.aot;

import org.jspecify.annotations.NullMarked;
