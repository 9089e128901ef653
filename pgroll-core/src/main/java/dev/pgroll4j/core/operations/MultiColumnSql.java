package dev.pgroll4j.core.operations;

import java.util.List;
import java.util.Map;

/** Checks of the per-column {@code up} and {@code down} maps of the multi-column constraint operations. */
final class MultiColumnSql {

	private MultiColumnSql() {
	}

	/**
	 * Fails unless {@code sql} names only the given columns and, when {@code everyColumn}, names each of them.
	 */
	static void validate(ValidationContext context, String field, Map<String, String> sql, List<String> columns,
			boolean everyColumn) {
		if (sql == null) {
			if (everyColumn) {
				throw context.invalid(field, "is required: an entry for each column (" + String.join(", ", columns)
						+ ")");
			}
			return;
		}
		for (String column : sql.keySet()) {
			if (!columns.contains(column)) {
				throw context.invalid(field + "." + column, "column \"" + column + "\" is not one of the constraint's "
						+ "columns (" + String.join(", ", columns) + ")");
			}
		}
		if (everyColumn) {
			for (String column : columns) {
				String expression = sql.get(column);
				if (expression == null || expression.isBlank()) {
					throw context.invalid(field + "." + column, "is required: every column of the constraint needs an "
							+ "entry");
				}
			}
		}
	}

}
