package dev.pgroll4j.core.reliability;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * One table as clients of both versions see it: its name and writable columns in each version, and how a write
 * through one version shows through the other (the Java twin of the migration's {@code up} and {@code down}).
 * Every table has an integer {@code id} primary key that no version changes.
 */
final class Table {

	private final String name;

	private Side old;

	private Side next;

	private Derivation up = (row, previous) -> row;

	private Derivation down = (row, previous) -> row;

	private Table(String name) {
		this.name = name;
	}

	/** A table both versions see under this name with the same columns until told otherwise. */
	static Table named(String name) {
		return new Table(name);
	}

	/** How the old version sees the table; {@code null} as the table name when it does not. */
	Table old(String table, Consumer<Side> columns) {
		this.old = side(table, columns);
		return this;
	}

	/** How the new version sees the table; {@code null} as the table name when it does not. */
	Table next(String table, Consumer<Side> columns) {
		this.next = side(table, columns);
		return this;
	}

	/** Both versions see the same table with the same columns. */
	Table both(Consumer<Side> columns) {
		return old(this.name, columns).next(this.name, columns);
	}

	/** The new version's row after an old-version write; {@code previous} is null for an insert. */
	Table up(Derivation up) {
		this.up = up;
		return this;
	}

	/** The old version's row after a new-version write; {@code previous} is null for an insert. */
	Table down(Derivation down) {
		this.down = down;
		return this;
	}

	private static Side side(String table, Consumer<Side> columns) {
		if (table == null) {
			return null;
		}
		Side side = new Side(table);
		columns.accept(side);
		return side;
	}

	String name() {
		return this.name;
	}

	/** The table as a version sees it, or null if that version does not see it. */
	Side side(Version version) {
		return (version == Version.OLD) ? this.old : this.next;
	}

	/** The other version's row after a write through {@code version}. */
	Row derive(Version version, Row written, Row previous) {
		Version other = (version == Version.OLD) ? Version.NEW : Version.OLD;
		if (side(other) == null) {
			return null;
		}
		return ((version == Version.OLD) ? this.up : this.down).apply(written, previous);
	}

	@Override
	public String toString() {
		return this.name;
	}

	/** Computes one version's row from the other's. */
	@FunctionalInterface
	interface Derivation {

		Row apply(Row written, Row previous);

	}

	/** Values for a group of columns written together, given the row's id. */
	@FunctionalInterface
	interface Values {

		List<Object> next(Random random, int id);

	}

	/**
	 * A group of columns a client sets together, with the values an insert gets when it leaves them out. A relative
	 * write updates its one column with {@code expression} over the current value (such as {@code hits + 1}) and
	 * {@code twin} says in Java what that gives; inserts write {@code values}.
	 */
	record Write(List<String> columns, Values values, List<Object> defaults, String expression,
			UnaryOperator<Object> twin) {

		Write(List<String> columns, Values values, List<Object> defaults) {
			this(columns, values, defaults, null, null);
		}

		boolean omittable() {
			return this.defaults != null;
		}

		boolean relative() {
			return this.expression != null;
		}

	}

	/** The table's name in one version and the columns clients of that version write. */
	static final class Side {

		private final String table;

		private final List<Write> writes = new ArrayList<>();

		private Side(String table) {
			this.table = table;
		}

		Side column(String column, Values values) {
			return columns(List.of(column), values);
		}

		/** A column that inserts leave out half the time, so the version's default applies. */
		Side columnOrDefault(String column, Values values, Object defaultValue) {
			this.writes.add(new Write(List.of(column), values, Arrays.asList(defaultValue)));
			return this;
		}

		/**
		 * A column that updates change relative to what they read, e.g. {@code hits + 1}: a statement that reads a
		 * wrong value writes a wrong one, which the model then sees.
		 */
		Side relative(String column, Values values, String expression, UnaryOperator<Object> twin) {
			this.writes.add(new Write(List.of(column), values, null, expression, twin));
			return this;
		}

		/** Columns that must be written together, e.g. to keep a check over both satisfied. */
		Side columns(List<String> columns, Values values) {
			this.writes.add(new Write(columns, values, null));
			return this;
		}

		String table() {
			return this.table;
		}

		List<Write> writes() {
			return this.writes;
		}

		/** Every column this version sees, {@code id} first. */
		List<String> columns() {
			List<String> columns = new ArrayList<>();
			columns.add("id");
			this.writes.forEach((write) -> columns.addAll(write.columns()));
			return columns;
		}

		static Map<String, Object> values(Write write, Random random, int id) {
			List<Object> values = write.values().next(random, id);
			Map<String, Object> columns = new LinkedHashMap<>();
			for (int i = 0; i < write.columns().size(); i++) {
				columns.put(write.columns().get(i), values.get(i));
			}
			return columns;
		}

	}

}
