package dev.pgroll4j.core.reliability;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What every row must contain through each version. A write through one version sets that version's row and
 * derives the other's the way the migration's trigger (or backfill) does. Each row is written by one client only,
 * so the model needs no ordering between clients.
 */
final class Model {

	private final Map<Table, Map<Integer, Versions>> rows = new ConcurrentHashMap<>();

	/** A row that existed before the migration, as the old version reads it; the backfill derives the new one. */
	void loaded(Table table, Row old) {
		put(table, Version.OLD, old, table.derive(Version.OLD, old, null));
	}

	void inserted(Table table, Version version, Row row) {
		put(table, version, row, table.derive(version, row, null));
	}

	void updated(Table table, Version version, int id, Map<String, Object> changes) {
		Versions current = rows(table).get(id);
		Row written = current.of(version).withAll(changes);
		put(table, version, written, table.derive(version, written, current.of(other(version))));
	}

	/** The row as a version reads it now. */
	Row current(Table table, Version version, int id) {
		return rows(table).get(id).of(version);
	}

	void deleted(Table table, int id) {
		rows(table).remove(id);
	}

	List<Integer> ids(Table table) {
		return new ArrayList<>(rows(table).keySet());
	}

	/** Every row the table must hold through a version, by id. */
	Map<Integer, Row> expected(Table table, Version version) {
		Map<Integer, Row> expected = new TreeMap<>();
		rows(table).forEach((id, versions) -> expected.put(id, versions.of(version)));
		return expected;
	}

	private void put(Table table, Version version, Row written, Row derived) {
		int id = written.integer("id");
		rows(table).put(id, (version == Version.OLD) ? new Versions(written, derived) : new Versions(derived, written));
	}

	private Map<Integer, Versions> rows(Table table) {
		return this.rows.computeIfAbsent(table, (key) -> new ConcurrentHashMap<>());
	}

	private static Version other(Version version) {
		return (version == Version.OLD) ? Version.NEW : Version.OLD;
	}

	private record Versions(Row old, Row next) {

		Row of(Version version) {
			return (version == Version.OLD) ? this.old : this.next;
		}

	}

}
