package dev.pgroll4j.core.schema;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A schema as one version sees it. Validation starts from the physical snapshot and applies each operation in
 * turn, so later operations of a migration see the effect of earlier ones (a table created, a column renamed).
 * <p>
 * {@link #snapshot()} keeps the schema as it is now, read-only, in constant time: the snapshot and this schema
 * share their persistent maps and tables, and a table is copied (cheaply, see {@link VirtualTable}) only when this
 * schema hands it out again after a snapshot. So the per-operation snapshots of a migration cost what the
 * operations changed, not the size of the schema times the number of operations.
 */
public final class VirtualSchema {

	private final String name;

	private PersistentMap<String, VirtualTable> tables = PersistentMap.empty();

	private PersistentMap<Integer, VirtualTable> removedTables = PersistentMap.empty();

	private PersistentMap<String, Boolean> occupiedNames = PersistentMap.empty();

	// Look-ups over every visible table, kept up to date as tables change, so that an operation does not scan the
	// whole schema. They go by physical name, which a visible table keeps while the migration is active.

	/** Names of the visible tables by physical name. */
	private PersistentMap<String, String> namesByPhysicalName = PersistentMap.empty();

	/** The physical name of the visible table that holds each index. */
	private PersistentMap<String, String> indexHolders = PersistentMap.empty();

	/**
	 * The foreign keys of visible tables that reference a physical table, and those that reference each of its
	 * physical columns.
	 */
	private PersistentMap<KeyTarget, PersistentMap<KeyReference, Boolean>> foreignKeys = PersistentMap.empty();

	/** The version of this schema that changes; the tables it owns carry it too. */
	private Version version;

	private VirtualSchema(String name) {
		this.name = name;
	}

	public static VirtualSchema of(SchemaSnapshot snapshot) {
		VirtualSchema schema = new VirtualSchema(snapshot.name());
		schema.version = new Version(schema);
		for (TableSnapshot table : snapshot.tables()) {
			VirtualTable virtual = VirtualTable.of(table);
			virtual.version = schema.version;
			schema.tables = schema.tables.put(virtual.name(), virtual);
			schema.register(virtual);
		}
		snapshot.occupiedNames().forEach(schema::occupy);
		return schema;
	}

	/**
	 * The schema as it is now, read-only; this schema goes on changing. Every table this schema owned now belongs
	 * to the snapshot as well, so this schema copies a table before it lets it be changed again.
	 */
	public VirtualSchema snapshot() {
		checkWritable();
		VirtualSchema snapshot = new VirtualSchema(this.name);
		snapshot.version = this.version;
		snapshot.tables = this.tables;
		snapshot.removedTables = this.removedTables;
		snapshot.occupiedNames = this.occupiedNames;
		snapshot.namesByPhysicalName = this.namesByPhysicalName;
		snapshot.indexHolders = this.indexHolders;
		snapshot.foreignKeys = this.foreignKeys;
		this.version.snapshot = true;
		this.version = new Version(this);
		return snapshot;
	}

	private void checkWritable() {
		if (this.version.isSnapshot()) {
			throw new IllegalStateException("schema \"" + this.name + "\" is a snapshot, which cannot change");
		}
	}

	/** The table as this version may change it: copied first if it still belongs to a snapshot. */
	private VirtualTable own(VirtualTable table) {
		if (table.version == this.version || this.version.isSnapshot()) {
			return table;
		}
		VirtualTable copy = table.copy(this.version);
		this.tables = this.tables.put(copy.name(), copy);
		return copy;
	}

	public String name() {
		return this.name;
	}

	/**
	 * Tables visible in this version, in the order they were read or created; a view that later changes do not
	 * affect. Look a table up by name to change it.
	 */
	public Collection<VirtualTable> tables() {
		return this.tables.values();
	}

	public Optional<VirtualTable> table(String name) {
		VirtualTable table = this.tables.get(name);
		return (table != null) ? Optional.of(own(table)) : Optional.empty();
	}

	/** A visible or removed table by its physical name. */
	public Optional<VirtualTable> tableByPhysicalName(String physical) {
		String visible = this.namesByPhysicalName.get(physical);
		if (visible != null) {
			return table(visible);
		}
		return this.removedTables.values().stream().filter((t) -> t.physicalName().equals(physical)).findFirst();
	}

	public void addTable(VirtualTable table) {
		checkWritable();
		VirtualTable added = table;
		if (table.version == null) {
			table.version = this.version;
		}
		else if (table.version != this.version) {
			added = table.copy(this.version);
		}
		VirtualTable replaced = this.tables.get(added.name());
		if (replaced != null) {
			unregister(replaced);
		}
		this.tables = this.tables.put(added.name(), added);
		register(added);
		occupy(added.physicalName());
	}

	/** Hides a table from this version; the physical table stays until the migration completes. */
	public VirtualTable removeTable(String name) {
		checkWritable();
		VirtualTable removed = this.tables.get(name);
		if (removed != null) {
			unregister(removed);
			this.tables = this.tables.remove(name);
			this.removedTables = this.removedTables.put(this.removedTables.size(), removed);
		}
		return removed;
	}

	public void renameTable(String from, String to) {
		VirtualTable table = table(from).orElseThrow();
		checkWritable();
		this.tables = this.tables.remove(from);
		table.rename(to);
		this.tables = this.tables.put(to, table);
		this.namesByPhysicalName = this.namesByPhysicalName.put(table.physicalName(), to);
	}

	/** Whether {@code table} is the visible table of its name here, so that the look-ups must follow its changes. */
	boolean isVisible(VirtualTable table) {
		return this.tables.get(table.name()) == table;
	}

	void register(VirtualTable table) {
		this.namesByPhysicalName = this.namesByPhysicalName.put(table.physicalName(), table.name());
		table.indexes().forEach((index) -> indexAdded(table, index));
		table.constraints().forEach((constraint) -> constraintAdded(table, constraint));
	}

	void unregister(VirtualTable table) {
		table.constraints().forEach((constraint) -> constraintRemoved(table, constraint));
		table.indexes().forEach((index) -> indexRemoved(table, index));
		if (table.name().equals(this.namesByPhysicalName.get(table.physicalName()))) {
			this.namesByPhysicalName = this.namesByPhysicalName.remove(table.physicalName());
		}
	}

	void indexAdded(VirtualTable table, IndexSnapshot index) {
		this.indexHolders = this.indexHolders.put(index.name(), table.physicalName());
	}

	void indexRemoved(VirtualTable table, IndexSnapshot index) {
		if (table.physicalName().equals(this.indexHolders.get(index.name()))) {
			this.indexHolders = this.indexHolders.remove(index.name());
		}
	}

	void constraintAdded(VirtualTable table, ConstraintSnapshot constraint) {
		KeyReference reference = new KeyReference(table.physicalName(), constraint.name());
		for (KeyTarget target : targets(constraint)) {
			PersistentMap<KeyReference, Boolean> keys = this.foreignKeys.get(target);
			keys = ((keys != null) ? keys : PersistentMap.<KeyReference, Boolean>empty()).put(reference, Boolean.TRUE);
			this.foreignKeys = this.foreignKeys.put(target, keys);
		}
	}

	void constraintRemoved(VirtualTable table, ConstraintSnapshot constraint) {
		KeyReference reference = new KeyReference(table.physicalName(), constraint.name());
		for (KeyTarget target : targets(constraint)) {
			PersistentMap<KeyReference, Boolean> keys = this.foreignKeys.get(target);
			if (keys != null) {
				keys = keys.remove(reference);
				this.foreignKeys = keys.isEmpty() ? this.foreignKeys.remove(target)
						: this.foreignKeys.put(target, keys);
			}
		}
	}

	/** What a foreign key is found by: its referenced table, and each of its referenced columns. */
	private static Set<KeyTarget> targets(ConstraintSnapshot constraint) {
		if (constraint.type() != ConstraintType.FOREIGN_KEY || constraint.referencedTable() == null) {
			return Set.of();
		}
		Set<KeyTarget> targets = new LinkedHashSet<>();
		targets.add(new KeyTarget(constraint.referencedTable(), ""));
		if (constraint.referencedColumns() != null) {
			for (String column : constraint.referencedColumns()) {
				if (column != null) {
					targets.add(new KeyTarget(constraint.referencedTable(), column));
				}
			}
		}
		return targets;
	}

	/**
	 * Whether a relation or type of this physical name exists in the schema or will exist once the migration
	 * completes.
	 */
	public boolean isOccupied(String physicalName) {
		return this.occupiedNames.containsKey(physicalName);
	}

	public void occupy(String physicalName) {
		checkWritable();
		this.occupiedNames = this.occupiedNames.put(physicalName, Boolean.TRUE);
	}

	public void release(String physicalName) {
		checkWritable();
		this.occupiedNames = this.occupiedNames.remove(physicalName);
	}

	/** The visible table that holds an index of this name. */
	public Optional<VirtualTable> tableWithIndex(String indexName) {
		String holder = this.indexHolders.get(indexName);
		String visible = (holder != null) ? this.namesByPhysicalName.get(holder) : null;
		return (visible != null) ? table(visible) : Optional.empty();
	}

	/**
	 * Foreign keys of visible tables (the table itself included) whose referenced table has this physical name, in
	 * whatever schema the key names, each with the table that holds it.
	 */
	public List<ForeignKey> foreignKeysTo(String physicalTable) {
		return foreignKeys(new KeyTarget(physicalTable, ""));
	}

	/** As {@link #foreignKeysTo(String)}, only the keys that reference this physical column of the table. */
	public List<ForeignKey> foreignKeysTo(String physicalTable, String physicalColumn) {
		return foreignKeys(new KeyTarget(physicalTable, physicalColumn));
	}

	private List<ForeignKey> foreignKeys(KeyTarget target) {
		PersistentMap<KeyReference, Boolean> keys = this.foreignKeys.get(target);
		if (keys == null) {
			return List.of();
		}
		List<ForeignKey> result = new ArrayList<>(keys.size());
		for (KeyReference key : keys.keys()) {
			VirtualTable holder = this.tables.get(this.namesByPhysicalName.get(key.table()));
			result.add(new ForeignKey(holder, holder.constraint(key.constraint()).orElseThrow()));
		}
		return result;
	}

	/** Constraints in other visible tables whose foreign keys reference the given physical table. */
	public List<ConstraintSnapshot> foreignKeysReferencing(String physicalTable) {
		List<ConstraintSnapshot> result = new ArrayList<>();
		for (ForeignKey key : foreignKeysTo(physicalTable)) {
			ConstraintSnapshot constraint = key.constraint();
			if ((constraint.referencedSchema() == null || this.name.equals(constraint.referencedSchema()))
					&& !key.table().physicalName().equals(physicalTable)) {
				result.add(constraint);
			}
		}
		return result;
	}

	/**
	 * Orders each table's columns as the same-named table of {@code reference} orders them; columns the reference
	 * does not know go last. After complete, a column that replaced another keeps the place of the one it replaced.
	 */
	public void orderColumnsLike(VirtualSchema reference) {
		for (String tableName : this.tables.keys()) {
			VirtualTable model = reference.tables.get(tableName);
			if (model == null) {
				continue;
			}
			VirtualTable table = table(tableName).orElseThrow();
			for (VirtualColumn column : table.columns()) {
				int position = model.column(column.name())
					.map(VirtualColumn::position)
					.orElse(100_000 + column.position());
				table.addColumn(column.withPosition(position));
			}
		}
	}

	/**
	 * One version of a schema. It changes until it is kept as a snapshot; from then on it and every table that
	 * belongs to it are read-only.
	 */
	static final class Version {

		private final VirtualSchema schema;

		private boolean snapshot;

		Version(VirtualSchema schema) {
			this.schema = schema;
		}

		boolean isSnapshot() {
			return this.snapshot;
		}

		/** The schema whose look-ups follow changes of {@code table}, or {@code null} if it is not visible there. */
		VirtualSchema showing(VirtualTable table) {
			return (!this.snapshot && this.schema.isVisible(table)) ? this.schema : null;
		}

	}

	/**
	 * A foreign key and the visible table that holds it.
	 *
	 * @param table the table that holds the key, read-only: look it up by name to change it
	 * @param constraint the key
	 */
	public record ForeignKey(VirtualTable table, ConstraintSnapshot constraint) {
	}

	/** A referenced physical table, and one of its physical columns or {@code ""} for the table as a whole. */
	private record KeyTarget(String table, String column) implements Comparable<KeyTarget> {

		@Override
		public int compareTo(KeyTarget other) {
			int byTable = this.table.compareTo(other.table);
			return (byTable != 0) ? byTable : this.column.compareTo(other.column);
		}

	}

	/** A foreign key by the physical name of its table and its name. */
	private record KeyReference(String table, String constraint) implements Comparable<KeyReference> {

		@Override
		public int compareTo(KeyReference other) {
			int byTable = this.table.compareTo(other.table);
			return (byTable != 0) ? byTable : this.constraint.compareTo(other.constraint);
		}

	}

}
