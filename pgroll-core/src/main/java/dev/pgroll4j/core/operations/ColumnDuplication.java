package dev.pgroll4j.core.operations;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.pgroll4j.core.schema.ConstraintSnapshot;
import dev.pgroll4j.core.schema.ConstraintType;
import dev.pgroll4j.core.schema.IndexSnapshot;
import dev.pgroll4j.core.schema.VirtualColumn;
import dev.pgroll4j.core.schema.VirtualSchema;
import dev.pgroll4j.core.schema.VirtualTable;
import dev.pgroll4j.core.sql.Grants;
import dev.pgroll4j.core.sql.InternalNames;
import dev.pgroll4j.core.sql.Sql;
import dev.pgroll4j.core.sql.SqlText;

/**
 * Replaces columns of an existing table with new physical columns while both versions run, keeping everything
 * the old column had except what the migration changes: default, NOT NULL, comment, check constraints, foreign
 * keys it holds and foreign keys pointing at it, unique constraints, primary-key membership, every index (partial,
 * expression, multi-column), and its serial or identity sequence.
 *
 * <p>At start each copy is made without scanning or rewriting the table: constraints {@code NOT VALID}, indexes
 * {@code CONCURRENTLY}, foreign keys of other tables once the backfill has filled the copy. At complete the copies
 * are validated, the old column is dropped and every copy takes the original's name. Rollback drops the new
 * column, which takes its copies with it.
 *
 * <p>Constraints and indexes are copied from PostgreSQL's own definitions ({@code pg_get_constraintdef},
 * {@code pg_get_indexdef}) with column references renamed by {@link SqlText}, so nothing about them is lost.
 *
 * <p>Why one file of ~500 lines: each kind of dependent object is copied at start, validated at complete and
 * renamed into place in the same pass, and reads best beside its two other phases.
 */
final class ColumnDuplication {

	/**
	 * What changes in one column; {@code null} keeps the column's own value.
	 *
	 * @param dropDefault the new column has no default
	 * @param dropComment the new column has no comment
	 */
	record Change(String type, Boolean nullable, String defaultValue, boolean dropDefault, String comment,
			boolean dropComment) {

		static final Change NONE = new Change(null, null, null, false, null, false);

	}

	private final VirtualSchema schema;

	private final VirtualTable table;

	private final List<VirtualColumn> columns;

	private final Map<String, Change> changes;

	private final Set<String> droppedConstraints;

	/** What each column's copy is named after, by visible name; see {@link #key}. */
	private final Map<String, String> keys = new LinkedHashMap<>();

	/**
	 * @param schema the schema before the operation
	 * @param table the table before the operation
	 * @param columns the visible names of the columns to duplicate
	 * @param changes what changes, by visible column name
	 * @param droppedConstraints constraints the copies do not get
	 */
	ColumnDuplication(VirtualSchema schema, VirtualTable table, List<String> columns, Map<String, Change> changes,
			Set<String> droppedConstraints) {
		this.schema = schema;
		this.table = table;
		this.columns = columns.stream().map((name) -> table.column(name).orElseThrow()).toList();
		this.changes = changes;
		this.droppedConstraints = droppedConstraints;
		this.columns.forEach((column) -> this.keys.put(column.name(), key(table, column)));
	}

	private Change change(VirtualColumn column) {
		return this.changes.getOrDefault(column.name(), Change.NONE);
	}

	private Set<String> physicalColumns() {
		return Set.copyOf(this.columns.stream().map(VirtualColumn::physicalName).toList());
	}

	/** Old physical name to the duplicate's physical name. */
	private Map<String, String> renames() {
		Map<String, String> renames = new LinkedHashMap<>();
		this.columns.forEach((column) -> renames.put(column.physicalName(), temporary(column)));
		return renames;
	}

