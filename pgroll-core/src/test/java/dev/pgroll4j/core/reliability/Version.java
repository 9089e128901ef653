package dev.pgroll4j.core.reliability;

/** The two kinds of client while a migration is active. */
enum Version {

	/** Clients of the version before the migration or rollout (the setup migration's version schema). */
	OLD("old"),

	/** Clients of the migration's own version schema; of a rollout, its last migration's. */
	NEW("new");

	private final String label;

	Version(String label) {
		this.label = label;
	}

	String label() {
		return this.label;
	}

}
