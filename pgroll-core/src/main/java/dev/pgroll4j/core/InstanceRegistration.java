package dev.pgroll4j.core;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.UUID;

/**
 * What an application instance tells the registry about itself (see {@link Pgroll#heartbeat}).
 *
 * @param id unique per running instance
 * @param host the host or pod name, for people reading the list
 * @param versionSchema the version schema the instance's connections use
 * @param expiry how long after a heartbeat the instance still counts as live without another: a small multiple of
 * the heartbeat interval, so that one late heartbeat does not make it vanish
 */
public record InstanceRegistration(String id, String host, String versionSchema, Duration expiry) {

	public InstanceRegistration {
		if (id.isEmpty() || id.length() > 200) {
			throw new IllegalArgumentException("an instance id must have 1 to 200 characters, not " + id.length());
		}
		if (host.length() > 255) {
			host = host.substring(0, 255);
		}
		if (expiry.isNegative() || expiry.isZero()) {
			throw new IllegalArgumentException("expiry must be positive, not " + expiry);
		}
	}

	/**
	 * A registration for this process: a random id, and the host name from {@code HOSTNAME} (a Kubernetes pod's
	 * name) or else the local host name.
	 */
	public static InstanceRegistration forThisProcess(String versionSchema, Duration expiry) {
		return new InstanceRegistration(UUID.randomUUID().toString(), hostName(), versionSchema, expiry);
	}

	/** {@code HOSTNAME} where set (a pod's name), else the local host name, with the process id. */
	static String hostName() {
		String host = System.getenv("HOSTNAME");
		if (host == null || host.isBlank()) {
			try {
				host = InetAddress.getLocalHost().getHostName();
			}
			catch (UnknownHostException ex) {
				host = "unknown";
			}
		}
		return host + " pid " + ManagementFactory.getRuntimeMXBean().getPid();
	}

}
