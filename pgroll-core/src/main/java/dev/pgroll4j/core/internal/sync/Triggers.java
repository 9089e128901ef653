package dev.pgroll4j.core.internal.sync;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

import dev.pgroll4j.core.VersionSelection;
import dev.pgroll4j.core.internal.catalog.Ownership;
import dev.pgroll4j.core.internal.jdbc.RetryingTransactions;
import dev.pgroll4j.core.schema.VirtualColumn;
import dev.pgroll4j.core.schema.VirtualTable;
import dev.pgroll4j.core.sql.InternalNames;
import dev.pgroll4j.core.sql.Sql;
import dev.pgroll4j.core.sql.SqlText;

/**
 * The triggers that keep both versions' columns filled while a migration is active: per table, one for old-version
 * writes ({@code _pgroll_trigger_<table>}, runs {@code up}) and one for new-version writes
 * ({@code _pgroll_write_down_<table>}, runs {@code down}), told apart by their {@code WHEN} clauses.
 *
 * <p>A write comes from the new version when the session names the new version schema, either in the
 * {@code pgroll.version_schema} setting (which this project's starter sets) or, for clients that follow pgroll's
 * advice and only set {@code search_path}, as the first existing schema on the search path. Old-version writes
 * run the {@code up} assignments, new-version writes the {@code down} assignments; each assignment sees the row's
 * columns as variables named as that version names them. Every write clears the row's backfill marker, so the
 * backfill never recomputes a row a client has written since the trigger appeared.
 *
 * <p>Assignments run with the migrated schema on the search path, as validation compiled them; an expression that
 * resolves with {@code pg_catalog} alone (and the schema defines no functions or operators that could win an
 * overload) runs on the client's path instead, which spares two {@code set_config} calls per row.
 *
 * <p>The new version schema only appears once the backfill is done, so no client of the new version can read a row
 * whose {@code up} columns still hold placeholders. A session that names the new version before then and updates
 * such a row anyway (by writing a table directly) is refused: its statement may have read a placeholder, and no
 * trigger can tell.
 *
 * <p>The backfill computes {@code up} in its own UPDATE, and the old-version trigger stands aside for exactly that
 * statement. It recognises it by a random token the engine keeps in memory and sets for the backfill's session;
 * the trigger's condition holds only the token's SHA-256, so no other session can make it stand aside.
 *
 * <p>Why one file of ~410 lines: the up and down trigger bodies, their WHEN conditions and their removal are one
 * protocol with the backfill, and split apart its parts would no longer be read together.
 */
public final class Triggers {

	/**
	 * Holds the token of the table whose backfill computes {@code up} in its own UPDATE, so that table's triggers
	 * stand aside for that statement (and only for it: writes its statement's own triggers cause still run them).
	 */
	public static final String BACKFILL_SETTING = "pgroll.backfill";

	private static final SecureRandom random = new SecureRandom();

	private final String schema;

	private final String versionSchema;

	private final Map<String, TableTrigger> tables = new LinkedHashMap<>();

	/** The position of the operation whose assignments are being added, in its rollout. */
	private int step;

	public Triggers(String schema, String versionSchema) {
		this.schema = schema;
		this.versionSchema = versionSchema;
	}

	/**
	 * Marks where the next operation's assignments begin. Old-version writes run {@code up}s in operation order and
	 * new-version writes run {@code down}s in reverse, so that a column changed twice (in one rollout) is carried
	 * through each change in turn, both ways.
	 */
	public void beginStep(int ordinal) {
		this.step = ordinal;
	}

	public void addUp(VirtualTable table, String targetColumn, String expression) {
		trigger(table).up.add(assignment(table, targetColumn, expression));
	}

	public void addDown(VirtualTable table, String targetColumn, String expression) {
		List<Assignment> down = trigger(table).down;
		Assignment assignment = assignment(table, targetColumn, expression);
		// Later operations' downs first; within one operation, in the order given.
		int at = 0;
		while (at < down.size() && down.get(at).step >= this.step) {
			at++;
		}
		down.add(at, assignment);
	}

	public boolean isEmpty() {
		return this.tables.isEmpty();
	}

	private TableTrigger trigger(VirtualTable table) {
		return this.tables.computeIfAbsent(table.physicalName(), TableTrigger::new);
	}