	/**
	 * The physical name of a column's copy.
	 * @param table the table before the operation that copies it
	 */
	static String temporary(VirtualTable table, VirtualColumn column) {
		return InternalNames.temporaryColumn(key(table, column));
	}

	/**
	 * What a column's copy and its NOT NULL check are named after: the column's name, or, when an earlier operation
	 * of the migration or rollout already made a copy of that name (the column is changed a second time), the name
	 * with the first free suffix. The table before the operation decides, so every phase finds the same name.
	 */
	private static String key(VirtualTable table, VirtualColumn column) {
		String key = column.name();
		for (int n = 2; table.hasPhysicalColumn(InternalNames.temporaryColumn(key)); n++) {
			key = column.name() + "_" + n;
		}
		return key;
	}

	private String temporary(VirtualColumn column) {
		return InternalNames.temporaryColumn(this.keys.get(column.name()));
	}

	private boolean touches(List<String> physical) {
		Set<String> duplicated = physicalColumns();
		return physical.stream().anyMatch((column) -> column != null && duplicated.contains(column));
	}

	/** Constraints of the table the copies get, of the given type. */
	private List<ConstraintSnapshot> copiedConstraints(ConstraintType type) {
		return this.table.constraints().stream()
			.filter((c) -> c.type() == type && touches(c.columns()) && !this.droppedConstraints.contains(c.name()))
			.toList();
	}

	/** Indexes that belong to no constraint and cover a duplicated column. */
	private List<IndexSnapshot> copiedIndexes() {
		return this.table.indexes().stream().filter((i) -> i.constraint() == null && touches(i.allColumns())).toList();
	}

	/**
	 * Foreign keys of any table that reference a duplicated column, with the physical name of the table that holds
	 * each.
	 */
	private List<Map.Entry<String, ConstraintSnapshot>> inboundForeignKeys() {
		Map<List<String>, Map.Entry<String, ConstraintSnapshot>> inbound = new LinkedHashMap<>();
		for (VirtualColumn column : this.columns) {
			for (VirtualSchema.ForeignKey key : this.schema.foreignKeysTo(this.table.physicalName(),
					column.physicalName())) {
				ConstraintSnapshot constraint = key.constraint();
				if (constraint.referencedSchema() == null || constraint.referencedSchema().equals(this.schema.name())) {
					inbound.putIfAbsent(List.of(key.table().physicalName(), constraint.name()),
							Map.entry(key.table().physicalName(), constraint));
				}
			}
		}
		return new ArrayList<>(inbound.values());
	}

	/** Refuses what cannot be duplicated without blocking clients or losing something. */
	void validate(ValidationContext context, String field) {
		Clauses.requireTriggerableTable(context, field, this.table, "replacing a column");
		Clauses.requireConcurrentIndexes(context, field, this.table, "replacing a column");
		for (VirtualColumn column : this.columns) {
			if (column.createdInMigration() && (column.isIdentity() || column.ownedSequence() != null)) {
				throw context.invalid(field, "column \"" + column.name() + "\" is added or already changed earlier in "
						+ "this migration or rollout and draws from a sequence, which cannot be copied again; change it "
						+ "in a later release");
			}
			if (column.isGenerated()) {
				throw context.invalid(field, "column \"" + column.name() + "\" is a generated column; replacing it "
						+ "would rewrite the whole table under an exclusive lock");
			}
			for (VirtualColumn other : this.table.columns()) {
				if (other.isGenerated() && SqlText.mentions(other.generatedExpression(), column.physicalName())) {
					throw context.invalid(field, "column \"" + column.name() + "\" is used by generated column \""
							+ other.name() + "\", which would have to be rebuilt with a table rewrite");
				}
			}
			List<String> dependents = context.dependentsOf(this.table.physicalName(), column.physicalName(), true);
			if (!dependents.isEmpty()) {
				throw context.invalid(field, "column \"" + column.name() + "\" is used by "
						+ String.join(", ", dependents) + ", which cannot move to the column's replacement; drop or "
						+ "change them first, then recreate them in a later migration");
			}
		}
		for (ConstraintSnapshot constraint : this.table.constraints()) {
			if (!touches(constraint.columns()) || this.droppedConstraints.contains(constraint.name())) {
				continue;
			}
			if (constraint.type() == ConstraintType.EXCLUSION) {
				throw context.invalid(field, "exclusion constraint \"" + constraint.name() + "\" covers the column; "
						+ "it cannot be rebuilt without blocking writes");
			}
			if (constraint.definition() == null && constraint.type() != ConstraintType.NOT_NULL) {
				throw context.invalid(field, "constraint \"" + constraint.name() + "\" was added earlier in this "
						+ "migration or rollout; change the column in a later release");
			}
		}
		for (IndexSnapshot index : copiedIndexes()) {
			if (index.definition() == null) {
				throw context.invalid(field, "index \"" + index.name() + "\" was created earlier in this migration "
						+ "or rollout; change the column in a later release");
			}
		}
		for (String name : copyNames()) {
			if (this.schema.isOccupied(InternalNames.duplicate(name))) {
				throw context.invalid(field, "a relation named \"" + InternalNames.duplicate(name)
						+ "\" is left over from an earlier migration");
			}
		}
	}

