package dev.pgroll4j.core.schema;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The kind of a table constraint, as {@code pg_constraint.contype} spells it. The one-letter code is also how a
 * constraint's kind is stored in the history's base schema, so it never changes.
 */
public enum ConstraintType {

	PRIMARY_KEY("p"), UNIQUE("u"), CHECK("c"), FOREIGN_KEY("f"), EXCLUSION("x"),

	/** The named NOT NULL constraints of PostgreSQL 18. */
	NOT_NULL("n");

	private final String code;

	ConstraintType(String code) {
		this.code = code;
	}

	/** The catalog's one-letter code. */
	@JsonValue
	public String code() {
		return this.code;
	}

	/** Whether the constraint is backed by an index (primary key, unique, exclusion). */
	public boolean buildsIndex() {
		return this == PRIMARY_KEY || this == UNIQUE || this == EXCLUSION;
	}

	/**
	 * The kind with this catalog code.
	 * @throws IllegalArgumentException for a code this engine does not read
	 */
	@JsonCreator
	public static ConstraintType ofCode(String code) {
		for (ConstraintType type : values()) {
			if (type.code.equals(code)) {
				return type;
			}
		}
		throw new IllegalArgumentException("unknown constraint type '" + code + "'");
	}

}
