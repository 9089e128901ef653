package dev.pgroll4j.core.schema;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A table as one version of the schema sees it: virtual column names mapped to physical columns. Constraints and
 * indexes are kept by physical column name, which does not change while a migration is active.
 * <p>
 * Its collections are persistent maps, so a copy costs the same however large the table is. A table belongs to one
 * version of a {@link VirtualSchema}; once that version is kept as a snapshot the table is read-only, and the
 * schema hands out a copy to change.
 */
public final class VirtualTable {

	private String name;

	private String physicalName;

	private final boolean createdInMigration;

	private final String comment;

	private PersistentMap<String, VirtualColumn> columns = PersistentMap.empty();

	/** Visible column names by their physical column. */
	private PersistentMap<String, String> columnsByPhysicalName = PersistentMap.empty();

	/** Columns hidden from this version, by physical name. */
	private PersistentMap<String, VirtualColumn> hiddenColumns = PersistentMap.empty();

	/** The highest position of a visible or hidden column; positions only grow. */
	private int lastPosition;

	private PersistentMap<String, ConstraintSnapshot> constraints = PersistentMap.empty();

	private PersistentMap<String, IndexSnapshot> indexes = PersistentMap.empty();

	private PersistentMap<String, Boolean> indexesCreatedInMigration = PersistentMap.empty();

	private List<String> primaryKey;

	private List<String> ownedSequences = List.of();

	private String replicaIdentity;

	private String replicaIdentityIndex;

	private boolean partitioned;

	private List<String> inheritanceTables = List.of();

	/** The schema version this table belongs to, or {@code null} while it is built and belongs to none. */
	VirtualSchema.Version version;

	public VirtualTable(String name, String physicalName, boolean createdInMigration, String comment,
			List<String> primaryKey) {
		this.name = name;
		this.physicalName = physicalName;
		this.createdInMigration = createdInMigration;
		this.comment = comment;
		this.primaryKey = List.copyOf(primaryKey);
		this.replicaIdentity = "d";
	}

	static VirtualTable of(TableSnapshot table) {
		VirtualTable result = new VirtualTable(table.name(), table.name(), false, table.comment(), table.primaryKey());
		table.columns().forEach((column) -> result.addColumn(VirtualColumn.of(column)));
		table.constraints().forEach(result::addConstraint);
		table.indexes().forEach(result::addIndex);
		result.ownedSequences = table.columns().stream()
			.map(ColumnSnapshot::ownedSequence)
			.filter((sequence) -> sequence != null)
			.toList();
		result.replicaIdentity = table.replicaIdentity();
		result.replicaIdentityIndex = table.replicaIdentityIndex();
		result.partitioned = table.partitioned();
		result.inheritanceTables = (table.inheritanceTables() != null) ? table.inheritanceTables() : List.of();
		return result;
	}

	/** A copy for another schema version; it shares every collection with this table until one of them changes. */
	VirtualTable copy(VirtualSchema.Version newVersion) {
		VirtualTable copy = new VirtualTable(this.name, this.physicalName, this.createdInMigration, this.comment,
				this.primaryKey);
		copy.columns = this.columns;
		copy.columnsByPhysicalName = this.columnsByPhysicalName;
		copy.hiddenColumns = this.hiddenColumns;
		copy.lastPosition = this.lastPosition;
		copy.constraints = this.constraints;
		copy.indexes = this.indexes;
		copy.indexesCreatedInMigration = this.indexesCreatedInMigration;
		copy.ownedSequences = this.ownedSequences;
		copy.replicaIdentity = this.replicaIdentity;
		copy.replicaIdentityIndex = this.replicaIdentityIndex;
		copy.partitioned = this.partitioned;
		copy.inheritanceTables = this.inheritanceTables;
		copy.version = newVersion;
		return copy;
	}

	/** The schema whose look-ups must follow this table's changes, or {@code null}. */
	private VirtualSchema shownIn() {
		return (this.version != null) ? this.version.showing(this) : null;
	}

	/** Fails when this table belongs to a snapshot: a change there would alter history. */
	private void checkWritable() {
		if (this.version != null && this.version.isSnapshot()) {
			throw new IllegalStateException("table \"" + this.name + "\" belongs to a snapshot of the schema, which "
					+ "cannot change; take the table from the current schema to change it");
		}
	}

	public String name() {
		return this.name;
	}

	void rename(String newName) {
		checkWritable();
		this.name = newName;
	}

	public String physicalName() {
		return this.physicalName;
	}

	public void setPhysicalName(String physicalName) {
		checkWritable();
		VirtualSchema shown = shownIn();
		if (shown != null) {
			shown.unregister(this);
		}
		this.physicalName = physicalName;
		if (shown != null) {
			shown.register(this);
		}
	}

	public boolean createdInMigration() {
		return this.createdInMigration;
	}

	public String comment() {
		return this.comment;
	}

	/** Visible columns in table order. */
	public List<VirtualColumn> columns() {
		List<VirtualColumn> ordered = new ArrayList<>(this.columns.values());
		ordered.sort(Comparator.comparingInt(VirtualColumn::position));
		return ordered;
	}

	public Optional<VirtualColumn> column(String name) {
		return Optional.ofNullable(this.columns.get(name));
	}