	/** Names of the indexes and sequences whose copies take a relation name. */
	private List<String> copyNames() {
		List<String> names = new ArrayList<>();
		copiedConstraints(ConstraintType.UNIQUE).forEach((c) -> names.add(c.name()));
		copiedConstraints(ConstraintType.PRIMARY_KEY).forEach((c) -> names.add(c.name()));
		copiedIndexes().forEach((i) -> names.add(i.name()));
		this.columns.stream().filter(VirtualColumn::isIdentity).forEach((c) -> names.add(c.ownedSequence()));
		return names;
	}

	/** Applies the duplication to {@code table} (the virtual table being validated). */
	void apply(VirtualTable target) {
		Map<String, String> renames = renames();
		List<String> copies = copyNames();
		for (VirtualColumn column : this.columns) {
			Change change = change(column);
			target.addColumn(column.duplicatedAs(temporary(column),
					(change.type() != null) ? change.type() : column.type(),
					(change.nullable() != null) ? change.nullable() : column.nullable(),
					change.dropDefault() ? null
							: (change.defaultValue() != null) ? change.defaultValue() : column.defaultExpression(),
					change.dropComment() ? null : (change.comment() != null) ? change.comment() : column.comment()));
		}
		for (ConstraintSnapshot constraint : List.copyOf(target.constraints())) {
			if (!touches(constraint.columns())) {
				continue;
			}
			target.removeConstraint(constraint.name());
			if (!this.droppedConstraints.contains(constraint.name())) {
				target.addConstraint(new ConstraintSnapshot(constraint.name(), constraint.type(),
						rename(constraint.columns(), renames), constraint.definition(), constraint.validated(),
						constraint.referencedSchema(), constraint.referencedTable(), constraint.referencedColumns(),
						constraint.index()));
			}
		}
		for (IndexSnapshot index : List.copyOf(target.indexes())) {
			if (touches(index.allColumns())) {
				target.removeIndex(index.name());
				target.addIndex(new IndexSnapshot(index.name(), index.unique(), index.primary(), index.valid(),
						rename(index.columns(), renames), index.predicate(), index.method(), index.definition(),
						index.constraint(), renameNullable(index.usedColumns(), renames)));
			}
		}
		target.setPrimaryKey(rename(target.primaryKey(), renames));
		copies.forEach((name) -> this.schema.occupy(InternalNames.duplicate(name)));
	}

	private static List<String> renameNullable(List<String> columns, Map<String, String> renames) {
		return (columns != null) ? rename(columns, renames) : null;
	}

	private static List<String> rename(List<String> columns, Map<String, String> renames) {
		return columns.stream().map((c) -> (c != null) ? renames.getOrDefault(c, c) : null).toList();
	}

