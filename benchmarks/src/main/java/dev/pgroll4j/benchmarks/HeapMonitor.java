package dev.pgroll4j.benchmarks;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.concurrent.atomic.AtomicLong;

import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

import com.sun.management.GarbageCollectionNotificationInfo;

/**
 * The most heap that stayed live through a garbage collection while it watched: the sum of every pool's usage
 * after each collection. Unlike the heap in use at a moment, this does not count garbage waiting to be collected,
 * so it shows whether memory grows with the work.
 */
final class HeapMonitor implements AutoCloseable {

	private final AtomicLong peakLiveBytes = new AtomicLong();

	private final AtomicLong collections = new AtomicLong();

	private final List<Registration> registrations = new ArrayList<>();

	private final Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans()
		.stream()
		.filter((pool) -> pool.getType() == MemoryType.HEAP)
		.map(MemoryPoolMXBean::getName)
		.collect(Collectors.toSet());

	HeapMonitor() {
		System.gc();
		this.peakLiveBytes.set(usedHeap());
		NotificationListener listener = this::collected;
		for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
			if (collector instanceof NotificationEmitter emitter) {
				emitter.addNotificationListener(listener, null, null);
				this.registrations.add(new Registration(emitter, listener));
			}
		}
	}

	private void collected(Notification notification, Object handback) {
		if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
			return;
		}
		GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo
			.from((CompositeData) notification.getUserData());
		long live = 0;
		// Non-heap pools (metaspace, code cache) are in the map too; count only the heap's.
		for (Map.Entry<String, MemoryUsage> pool : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
			if (this.heapPools.contains(pool.getKey())) {
				live += pool.getValue().getUsed();
			}
		}
		this.peakLiveBytes.accumulateAndGet(live, Math::max);
		this.collections.incrementAndGet();
	}

	private static long usedHeap() {
		return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
	}

	double peakLiveMiB() {
		return this.peakLiveBytes.get() / (1024.0 * 1024.0);
	}

	long collections() {
		return this.collections.get();
	}

	@Override
	public void close() {
		for (Registration registration : this.registrations) {
			try {
				registration.emitter.removeNotificationListener(registration.listener);
			}
			catch (javax.management.ListenerNotFoundException ex) {
				// Already gone: nothing to undo.
			}
		}
	}

	private record Registration(NotificationEmitter emitter, NotificationListener listener) {
	}

}