	public Optional<VirtualColumn> columnByPhysicalName(String physical) {
		String visible = this.columnsByPhysicalName.get(physical);
		return (visible != null) ? column(visible) : Optional.empty();
	}

	/** Whether a physical column of this name exists, visible or not. */
	public boolean hasPhysicalColumn(String physical) {
		return this.columnsByPhysicalName.containsKey(physical) || this.hiddenColumns.containsKey(physical);
	}

	public void addColumn(VirtualColumn column) {
		checkWritable();
		VirtualColumn replaced = this.columns.get(column.name());
		if (replaced != null) {
			this.columnsByPhysicalName = this.columnsByPhysicalName.remove(replaced.physicalName());
		}
		this.columns = this.columns.put(column.name(), column);
		this.columnsByPhysicalName = this.columnsByPhysicalName.put(column.physicalName(), column.name());
		this.lastPosition = Math.max(this.lastPosition, column.position());
	}

	/** Hides a column from this version; its physical column stays until the migration completes. */
	public VirtualColumn hideColumn(String name) {
		checkWritable();
		VirtualColumn removed = this.columns.get(name);
		if (removed != null) {
			this.columns = this.columns.remove(name);
			this.columnsByPhysicalName = this.columnsByPhysicalName.remove(removed.physicalName());
			this.hiddenColumns = this.hiddenColumns.put(removed.physicalName(), removed);
		}
		return removed;
	}

	public void renameColumn(String from, String to) {
		checkWritable();
		VirtualColumn column = this.columns.get(from);
		this.columns = this.columns.remove(from);
		addColumn(column.withName(to));
	}

	public int nextPosition() {
		return this.lastPosition + 1;
	}

	/** Virtual column name to physical column name, for visible columns. */
	public Map<String, String> physicalNamesByColumn() {
		Map<String, String> names = new LinkedHashMap<>();
		columns().forEach((c) -> names.put(c.name(), c.physicalName()));
		return names;
	}

	/** The constraints, in the order they were read or added; a view that later changes do not affect. */
	public Collection<ConstraintSnapshot> constraints() {
		return this.constraints.values();
	}

	public Optional<ConstraintSnapshot> constraint(String name) {
		return Optional.ofNullable(this.constraints.get(name));
	}

	public void addConstraint(ConstraintSnapshot constraint) {
		checkWritable();
		ConstraintSnapshot replaced = this.constraints.get(constraint.name());
		this.constraints = this.constraints.put(constraint.name(), constraint);
		VirtualSchema shown = shownIn();
		if (shown != null) {
			if (replaced != null) {
				shown.constraintRemoved(this, replaced);
			}
			shown.constraintAdded(this, constraint);
		}
	}

	public void removeConstraint(String name) {
		checkWritable();
		ConstraintSnapshot removed = this.constraints.get(name);
		if (removed != null) {
			this.constraints = this.constraints.remove(name);
			VirtualSchema shown = shownIn();
			if (shown != null) {
				shown.constraintRemoved(this, removed);
			}
		}
	}

	/** The indexes, in the order they were read or added; a view that later changes do not affect. */
	public Collection<IndexSnapshot> indexes() {
		return this.indexes.values();
	}

	public Optional<IndexSnapshot> index(String name) {
		return Optional.ofNullable(this.indexes.get(name));
	}

	public void addIndex(IndexSnapshot index) {
		checkWritable();
		this.indexes = this.indexes.put(index.name(), index);
		VirtualSchema shown = shownIn();
		if (shown != null) {
			shown.indexAdded(this, index);
		}
	}

	/** Adds an index the active migration builds; it may not exist yet while the start transaction runs. */
	public void addCreatedIndex(IndexSnapshot index) {
		addIndex(index);
		this.indexesCreatedInMigration = this.indexesCreatedInMigration.put(index.name(), Boolean.TRUE);
	}

	public boolean isIndexCreatedInMigration(String name) {
		return this.indexesCreatedInMigration.containsKey(name);
	}

	public void removeIndex(String name) {
		checkWritable();
		IndexSnapshot removed = this.indexes.get(name);
		if (removed != null) {
			this.indexes = this.indexes.remove(name);
			VirtualSchema shown = shownIn();
			if (shown != null) {
				shown.indexRemoved(this, removed);
			}
		}
		this.indexesCreatedInMigration = this.indexesCreatedInMigration.remove(name);
	}

	/** Primary key columns, by physical name. */
	public List<String> primaryKey() {
		return this.primaryKey;
	}

	public void setPrimaryKey(List<String> physicalColumns) {
		checkWritable();
		this.primaryKey = List.copyOf(physicalColumns);
	}

	/** Sequences owned by the table's serial and identity columns, as read from the catalog. */
	public List<String> ownedSequences() {
		return this.ownedSequences;
	}

	/** Whether the table is partitioned. */
	public boolean isPartitioned() {
		return this.partitioned;
	}

	/** Tables this one inherits from or that inherit from it (table inheritance, not partitioning). */
	public List<String> inheritanceTables() {
		return this.inheritanceTables;
	}

	public String replicaIdentity() {
		return this.replicaIdentity;
	}

	public String replicaIdentityIndex() {
		return this.replicaIdentityIndex;
	}

	public void setReplicaIdentity(String identity, String index) {
		checkWritable();
		this.replicaIdentity = identity;
		this.replicaIdentityIndex = index;
	}

}
