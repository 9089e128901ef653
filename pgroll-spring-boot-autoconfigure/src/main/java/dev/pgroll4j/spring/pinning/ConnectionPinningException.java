package dev.pgroll4j.spring.pinning;

import java.sql.SQLNonTransientConnectionException;

/**
 * A connection of the application could not be pinned to its version schema, or its pin did not take effect. The
 * connection is never handed out: the pool does not get it, and at start-up the application fails.
 */
public class ConnectionPinningException extends SQLNonTransientConnectionException {

	private static final long serialVersionUID = 1L;

	private final String description;

	private final String action;

	ConnectionPinningException(String description, String action) {
		super(description + " " + action);
		this.description = description;
		this.action = action;
	}

	/** What is wrong and why. */
	public String getDescription() {
		return this.description;
	}

	/** What to configure instead. */
	public String getAction() {
		return this.action;
	}

}
