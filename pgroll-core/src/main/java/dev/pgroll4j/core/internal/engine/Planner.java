package dev.pgroll4j.core.internal.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import dev.pgroll4j.core.MigrationValidationException;
import dev.pgroll4j.core.PgrollConfiguration;
import dev.pgroll4j.core.SqlFragment;
import dev.pgroll4j.core.internal.catalog.Probes;
import dev.pgroll4j.core.migration.Migration;
import dev.pgroll4j.core.operations.Operation;
import dev.pgroll4j.core.operations.SqlMapper;
import dev.pgroll4j.core.schema.SchemaSnapshot;
import dev.pgroll4j.core.schema.VirtualSchema;
import dev.pgroll4j.core.sql.SqlText;

/**
 * Turns a rollout (one migration, or the migrations a release starts together) into a {@link Plan}: every piece of
 * their SQL goes through the configured transformer and is checked to be what its place expects, then every
 * operation is validated in order against the schema the earlier ones leave, the operations of a later migration
 * after all of an earlier one's, exactly as if they were one migration.
 */
final class Planner {

	private final PgrollConfiguration configuration;

	Planner(PgrollConfiguration configuration) {
		this.configuration = configuration;
	}

	/**
	 * The plan of a rollout, checked against the live schema.
	 * @param rollout its migrations, in order
	 * @param versionSchemas this tool's version schemas, whose views validation may ignore
	 */
	Plan plan(List<Migration> rollout, SchemaSnapshot base, Probes probes, Set<String> versionSchemas) {
		return validated(rollout.stream().map(this::mapSql).toList(), base, probes, versionSchemas);
	}

	/** The plan of the active rollout again, from the history; its checks against the server ran at start. */
	Plan replay(List<Migration> rollout, SchemaSnapshot base) {
		return plan(rollout, base, Probes.NONE, Set.of());
	}

	private Migration mapSql(Migration migration) {
		List<Operation> operations = new ArrayList<>();
		for (int i = 0; i < migration.operations().size(); i++) {
			Operation operation = migration.operations().get(i);
			operations.add(operation.mapSql(mapper(migration, i, operation)));
		}
		return new Migration(migration.name(), migration.versionSchema(), operations, migration.source(),
				migration.json());
	}

	private SqlMapper mapper(Migration migration, int index, Operation operation) {
		return (path, kind, sql) -> {
			if (sql == null) {
				return null;
			}
			String transformed;
			try {
				transformed = this.configuration.sqlTransformer()
					.transform(new SqlFragment(migration.name(), index, operation.kind(), path, kind, sql));
			}
			catch (RuntimeException ex) {
				throw new MigrationValidationException(migration.source(), index, operation.kind(), path,
						"rejected by the SQL transformer: " + ex.getMessage());
			}
			if (transformed == null) {
				throw new MigrationValidationException(migration.source(), index, operation.kind(), path,
						"the SQL transformer returned nothing");
			}
			if (transformed.isBlank()) {
				return transformed;
			}
			String problem = (kind == SqlFragment.Kind.RAW_SQL) ? SqlText.userSqlProblem(transformed)
					: SqlText.expressionProblem(transformed);
			if (problem != null) {
				throw new MigrationValidationException(migration.source(), index, operation.kind(), path,
						"the SQL " + problem);
			}
			// Pasted into generated SQL, a trailing -- comment must not swallow what follows it.
			return (kind == SqlFragment.Kind.RAW_SQL) ? transformed : SqlText.terminated(transformed);
		};
	}

	/** Validates every operation in order against the schema the earlier ones leave. */
	private Plan validated(List<Migration> rollout, SchemaSnapshot base, Probes probes, Set<String> versionSchemas) {
		for (Migration migration : rollout) {
			checkShape(migration, rollout.size());
		}
		VirtualSchema current = VirtualSchema.of(base);
		List<Plan.Step> steps = new ArrayList<>();
		List<String> warnings = new ArrayList<>();
		// Snapshots share what did not change, so keeping one per operation costs what the operation changed.
		VirtualSchema before = current.snapshot();
		for (Migration migration : rollout) {
			List<Operation> operations = migration.operations();
			for (int i = 0; i < operations.size(); i++) {
				operations.get(i)
					.validate(new ValidationPhase(current, migration, i, operations.get(i), probes, versionSchemas,
							this.configuration.strictDownExpressions(), warnings));
				VirtualSchema after = current.snapshot();
				steps.add(new Plan.Step(migration, i, operations.get(i), before, after));
				before = after;
			}
		}
		return new Plan(rollout, base, steps, current, List.copyOf(warnings));
	}

	/**
	 * A migration has operations, and a sql operation without onComplete is alone: in its migration and in its
	 * rollout, since what it changes is only known after it ran.
	 */
	private static void checkShape(Migration migration, int rolloutSize) {
		List<Operation> operations = migration.operations();
		if (operations.isEmpty()) {
			throw new MigrationValidationException(migration.source(), -1, null, "operations",
					"a migration needs at least one operation");
		}
		for (int i = 0; i < operations.size(); i++) {
			if (!operations.get(i).isIsolated()) {
				continue;
			}
			if (operations.size() > 1) {
				throw new MigrationValidationException(migration.source(), i, operations.get(i).kind(), null,
						"a sql operation without onComplete must be the only operation of its migration: "
								+ "what it changes is only known after it ran");
			}
			if (rolloutSize > 1) {
				throw new MigrationValidationException(migration.source(), i, operations.get(i).kind(), null,
						"a sql operation without onComplete must roll out alone, not together with other "
								+ "migrations: what it changes is only known after it ran, so the migrations after it "
								+ "cannot be checked, and the version schema before it cannot be kept; ship it in a "
								+ "release of its own, or give it onComplete: true");
			}
		}
	}

}
