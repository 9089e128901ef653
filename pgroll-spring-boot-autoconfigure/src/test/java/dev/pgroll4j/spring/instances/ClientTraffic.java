package dev.pgroll4j.spring.instances;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * One instance's clients, through its own JdbcClient on the starter's pinned data source: insert a book, read it
 * back, in a loop. Every failed statement and every read that does not return what was written is recorded.
 */
final class ClientTraffic implements AutoCloseable {

	private final String name;

	private final JdbcClient jdbc;

	private final int firstId;

	private final String insert;

	private final AtomicBoolean running = new AtomicBoolean(true);

	private final AtomicInteger statements = new AtomicInteger();

	private final List<String> failures = new CopyOnWriteArrayList<>();

	private final Thread thread;

	/**
	 * @param firstId the first book id it writes; each traffic needs a range of its own
	 * @param insert how its release inserts a book, given the id and the title
	 */
	ClientTraffic(String name, ConfigurableApplicationContext context, int firstId, String insert) {
		this.name = name;
		this.jdbc = context.getBean(JdbcClient.class);
		this.firstId = firstId;
		this.insert = insert;
		this.thread = new Thread(this::run, name + "-traffic");
		this.thread.start();
	}

	private void run() {
		for (int id = this.firstId; this.running.get(); id++) {
			try {
				this.jdbc.sql(this.insert).params(id, "t" + id).update();
				String title = this.jdbc.sql("SELECT title FROM books WHERE id = ?").param(id).query(String.class)
					.single();
				this.statements.addAndGet(2);
				if (!title.equals("t" + id)) {
					this.failures.add(this.name + ": book " + id + " read " + title);
				}
				Thread.sleep(5);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (RuntimeException ex) {
				this.failures.add(this.name + ": " + NestedExceptionUtils.getMostSpecificCause(ex).getMessage());
			}
		}
	}

	int statements() {
		return this.statements.get();
	}

	/** Stops the clients, as a platform drains an instance before it stops it, and returns the failures. */
	List<String> stop() throws InterruptedException {
		this.running.set(false);
		this.thread.join();
		return List.copyOf(this.failures);
	}

	@Override
	public void close() throws InterruptedException {
		stop();
	}

}
