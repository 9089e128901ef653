package dev.pgroll4j.spring.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** Waits for what an application does on its own threads (a heartbeat, an auto-complete). */
public final class Await {

	private Await() {
	}

	/**
	 * Polls until the condition holds.
	 * @return how long it took
	 * @throws AssertionError naming {@code what} if it does not hold within {@code timeout}
	 */
	public static Duration until(String what, Duration timeout, BooleanSupplier condition) {
		long started = System.nanoTime();
		long deadline = started + timeout.toNanos();
		while (!condition.getAsBoolean()) {
			assertThat(System.nanoTime()).as("waited " + timeout.toMillis() + " ms for " + what).isLessThan(deadline);
			try {
				Thread.sleep(20);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}
		return Duration.ofNanos(System.nanoTime() - started);
	}

}
