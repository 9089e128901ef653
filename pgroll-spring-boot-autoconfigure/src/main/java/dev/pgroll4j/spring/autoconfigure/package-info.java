/**
 * Spring Boot auto-configuration of pgroll: the engine and the start-up migration, connection pinning, and the
 * actuator endpoint, health indicator and meters, with their conditions; the {@code pgroll.*} properties
 * ({@link PgrollProperties}); and the callbacks of that configuration ({@link PgrollConfigurationCustomizer}). API:
 * the properties and the customizer; the auto-configuration classes are public so that they can be named in
 * exclusions and ordering, not to be used otherwise. Only Spring Boot refers to this package (through
 * {@code META-INF/spring/*.imports} and {@code META-INF/spring.factories}); the rest of the starter does not.
 */
@NullMarked
package dev.pgroll4j.spring.autoconfigure;

import org.jspecify.annotations.NullMarked;