	void start(StartContext context) {
		String table = context.qualified(this.table.physicalName());
		Map<String, String> renames = renames();
		for (VirtualColumn column : this.columns) {
			Change change = change(column);
			String temporary = Sql.ident(temporary(column));
			context.execute("ALTER TABLE " + table + " ADD COLUMN " + temporary + " "
					+ ((change.type() != null) ? change.type() : column.type()));
			String defaultValue = change.dropDefault() ? null
					: (change.defaultValue() != null) ? change.defaultValue() : column.defaultExpression();
			if (column.isIdentity() && !change.dropDefault() && change.defaultValue() == null) {
				// The copy draws from the identity's sequence while both versions insert.
				defaultValue = "nextval(" + Sql.literal(Sql.qualified(context.schemaName(), column.ownedSequence()))
						+ "::regclass)";
			}
			if (defaultValue != null) {
				context.execute("ALTER TABLE " + table + " ALTER COLUMN " + temporary + " SET DEFAULT " + defaultValue);
			}
			String comment = change.dropComment() ? null : (change.comment() != null) ? change.comment() : column.comment();
			if (comment != null) {
				context.execute("COMMENT ON COLUMN " + table + "." + temporary + " IS " + Sql.literal(comment));
			}
			context.execute(Grants.copyColumnGrants(table, column.physicalName(), temporary(column)));
			if (!finalNullable(column)) {
				context.execute("ALTER TABLE " + table + " ADD CONSTRAINT " + Sql.ident(notNullCheck(column))
						+ " CHECK (" + temporary + " IS NOT NULL) NOT VALID");
			}
		}
		for (ConstraintSnapshot check : copiedConstraints(ConstraintType.CHECK)) {
			context.execute("ALTER TABLE " + table + " ADD CONSTRAINT " + Sql.ident(InternalNames.duplicate(check.name()))
					+ " " + SqlText.renameColumns(withoutNotValid(check.definition()), renames) + " NOT VALID");
		}
		for (ConstraintSnapshot foreignKey : copiedConstraints(ConstraintType.FOREIGN_KEY)) {
			context.execute("ALTER TABLE " + table + " ADD CONSTRAINT "
					+ Sql.ident(InternalNames.duplicate(foreignKey.name())) + " "
					+ renameLocalColumns(withoutNotValid(foreignKey.definition()), renames) + " NOT VALID");
		}
		for (ConstraintSnapshot key : concat(copiedConstraints(ConstraintType.UNIQUE),
				copiedConstraints(ConstraintType.PRIMARY_KEY))) {
			IndexSnapshot index = this.table.index(key.index()).orElseThrow();
			buildIndexCopy(context, index, InternalNames.duplicate(key.name()), renames);
		}
		for (IndexSnapshot index : copiedIndexes()) {
			buildIndexCopy(context, index, InternalNames.duplicate(index.name()), renames);
		}
		for (VirtualColumn column : this.columns) {
			if (!finalNullable(column)) {
				context.validateAfterBackfill(this.table.physicalName(), notNullCheck(column));
			}
		}
		for (ConstraintSnapshot constraint : concat(copiedConstraints(ConstraintType.CHECK),
				copiedConstraints(ConstraintType.FOREIGN_KEY))) {
			if (constraint.validated()) {
				context.validateAfterBackfill(this.table.physicalName(), InternalNames.duplicate(constraint.name()));
			}
		}
		for (Map.Entry<String, ConstraintSnapshot> inbound : inboundForeignKeys()) {
			String owner = context.qualified(inbound.getKey());
			String copy = Sql.ident(InternalNames.duplicate(inbound.getValue().name()));
			context.executeAfterBackfill("ALTER TABLE " + owner + " ADD CONSTRAINT " + copy + " "
					+ renameReferencedColumns(withoutNotValid(inbound.getValue().definition()), renames) + " NOT VALID",
					"ALTER TABLE IF EXISTS " + owner + " DROP CONSTRAINT IF EXISTS " + copy);
		}
		for (Map.Entry<String, ConstraintSnapshot> inbound : inboundForeignKeys()) {
			if (inbound.getValue().validated()) {
				context.validateAfterBackfill(inbound.getKey(), InternalNames.duplicate(inbound.getValue().name()));
			}
		}
	}

