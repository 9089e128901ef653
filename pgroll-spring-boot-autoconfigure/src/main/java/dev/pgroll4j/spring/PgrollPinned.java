package dev.pgroll4j.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@link javax.sql.DataSource} bean whose connections are to be pinned to the version schema as well as
 * those of the application's data source (the primary or single default candidate, which always is), for example
 * a second {@code @Bean(defaultCandidate = false)} data source to the database pgroll migrates. Put it on the
 * {@code @Bean} method or the data source's class. A {@link PgrollDataSource} is never pinned, so it cannot carry
 * this too.
 *
 * <p>A marker read from the bean definition, not a qualifier: it changes nothing about how the bean is injected.
 */
@Target({ ElementType.METHOD, ElementType.TYPE, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface PgrollPinned {

}