	private Assignment assignment(VirtualTable table, String targetColumn, String expression) {
		List<VirtualColumn> variables = new ArrayList<>();
		for (VirtualColumn column : table.columns()) {
			// Declaring only what the expression mentions keeps the per-row cost down.
			if (SqlText.mentions(expression, column.name())) {
				variables.add(column);
			}
		}
		return new Assignment(targetColumn, expression, variables, this.step);
	}

	/**
	 * Statements that create every trigger: the backfill marker column of each table that will be backfilled,
	 * then functions and triggers.
	 */
	public List<String> createStatements(Set<String> backfilledTables, PathIndependence pathIndependence) {
		List<String> statements = new ArrayList<>();
		for (TableTrigger trigger : this.tables.values()) {
			trigger.marker = backfilledTables.contains(trigger.table);
			Stream.concat(trigger.up.stream(), trigger.down.stream())
				.forEach((assignment) -> assignment.needsSearchPath = !pathIndependence.test(trigger.table,
						assignment.expression, assignment.variables));
			String table = Sql.qualified(this.schema, trigger.table);
			if (trigger.marker) {
				// A non-volatile default is stored as a "missing value": no table rewrite.
				statements.add("ALTER TABLE " + table + " ADD COLUMN IF NOT EXISTS "
						+ Sql.ident(InternalNames.NEEDS_BACKFILL_COLUMN) + " boolean DEFAULT true");
			}
			// The version test is the triggers' WHEN, evaluated without a PL/pgSQL call; each function does one
			// direction only.
			if (!trigger.up.isEmpty() || trigger.marker) {
				String when = "NOT (" + newVersion() + ")";
				if (trigger.marker && fill(trigger.table).isPresent()) {
					trigger.token = newToken();
					when += " AND (" + notBackfilling(trigger.token) + ")";
				}
				statements.addAll(trigger(table, InternalNames.triggerFunction(trigger.table), when, upBody(trigger)));
			}
			if (!trigger.down.isEmpty() || trigger.marker) {
				statements.addAll(trigger(table, InternalNames.downTriggerFunction(trigger.table), newVersion(),
						downBody(trigger)));
			}
		}
		return statements;
	}

	private List<String> trigger(String table, String name, String when, String body) {
		String function = Sql.qualified(this.schema, name);
		return List.of(
				"CREATE OR REPLACE FUNCTION " + function + "() RETURNS trigger LANGUAGE plpgsql AS " + dollarQuoted(body),
				"CREATE TRIGGER " + Sql.ident(name) + " BEFORE INSERT OR UPDATE ON " + table + " FOR EACH ROW WHEN ("
						+ when + ") EXECUTE FUNCTION " + function + "()");
	}

	/**
	 * Drops the sync triggers, their functions and the backfill marker columns of the migrated schema (only one
	 * migration is active), each by name and none with CASCADE: the caller made sure nothing else uses them
	 * ({@link Ownership#ofTriggers}). A trigger cloned onto a partition goes with its parent's.
	 */
	public static void dropAll(RetryingTransactions.Tx tx, String schema) throws SQLException {
		String origin = "removing the migration's triggers";
		Ownership.TriggerObjects objects = Ownership.triggerObjects(tx.connection(), schema);
		for (Ownership.Trigger trigger : objects.triggers()) {
			if (!trigger.onPartition()) {
				tx.execute("DROP TRIGGER " + trigger.name() + " ON " + trigger.table(), origin);
			}
		}
		for (Ownership.Function function : objects.functions()) {
			tx.execute("DROP FUNCTION " + function.signature(), origin);
		}
		for (Ownership.Marker marker : objects.markers()) {
			tx.execute("ALTER TABLE " + marker.qualifiedTable() + " DROP COLUMN "
					+ Sql.ident(InternalNames.NEEDS_BACKFILL_COLUMN), origin);
		}
	}

	/** Whether the write comes from the new version; see the class comment. */
	private String newVersion() {
		return "coalesce(nullif(current_setting(" + Sql.literal(VersionSelection.SETTING) + ", true), ''), "
				+ "(current_schemas(false))[1], '') = " + Sql.literal(this.versionSchema);
	}

