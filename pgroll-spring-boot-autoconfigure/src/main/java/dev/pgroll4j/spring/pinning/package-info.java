/**
 * Pinning of the application's connections to its version schema, so that an instance reads and writes through
 * the version it was written for during a rolling deployment: as a startup parameter of a Hikari pool's
 * connections, or with {@code SET} when borrowed ({@link PinnedDataSource}), each checked, failing with
 * {@link ConnectionPinningException} where a pin does not take. API: {@link PinnedDataSource},
 * {@link ConnectionPinningException} and {@link PoolerMode}; {@link DataSourcePinning} is public for the
 * auto-configuration only.
 */
@NullMarked
package dev.pgroll4j.spring.pinning;

import org.jspecify.annotations.NullMarked;
