package dev.pgroll4j.core.schema;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A table as one version of the schema sees it: virtual column names mapped to physical columns. Constraints and
 * indexes are kept by physical column name, which does not change while a migration is active.
 */
public final class VirtualTable {

	private String name;

	private String physicalName;

	private final boolean createdInMigration;

	private final String comment;

	private final Map<String, VirtualColumn> columns = new LinkedHashMap<>();

	private final List<VirtualColumn> hiddenColumns = new ArrayList<>();

	private final Map<String, ConstraintSnapshot> constraints = new LinkedHashMap<>();

	private final Map<String, IndexSnapshot> indexes = new LinkedHashMap<>();

	private final Set<String> indexesCreatedInMigration = new HashSet<>();

	private List<String> primaryKey;

	private List<String> ownedSequences = List.of();

	private String replicaIdentity;

	private String replicaIdentityIndex;

	private boolean partitioned;

	private List<String> inheritanceTables = List.of();

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

	VirtualTable copy() {
		VirtualTable copy = new VirtualTable(this.name, this.physicalName, this.createdInMigration, this.comment,
				this.primaryKey);
		copy.columns.putAll(this.columns);
		copy.hiddenColumns.addAll(this.hiddenColumns);
		copy.constraints.putAll(this.constraints);
		copy.indexes.putAll(this.indexes);
		copy.indexesCreatedInMigration.addAll(this.indexesCreatedInMigration);
		copy.ownedSequences = this.ownedSequences;
		copy.replicaIdentity = this.replicaIdentity;
		copy.replicaIdentityIndex = this.replicaIdentityIndex;
		copy.partitioned = this.partitioned;
		copy.inheritanceTables = this.inheritanceTables;
		return copy;
	}

	public String name() {
		return this.name;
	}

	void rename(String newName) {
		this.name = newName;
	}

	public String physicalName() {
		return this.physicalName;
	}

	public void setPhysicalName(String physicalName) {
		this.physicalName = physicalName;
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
		return this.columns.values().stream().filter((c) -> c.physicalName().equals(physical)).findFirst();
	}

	/** Whether a physical column of this name exists, visible or not. */
	public boolean hasPhysicalColumn(String physical) {
		return this.columns.values().stream().anyMatch((c) -> c.physicalName().equals(physical))
				|| this.hiddenColumns.stream().anyMatch((c) -> c.physicalName().equals(physical));
	}

	public void addColumn(VirtualColumn column) {
		this.columns.put(column.name(), column);
	}

	/** Hides a column from this version; its physical column stays until the migration completes. */
	public VirtualColumn hideColumn(String name) {
		VirtualColumn removed = this.columns.remove(name);
		if (removed != null) {
			this.hiddenColumns.add(removed);
		}
		return removed;
	}

	public void renameColumn(String from, String to) {
		VirtualColumn column = this.columns.remove(from);
		this.columns.put(to, column.withName(to));
	}

	public int nextPosition() {
		int max = 0;
		for (VirtualColumn column : this.columns.values()) {
			max = Math.max(max, column.position());
		}
		for (VirtualColumn column : this.hiddenColumns) {
			max = Math.max(max, column.position());
		}
		return max + 1;
	}

	/** Virtual column name to physical column name, for visible columns. */
	public Map<String, String> physicalNamesByColumn() {
		Map<String, String> names = new LinkedHashMap<>();
		columns().forEach((c) -> names.put(c.name(), c.physicalName()));
		return names;
	}

	public Collection<ConstraintSnapshot> constraints() {
		return this.constraints.values();
	}

	public Optional<ConstraintSnapshot> constraint(String name) {
		return Optional.ofNullable(this.constraints.get(name));
	}

	public void addConstraint(ConstraintSnapshot constraint) {
		this.constraints.put(constraint.name(), constraint);
	}

	public void removeConstraint(String name) {
		this.constraints.remove(name);
	}

	public Collection<IndexSnapshot> indexes() {
		return this.indexes.values();
	}

	public Optional<IndexSnapshot> index(String name) {
		return Optional.ofNullable(this.indexes.get(name));
	}

	public void addIndex(IndexSnapshot index) {
		this.indexes.put(index.name(), index);
	}

	/** Adds an index the active migration builds; it may not exist yet while the start transaction runs. */
	public void addCreatedIndex(IndexSnapshot index) {
		addIndex(index);
		this.indexesCreatedInMigration.add(index.name());
	}

	public boolean isIndexCreatedInMigration(String name) {
		return this.indexesCreatedInMigration.contains(name);
	}

	public void removeIndex(String name) {
		this.indexes.remove(name);
		this.indexesCreatedInMigration.remove(name);
	}

	/** Primary key columns, by physical name. */
	public List<String> primaryKey() {
		return this.primaryKey;
	}

	public void setPrimaryKey(List<String> physicalColumns) {
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
		this.replicaIdentity = identity;
		this.replicaIdentityIndex = index;
	}

}