	/**
	 * True unless the row is written by the backfill statement of this table, which computes {@code up} itself: its
	 * session holds the token whose hash the condition carries. A statement the backfill's own triggers run (trigger
	 * depth above 0) is a write like any other. The cheap tests come first, so other writers pay for one setting
	 * lookup.
	 */
	private static String notBackfilling(String token) {
		String setting = "current_setting(" + Sql.literal(BACKFILL_SETTING) + ", true)";
		return "coalesce(" + setting + ", '') = '' OR pg_trigger_depth() > 0 OR sha256(convert_to(" + setting
				+ ", 'UTF8')) <> decode(" + Sql.literal(sha256Hex(token)) + ", 'hex')";
	}

	private static String newToken() {
		byte[] bytes = new byte[16];
		random.nextBytes(bytes);
		return HexFormat.of().formatHex(bytes);
	}

	private static String sha256Hex(String token) {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is required of every Java platform", ex);
		}
	}

	/**
	 * What the backfill of a table sets so that it computes {@code up} itself, the way the trigger would for an
	 * old-version write: each {@code up} target and its expression. Empty (the trigger does the work) when an
	 * expression reads a column the version names differently from the table (renamed earlier in the same
	 * migration), as the batch's UPDATE sees the table's names, or reads another's target, as the trigger's
	 * assignments run in order and one SET list cannot.
	 */
	public Optional<Fill> fill(String physicalTable) {
		TableTrigger trigger = this.tables.get(physicalTable);
		if (trigger == null) {
			return Optional.empty();
		}
		Set<String> targets = new LinkedHashSet<>();
		Set<String> read = new LinkedHashSet<>();
		for (Assignment assignment : trigger.up) {
			if (!targets.add(assignment.target)) {
				return Optional.empty();
			}
			for (VirtualColumn variable : assignment.variables) {
				if (!variable.name().equals(variable.physicalName())) {
					return Optional.empty();
				}
				read.add(variable.physicalName());
			}
		}
		if (read.stream().anyMatch(targets::contains)) {
			return Optional.empty();
		}
		List<String> expressions = trigger.up.stream().map((assignment) -> assignment.expression).toList();
		return Optional.of(new Fill(List.copyOf(targets), expressions, trigger.token));
	}

	/**
	 * The {@code up} columns of a table and how to compute them.
	 *
	 * @param targets the physical columns set
	 * @param expressions their expressions, in the same order, over the table's own column names
	 * @param token what the backfill's session sets in {@link #BACKFILL_SETTING} so that the trigger stands aside;
	 * {@code null} until the trigger statements are made
	 */
	public record Fill(List<String> targets, List<String> expressions, @Nullable String token) {

		/** The SET list of a backfill batch: the marker cleared and each target computed. */
		String setList() {
			StringBuilder set = new StringBuilder(Sql.ident(InternalNames.NEEDS_BACKFILL_COLUMN)).append(" = false");
			for (int i = 0; i < this.targets.size(); i++) {
				set.append(", ").append(Sql.ident(this.targets.get(i))).append(" = ")
					.append(Sql.parenthesised(this.expressions.get(i)));
			}
			return set.toString();
		}

	}

	/** Old-version writes (and clients of the physical tables): {@code up}. */
	private String upBody(TableTrigger trigger) {
		// A subquery in up/down that names a column of its own table means that column, not our variable.
		StringBuilder body = new StringBuilder("\n#variable_conflict use_column\nDECLARE\n");
		boolean flat = fill(trigger.table).isPresent()
				&& trigger.up.stream().noneMatch((assignment) -> assignment.needsSearchPath);
		if (!flat) {
			body.append("  pgroll_search_path text;\nBEGIN\n");
			appendAll(body, trigger, trigger.up, "NEW");
			return finish(body, trigger);
		}
		// The common case, and the one every old-version write pays for: no assignment reads another's target or
		// needs the path switched, so the variables are read once, in the function's own DECLARE, with no inner
		// blocks (each costs a little per row).
		Set<String> declared = new LinkedHashSet<>();
		for (Assignment assignment : trigger.up) {
			for (VirtualColumn variable : assignment.variables) {
				if (declared.add(variable.name())) {
					body.append("  ").append(declaration(trigger, variable, "NEW"));
				}
			}
		}
		body.append("BEGIN\n");
		for (Assignment assignment : trigger.up) {
			body.append("  NEW.").append(Sql.ident(assignment.target)).append(" := ")
				.append(Sql.parenthesised(assignment.expression)).append(";\n");
		}
		return finish(body, trigger);
	}

	private String declaration(TableTrigger trigger, VirtualColumn variable, String row) {
		return Sql.ident(variable.name()) + " " + Sql.qualified(this.schema, trigger.table) + "."
				+ Sql.ident(variable.physicalName()) + "%TYPE := " + row + "." + Sql.ident(variable.physicalName())
				+ ";\n";
	}

	/**
	 * New-version writes: {@code down}. An update of a row the backfill has not reached is refused: the new version
	 * schema does not exist before the backfill is done, so only a session that names the new version early can get
	 * here, and its statement may have computed what it writes from placeholders.
	 */
	private String downBody(TableTrigger trigger) {
		StringBuilder body = new StringBuilder("\n#variable_conflict use_column\nDECLARE\n  pgroll_search_path text;\n"
				+ "BEGIN\n");
		if (trigger.marker && !trigger.up.isEmpty()) {
			body.append("  IF TG_OP = 'UPDATE' AND OLD.").append(Sql.ident(InternalNames.NEEDS_BACKFILL_COLUMN))
				.append(" THEN\n    RAISE EXCEPTION USING ERRCODE = 'object_not_in_prerequisite_state', MESSAGE = ")
				.append(Sql.literal("row of table " + Sql.qualified(this.schema, trigger.table)
						+ " is not backfilled yet: version " + this.versionSchema
						+ " cannot write it before the start of its migration has finished"))
				.append(";\n  END IF;\n");
		}
		appendAll(body, trigger, trigger.down, "NEW");
		return finish(body, trigger);
	}

	private static String finish(StringBuilder body, TableTrigger trigger) {
		if (trigger.marker) {
			body.append("  NEW.").append(Sql.ident(InternalNames.NEEDS_BACKFILL_COLUMN)).append(" := false;\n");
		}
		return body.append("  RETURN NEW;\nEND\n").toString();
	}

	/**
	 * Assignments run with the migrated schema on the search path, as validation compiled them, whatever version
	 * schema the writing client has on its own path; the client's path is restored afterwards.
	 */
	private void appendAll(StringBuilder body, TableTrigger trigger, List<Assignment> assignments, String row) {
		if (assignments.isEmpty()) {
			return;
		}
		// Switching search_path costs more per row than all the rest of the trigger; only when a name needs it.
		boolean switchPath = assignments.stream().anyMatch((assignment) -> assignment.needsSearchPath);
		if (switchPath) {
			body.append("    pgroll_search_path := current_setting('search_path');\n")
				.append("    PERFORM set_config('search_path', ")
				.append(Sql.literal(Sql.ident(this.schema)))
				.append(", true);\n");
		}
		for (Assignment assignment : assignments) {
			body.append("    DECLARE\n");
			for (VirtualColumn variable : assignment.variables) {
				body.append("      ").append(declaration(trigger, variable, row));
			}
			body.append("    BEGIN\n");
			body.append("      NEW.").append(Sql.ident(assignment.target)).append(" := ")
				.append(Sql.parenthesised(assignment.expression)).append(";\n");
			body.append("    END;\n");
		}
		if (switchPath) {
			body.append("    PERFORM set_config('search_path', pgroll_search_path, true);\n");
		}
	}


	private static String dollarQuoted(String body) {
		String tag = "$pgroll$";
		for (int i = 0; body.contains(tag); i++) {
			tag = "$pgroll" + i + "$";
		}
		return tag + body + tag;
	}

	private static final class TableTrigger {

		private final String table;

		private final List<Assignment> up = new ArrayList<>();

		private final List<Assignment> down = new ArrayList<>();

		private boolean marker;

		/** Set for the backfill's session so this table's old-version trigger stands aside; see the class comment. */
		private @Nullable String token;

		TableTrigger(String table) {
			this.table = table;
		}

	}

	private static final class Assignment {

		private final String target;

		private final String expression;

		private final List<VirtualColumn> variables;

		private final int step;

		private boolean needsSearchPath = true;

		Assignment(String target, String expression, List<VirtualColumn> variables, int step) {
			this.target = target;
			this.expression = expression;
			this.variables = variables;
			this.step = step;
		}

	}

	/**
	 * Whether an expression, with these columns in scope, resolves to the same objects whatever the writing
	 * session's {@code search_path}; the trigger then evaluates it without switching the path.
	 */
	@FunctionalInterface
	public interface PathIndependence {

		boolean test(String physicalTable, String expression, List<VirtualColumn> variables);

	}

}
