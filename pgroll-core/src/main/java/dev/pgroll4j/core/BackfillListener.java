package dev.pgroll4j.core;

/** Receives backfill progress; called on the migrating thread after every batch. */
@FunctionalInterface
public interface BackfillListener {

	BackfillListener NONE = (progress) -> {
	};

	void onProgress(BackfillProgress progress);

}
