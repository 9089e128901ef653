package dev.pgroll4j.core;

/**
 * A migration that is well formed but cannot run against the live schema: a missing table, a name already taken,
 * an expression that does not compile. Raised before any DDL runs, so the database is untouched.
 */
public class MigrationValidationException extends PgrollException {

	private static final long serialVersionUID = 1L;

	private final String source;

	private final int operationIndex;

	private final String operation;

	private final String field;

	private final String detail;

	/**
	 * @param source the file (or other origin) of the migration
	 * @param operationIndex index in {@code operations}, or -1 for the migration as a whole
	 * @param operation the operation kind, such as {@code add_column}; may be null
	 * @param field the offending field, such as {@code column.name}; may be null
	 * @param detail what is wrong
	 */
	public MigrationValidationException(String source, int operationIndex, String operation, String field,
			String detail) {
		super(describe(source, operationIndex, operation, field) + ": " + detail);
		this.source = source;
		this.operationIndex = operationIndex;
		this.operation = operation;
		this.field = field;
		this.detail = detail;
	}

	static String describe(String source, int operationIndex, String operation, String field) {
		StringBuilder text = new StringBuilder(source);
		if (operationIndex >= 0) {
			text.append(": operations[").append(operationIndex).append("]");
			if (operation != null) {
				text.append(" (").append(operation).append(")");
			}
		}
		if (field != null) {
			text.append(", field ").append(field);
		}
		return text.toString();
	}

	public String source() {
		return this.source;
	}

	public int operationIndex() {
		return this.operationIndex;
	}

	public String operation() {
		return this.operation;
	}

	public String field() {
		return this.field;
	}

	/** What is wrong, without the file, the operation and the field. */
	public String detail() {
		return this.detail;
	}

}