	private boolean finalNullable(VirtualColumn column) {
		Change change = change(column);
		return (change.nullable() != null) ? change.nullable() : column.nullable();
	}

	/** The NOT NULL constraint's name the column had (PostgreSQL 18), else the one PostgreSQL would give it. */
	private String notNullConstraintName(VirtualColumn column) {
		return this.table.constraints().stream()
			.filter((c) -> c.type() == ConstraintType.NOT_NULL && c.columns().equals(List.of(column.physicalName())))
			.map(ConstraintSnapshot::name)
			.findFirst()
			.orElse(InternalNames.notNullConstraint(this.table.name(), column.name()));
	}

	private String notNullCheck(VirtualColumn column) {
		return InternalNames.notNullCheck(this.keys.get(column.name()));
	}

	/** Builds the copy of an index from its definition, CONCURRENTLY, with the duplicated columns renamed. */
	private void buildIndexCopy(StartContext context, IndexSnapshot index, String copyName,
			Map<String, String> renames) {
		String definition = index.definition();
		int using = definition.indexOf(" USING ", definition.indexOf(" ON "));
		String body = SqlText.renameColumns(definition.substring(using + 1), renames);
		String kind = definition.startsWith("CREATE UNIQUE") ? "CREATE UNIQUE INDEX" : "CREATE INDEX";
		String table = context.qualified(this.table.physicalName());
		context.executeConcurrently(kind + " CONCURRENTLY " + Sql.ident(copyName) + " ON " + table + " " + body,
				"DROP INDEX CONCURRENTLY IF EXISTS " + Sql.qualified(context.schemaName(), copyName));
	}

	/** {@code FOREIGN KEY (a) REFERENCES t(b) ...}: renames in the local column list only. */
	private static String renameLocalColumns(String definition, Map<String, String> renames) {
		int references = definition.indexOf(" REFERENCES ");
		return SqlText.renameColumns(definition.substring(0, references), renames) + definition.substring(references);
	}

	/** {@code FOREIGN KEY (a) REFERENCES t(b) ...}: renames in the referenced column list only. */
	private static String renameReferencedColumns(String definition, Map<String, String> renames) {
		int references = definition.indexOf(" REFERENCES ");
		int open = definition.indexOf('(', references);
		int close = definition.indexOf(')', open);
		return definition.substring(0, open + 1)
				+ SqlText.renameColumns(definition.substring(open + 1, close), renames) + definition.substring(close);
	}

	private static String withoutNotValid(String definition) {
		return definition.endsWith(" NOT VALID") ? definition.substring(0, definition.length() - " NOT VALID".length())
				: definition;
	}

	private static <T> List<T> concat(List<T> first, List<T> second) {
		List<T> all = new ArrayList<>(first);
		all.addAll(second);
		return all;
	}

