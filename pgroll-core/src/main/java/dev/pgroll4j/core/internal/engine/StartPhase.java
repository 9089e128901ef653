package dev.pgroll4j.core.internal.engine;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import dev.pgroll4j.core.internal.catalog.CreatedObjects;
import dev.pgroll4j.core.internal.catalog.Probes;
import dev.pgroll4j.core.internal.catalog.SchemaReader;
import dev.pgroll4j.core.internal.jdbc.RetryingTransactions;
import dev.pgroll4j.core.internal.state.StateStore;
import dev.pgroll4j.core.operations.StartContext;
import dev.pgroll4j.core.schema.VirtualSchema;
import dev.pgroll4j.core.schema.VirtualTable;

/**
 * One operation's view of the start: its statements run in the start transaction, and what must wait (statements
 * after the commit or the backfill, sync triggers, tables to backfill) is collected in the {@link StartAttempt}.
 */
final class StartPhase extends OperationPhase implements StartContext {

	private final StartAttempt attempt;

	private final String origin;

	private final RetryingTransactions.Tx tx;

	private final Probes probes;

	private final StateStore state;

	private final List<String> upOrigins = new ArrayList<>();

	StartPhase(StartAttempt attempt, Plan.Step step, String origin, RetryingTransactions.Tx tx, Probes probes,
			StateStore state) {
		super(attempt.schema, step);
		this.attempt = attempt;
		this.origin = origin;
		this.tx = tx;
		this.probes = probes;
		this.state = state;
	}

	@Override
	public void execute(String sql) {
		this.tx.executeUnchecked(sql, this.origin);
	}

	@Override
	public void executeConcurrently(String sql, @Nullable String undo) {
		this.attempt.concurrent.add(new StartAttempt.Deferred(sql, undo, this.origin));
	}

	@Override
	public void executeAfterBackfill(String sql, @Nullable String undo) {
		this.attempt.afterBackfill.add(new StartAttempt.Deferred(sql, undo, this.origin));
	}

	@Override
	public void executeUserSql(String sql, boolean inferUndo) {
		try {
			Set<CreatedObjects.Identity> before = inferUndo ? CreatedObjects.list(this.tx.connection(), schemaName())
					: Set.of();
			this.tx.executeUserSql(sql, this.origin + ", field up");
			if (inferUndo) {
				List<CreatedObjects.Identity> undo = CreatedObjects.created(before,
						CreatedObjects.list(this.tx.connection(), schemaName()));
				this.state.recordInferredUndo(this.tx, migrationName(), undo);
			}
		}
		catch (SQLException ex) {
			throw new RetryingTransactions.UncheckedSqlException(ex);
		}
	}

	@Override
	public boolean isVolatileDefault(String field, String type, String expression) {
		this.tx.mark(this.origin + ", field " + field);
		try {
			return this.probes.isVolatileDefault(type, expression);
		}
		catch (SQLException ex) {
			throw new RetryingTransactions.UncheckedSqlException(ex);
		}
	}

	@Override
	public void upTrigger(VirtualTable table, String targetColumn, String expression) {
		this.attempt.triggers.addUp(table, targetColumn, expression);
		this.upOrigins.add(this.origin);
	}

	@Override
	public void downTrigger(VirtualTable table, String targetColumn, String expression) {
		this.attempt.triggers.addDown(table, targetColumn, expression);
	}

	@Override
	public void backfill(String physicalTable) {
		this.attempt.backfills.add(physicalTable);
		this.attempt.fillers.computeIfAbsent(physicalTable, (k) -> new LinkedHashSet<>()).addAll(this.upOrigins);
	}

	@Override
	public void refreshSchema() {
		try {
			this.attempt.refreshed = VirtualSchema.of(SchemaReader.read(this.tx.connection(), schemaName()));
		}
		catch (SQLException ex) {
			throw new RetryingTransactions.UncheckedSqlException(ex);
		}
	}

}
