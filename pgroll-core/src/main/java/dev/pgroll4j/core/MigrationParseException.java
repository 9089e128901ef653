package dev.pgroll4j.core;

/** A migration file that cannot be read: malformed JSON or YAML, an unknown operation or field, a wrong type. */
public class MigrationParseException extends PgrollException {

	private static final long serialVersionUID = 1L;

	private final String source;

	private final String location;

	private final String detail;

	/**
	 * @param source the file (or other origin) of the migration
	 * @param location where in the file, such as {@code operations[1].add_column.column.nullable}; may be null
	 * @param detail what is wrong
	 */
	public MigrationParseException(String source, String location, String detail) {
		super(source + ((location != null) ? ": " + location : "") + ": " + detail);
		this.source = source;
		this.location = location;
		this.detail = detail;
	}

	public String source() {
		return this.source;
	}

	public String location() {
		return this.location;
	}

	/** What is wrong, without the file and the location. */
	public String detail() {
		return this.detail;
	}

}