	void complete(CompleteContext context) {
		String physicalTable = this.table.physicalName();
		for (VirtualColumn column : this.columns) {
			if (!finalNullable(column)) {
				context.validateConstraint(physicalTable, notNullCheck(column));
			}
		}
		// A copy of a constraint that was never validated stays unvalidated, like the original.
		for (ConstraintSnapshot constraint : concat(copiedConstraints(ConstraintType.CHECK),
				copiedConstraints(ConstraintType.FOREIGN_KEY))) {
			if (constraint.validated()) {
				context.validateConstraint(physicalTable, InternalNames.duplicate(constraint.name()));
			}
		}
		for (Map.Entry<String, ConstraintSnapshot> inbound : inboundForeignKeys()) {
			if (inbound.getValue().validated()) {
				context.validateConstraint(inbound.getKey(), InternalNames.duplicate(inbound.getValue().name()));
			}
		}

		String table = context.table(physicalTable);
		for (VirtualColumn column : this.columns) {
			String temporary = temporary(column);
			if (!finalNullable(column)) {
				// The validated check lets SET NOT NULL skip its own scan of the table.
				context.execute("ALTER TABLE " + table + " ALTER COLUMN " + context.column(physicalTable, temporary)
						+ " SET NOT NULL");
				context.execute("ALTER TABLE " + table + " DROP CONSTRAINT " + Sql.ident(notNullCheck(column)));
			}
			if (column.ownedSequence() != null && !column.isIdentity()) {
				// A serial's sequence would go with the old column; the new one owns it now.
				context.execute("ALTER SEQUENCE " + Sql.qualified(context.schemaName(), column.ownedSequence())
						+ " OWNED BY " + table + "." + context.column(physicalTable, temporary));
			}
			if (column.isIdentity()) {
				completeIdentity(context, column, table);
			}
		}
		for (Map.Entry<String, ConstraintSnapshot> inbound : inboundForeignKeys()) {
			context.execute("ALTER TABLE " + context.table(inbound.getKey()) + " DROP CONSTRAINT "
					+ Sql.ident(inbound.getValue().name()));
		}
		for (VirtualColumn column : this.columns) {
			context.execute("ALTER TABLE " + table + " DROP COLUMN " + context.column(physicalTable,
					column.physicalName()));
		}
		for (VirtualColumn column : this.columns) {
			context.renameColumn(physicalTable, temporary(column), column.name());
			if (!finalNullable(column)) {
				context.execute(Sql.renameNotNullConstraint(context.table(physicalTable), column.name(),
						notNullConstraintName(column)));
			}
		}
		for (IndexSnapshot index : copiedIndexes()) {
			context.execute("ALTER INDEX " + Sql.qualified(context.schemaName(), InternalNames.duplicate(index.name()))
					+ " RENAME TO " + Sql.ident(index.name()));
		}
		for (VirtualColumn column : this.columns) {
			context.execute(Sql.renameIndexColumns(table, temporary(column), column.name()));
		}
		for (ConstraintSnapshot key : concat(copiedConstraints(ConstraintType.UNIQUE),
				copiedConstraints(ConstraintType.PRIMARY_KEY))) {
			String kind = key.type() == ConstraintType.PRIMARY_KEY ? " PRIMARY KEY" : " UNIQUE";
			context.execute("ALTER TABLE " + table + " ADD CONSTRAINT " + Sql.ident(key.name()) + kind + " USING INDEX "
					+ Sql.ident(InternalNames.duplicate(key.name())) + deferrable(key.definition()));
		}
		for (ConstraintSnapshot constraint : concat(copiedConstraints(ConstraintType.CHECK),
				copiedConstraints(ConstraintType.FOREIGN_KEY))) {
			context.execute("ALTER TABLE " + table + " RENAME CONSTRAINT "
					+ Sql.ident(InternalNames.duplicate(constraint.name())) + " TO " + Sql.ident(constraint.name()));
		}
		for (Map.Entry<String, ConstraintSnapshot> inbound : inboundForeignKeys()) {
			context.execute("ALTER TABLE " + context.table(inbound.getKey()) + " RENAME CONSTRAINT "
					+ Sql.ident(InternalNames.duplicate(inbound.getValue().name())) + " TO "
					+ Sql.ident(inbound.getValue().name()));
		}
		for (VirtualColumn column : this.columns) {
			if (column.isIdentity()) {
				context.execute("ALTER SEQUENCE "
						+ Sql.qualified(context.schemaName(), InternalNames.duplicate(column.ownedSequence()))
						+ " RENAME TO " + Sql.ident(column.ownedSequence()));
			}
		}
		String replicaIndex = this.table.replicaIdentityIndex();
		if (replicaIndex != null && copyNames().contains(replicaIndex)) {
			context.execute("ALTER TABLE " + table + " REPLICA IDENTITY USING INDEX " + Sql.ident(replicaIndex));
		}
	}

