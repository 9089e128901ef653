package dev.pgroll4j.core.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Runs a task on several threads at once, the way several application instances start against one database. */
public final class Concurrently {

	private Concurrently() {
	}

	/**
	 * Submits the task {@code count} times, each on a thread of its own, and releases them together once all are
	 * submitted, so that they race rather than run one after another.
	 */
	public static <T> List<Future<T>> runTogether(int count, Callable<T> task) throws InterruptedException {
		ExecutorService executor = Executors.newFixedThreadPool(count);
		CountDownLatch go = new CountDownLatch(1);
		List<Future<T>> futures = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			futures.add(executor.submit(() -> {
				go.await();
				return task.call();
			}));
		}
		go.countDown();
		executor.shutdown();
		return futures;
	}

}
