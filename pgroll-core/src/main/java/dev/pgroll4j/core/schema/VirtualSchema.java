package dev.pgroll4j.core.schema;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A schema as one version sees it. Validation starts from the physical snapshot and applies each operation in
 * turn, so later operations of a migration see the effect of earlier ones (a table created, a column renamed).
 */
public final class VirtualSchema {

	private final String name;

	private final Map<String, VirtualTable> tables = new LinkedHashMap<>();

	private final List<VirtualTable> removedTables = new ArrayList<>();

	private final Set<String> occupiedNames = new LinkedHashSet<>();

	private VirtualSchema(String name) {
		this.name = name;
	}

	public static VirtualSchema of(SchemaSnapshot snapshot) {
		VirtualSchema schema = new VirtualSchema(snapshot.name());
		snapshot.tables().forEach((table) -> schema.tables.put(table.name(), VirtualTable.of(table)));
		schema.occupiedNames.addAll(snapshot.occupiedNames());
		return schema;
	}

	public VirtualSchema copy() {
		VirtualSchema copy = new VirtualSchema(this.name);
		this.tables.forEach((key, table) -> copy.tables.put(key, table.copy()));
		this.removedTables.forEach((table) -> copy.removedTables.add(table.copy()));
		copy.occupiedNames.addAll(this.occupiedNames);
		return copy;
	}

	public String name() {
		return this.name;
	}

	/** Tables visible in this version, in the order they were read or created. */
	public Collection<VirtualTable> tables() {
		return this.tables.values();
	}

	public Optional<VirtualTable> table(String name) {
		return Optional.ofNullable(this.tables.get(name));
	}

	/** A visible or removed table by its physical name. */
	public Optional<VirtualTable> tableByPhysicalName(String physical) {
		for (VirtualTable table : this.tables.values()) {
			if (table.physicalName().equals(physical)) {
				return Optional.of(table);
			}
		}
		return this.removedTables.stream().filter((t) -> t.physicalName().equals(physical)).findFirst();
	}

	public void addTable(VirtualTable table) {
		this.tables.put(table.name(), table);
		this.occupiedNames.add(table.physicalName());
	}

	/** Hides a table from this version; the physical table stays until the migration completes. */
	public VirtualTable removeTable(String name) {
		VirtualTable removed = this.tables.remove(name);
		if (removed != null) {
			this.removedTables.add(removed);
		}
		return removed;
	}

	public void renameTable(String from, String to) {
		VirtualTable table = this.tables.remove(from);
		table.rename(to);
		this.tables.put(to, table);
	}

	/**
	 * Whether a relation or type of this physical name exists in the schema or will exist once the migration
	 * completes.
	 */
	public boolean isOccupied(String physicalName) {
		return this.occupiedNames.contains(physicalName);
	}

	public void occupy(String physicalName) {
		this.occupiedNames.add(physicalName);
	}

	public void release(String physicalName) {
		this.occupiedNames.remove(physicalName);
	}

	/** The visible table that holds an index of this name. */
	public Optional<VirtualTable> tableWithIndex(String indexName) {
		return this.tables.values().stream().filter((t) -> t.index(indexName).isPresent()).findFirst();
	}

	/** Constraints in other visible tables whose foreign keys reference the given physical table. */
	public List<ConstraintSnapshot> foreignKeysReferencing(String physicalTable) {
		List<ConstraintSnapshot> result = new ArrayList<>();
		for (VirtualTable table : this.tables.values()) {
			for (ConstraintSnapshot constraint : table.constraints()) {
				if (constraint.type().equals("f") && physicalTable.equals(constraint.referencedTable())
						&& (constraint.referencedSchema() == null || this.name.equals(constraint.referencedSchema()))
						&& !table.physicalName().equals(physicalTable)) {
					result.add(constraint);
				}
			}
		}
		return result;
	}

	/**
	 * Orders each table's columns as the same-named table of {@code reference} orders them; columns the reference
	 * does not know go last. After complete, a column that replaced another keeps the place of the one it replaced.
	 */
	public void orderColumnsLike(VirtualSchema reference) {
		for (VirtualTable table : this.tables.values()) {
			VirtualTable model = reference.tables.get(table.name());
			if (model == null) {
				continue;
			}
			for (VirtualColumn column : table.columns()) {
				int position = model.column(column.name())
					.map(VirtualColumn::position)
					.orElse(100_000 + column.position());
				table.addColumn(column.withPosition(position));
			}
		}
	}

}