	/**
	 * The copy becomes an identity column with a sequence of its own that continues where the old one stood; the
	 * old sequence goes with the old column.
	 */
	private void completeIdentity(CompleteContext context, VirtualColumn column, String table) {
		String physicalTable = this.table.physicalName();
		String temporary = context.column(physicalTable, temporary(column));
		String oldSequence = Sql.qualified(context.schemaName(), column.ownedSequence());
		String newSequence = Sql.qualified(context.schemaName(), InternalNames.duplicate(column.ownedSequence()));
		String kind = column.identity().equals("a") ? "ALWAYS" : "BY DEFAULT";
		context.execute("ALTER TABLE " + table + " ALTER COLUMN " + temporary + " DROP DEFAULT");
		// The old sequence's options carry over; bounds that are just its type's defaults follow a type change.
		context.execute("""
				DO $pgroll$ DECLARE s pg_sequence; type_min bigint; type_max bigint; BEGIN
				  SELECT * INTO s FROM pg_sequence WHERE seqrelid = %1$s::regclass;
				  type_max := CASE s.seqtypid WHEN 'int2'::regtype THEN 32767 WHEN 'int4'::regtype THEN 2147483647
				                ELSE 9223372036854775807 END;
				  type_min := CASE s.seqtypid WHEN 'int2'::regtype THEN -32768 WHEN 'int4'::regtype THEN -2147483648
				                ELSE -9223372036854775808 END;
				  EXECUTE format('ALTER TABLE %%s ALTER COLUMN %%s ADD GENERATED %2$s AS IDENTITY (SEQUENCE NAME %%s '
				      || 'START WITH %%s INCREMENT BY %%s CACHE %%s %%s %%s %%s)', %3$s, %4$s, %5$s,
				      s.seqstart, s.seqincrement, s.seqcache, CASE WHEN s.seqcycle THEN 'CYCLE' ELSE 'NO CYCLE' END,
				      CASE WHEN s.seqmin IN (1, type_min) THEN '' ELSE 'MINVALUE ' || s.seqmin END,
				      CASE WHEN s.seqmax IN (-1, type_max) THEN '' ELSE 'MAXVALUE ' || s.seqmax END);
				END $pgroll$""".formatted(Sql.literal(oldSequence), kind, Sql.literal(table), Sql.literal(temporary),
				Sql.literal(newSequence)));
		context.execute("SELECT setval(" + Sql.literal(newSequence) + ", last_value, is_called) FROM " + oldSequence);
	}

	private static String deferrable(String definition) {
		if (definition == null || !definition.contains("DEFERRABLE") || definition.contains("NOT DEFERRABLE")) {
			return "";
		}
		return definition.contains("INITIALLY DEFERRED") ? " DEFERRABLE INITIALLY DEFERRED" : " DEFERRABLE";
	}

	void rollback(RollbackContext context) {
		for (Map.Entry<String, ConstraintSnapshot> inbound : inboundForeignKeys()) {
			context.execute("ALTER TABLE IF EXISTS " + context.qualified(inbound.getKey()) + " DROP CONSTRAINT IF EXISTS "
					+ Sql.ident(InternalNames.duplicate(inbound.getValue().name())));
		}
		String table = context.qualified(this.table.physicalName());
		for (VirtualColumn column : this.columns) {
			// Dropping the copy drops its constraints and index copies too, valid or half-built.
			context.execute("ALTER TABLE IF EXISTS " + table + " DROP COLUMN IF EXISTS "
					+ Sql.ident(temporary(column)));
		}
	}

}
