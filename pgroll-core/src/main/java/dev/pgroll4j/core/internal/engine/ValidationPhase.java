package dev.pgroll4j.core.internal.engine;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.pgroll4j.core.MigrationValidationException;
import dev.pgroll4j.core.internal.catalog.Probes;
import dev.pgroll4j.core.internal.jdbc.RetryingTransactions;
import dev.pgroll4j.core.migration.Migration;
import dev.pgroll4j.core.operations.Operation;
import dev.pgroll4j.core.operations.ValidationContext;
import dev.pgroll4j.core.schema.VirtualSchema;
import dev.pgroll4j.core.sql.Identifiers;
import dev.pgroll4j.core.sql.Sql;

/**
 * The validation of one operation: its checks against the schema the earlier operations leave and, through the
 * probes, against the server; every error names the file, the operation and the field.
 */
final class ValidationPhase implements ValidationContext {

	private static final Logger logger = LoggerFactory.getLogger(ValidationPhase.class);

	private final VirtualSchema schema;

	private final Migration migration;

	private final int index;

	private final Operation operation;

	private final Probes probes;

	private final Set<String> versionSchemas;

	private final boolean strictDown;

	private final List<String> warnings;

	ValidationPhase(VirtualSchema schema, Migration migration, int index, Operation operation, Probes probes,
			Set<String> versionSchemas, boolean strictDown, List<String> warnings) {
		this.schema = schema;
		this.migration = migration;
		this.index = index;
		this.operation = operation;
		this.probes = probes;
		this.versionSchemas = versionSchemas;
		this.strictDown = strictDown;
		this.warnings = warnings;
	}

	@Override
	public VirtualSchema schema() {
		return this.schema;
	}

	@Override
	public MigrationValidationException invalid(@Nullable String field, String detail) {
		return new MigrationValidationException(this.migration.source(), this.index, this.operation.kind(), field,
				detail);
	}

	@Override
	public void checkName(String field, String name) {
		required(field, name);
		String problem = Identifiers.problem(name);
		if (problem != null) {
			throw invalid(field, "name \"" + Identifiers.printable(name) + "\" " + problem);
		}
	}

	@Override
	public void checkNewName(String field, String name) {
		required(field, name);
		String problem = Identifiers.newNameProblem(name);
		if (problem != null) {
			throw invalid(field, "name \"" + Identifiers.printable(name) + "\" " + problem);
		}
	}

	@Override
	public void checkType(String field, String type) {
		Probes.Problem problem = this.probes.typeProblem(type);
		if (problem != null) {
			throw invalid(field, "type \"" + type + "\" is not valid: " + problem.message());
		}
	}

	@Override
	public void checkValue(String field, String sql, String table, Map<String, String> columns, String type) {
		report(field, this.probes.valueProblem(sql, table, columns, type));
	}

	@Override
	public void checkDownValue(String field, String sql, String table, Map<String, String> columns,
			String type) {
		Probes.Problem problem = this.probes.valueProblem(sql, table, columns, type);
		if (problem != null && problem.isUnresolvedReference() && !this.strictDown) {
			String warning = invalid(field, "the SQL will fail when the new version writes: " + problem.message())
				.getMessage();
			logger.warn("{}", warning);
			this.warnings.add(warning);
			return;
		}
		report(field, problem);
	}

	@Override
	public void checkDefault(String field, String sql, String type) {
		report(field, this.probes.defaultProblem(sql, type));
	}

	@Override
	public void checkCondition(String field, String sql, Map<String, String> columns) {
		report(field, this.probes.conditionProblem(sql, columns));
	}

	@Override
	public void checkGenerated(String field, String sql, Map<String, String> columns, String type) {
		report(field, this.probes.generatedProblem(sql, columns, type));
	}

	@Override
	public void checkPredicate(String field, String sql, Map<String, String> columns) {
		report(field, this.probes.predicateProblem(sql, columns));
	}

	@Override
	public List<String> dependentsOf(String physicalTable, String physicalColumn, boolean includeLostOnDrop) {
		try {
			return this.probes.dependentsOf(Sql.qualified(this.schema.name(), physicalTable), physicalColumn)
				.stream()
				.filter((dependent) -> !(dependent.kind().equals("view")
						&& this.versionSchemas.contains(dependent.schema())))
				.filter((dependent) -> includeLostOnDrop || !dependent.kind().equals("statistics"))
				.map(Probes.Dependent::toString)
				.toList();
		}
		catch (SQLException ex) {
			throw new RetryingTransactions.UncheckedSqlException(ex);
		}
	}

	private void report(String field, Probes.@Nullable Problem problem) {
		if (problem != null) {
			throw invalid(field, "the SQL is not valid here: " + problem.message());
		}
	}

}
