package dev.pgroll4j.core.sql;

import java.util.Collection;
import java.util.stream.Collectors;

/** Quoting of identifiers and literals for generated SQL. Every identifier we emit goes through here. */
public final class Sql {

	private Sql() {
	}

	public static String ident(String name) {
		return '"' + name.replace("\"", "\"\"") + '"';
	}

	public static String qualified(String schema, String name) {
		return ident(schema) + "." + ident(name);
	}

	public static String idents(Collection<String> names) {
		return names.stream().map(Sql::ident).collect(Collectors.joining(", "));
	}

	/** A string literal; the DDL session runs with standard_conforming_strings on, so only quotes need doubling. */
	public static String literal(String value) {
		return (value == null) ? "NULL" : "'" + value.replace("'", "''") + "'";
	}

	/**
	 * On PostgreSQL 18, where NOT NULL constraints have names, renames the one of {@code column} to
	 * {@code wanted}; it would otherwise keep the temporary column's name. Leaves it when another constraint
	 * (say, of a column renamed in the same migration) has that name. Does nothing on earlier versions.
	 */
	public static String renameNotNullConstraint(String qualifiedTable, String column, String wanted) {
		return "DO $pgroll$ DECLARE current_name name; BEGIN SELECT c.conname INTO current_name FROM pg_constraint c "
				+ "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey) WHERE c.conrelid = "
				+ literal(qualifiedTable) + "::regclass AND c.contype = 'n' AND a.attname = " + literal(column)
				+ "; IF current_name IS NOT NULL AND current_name <> " + literal(wanted)
				+ " AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = " + literal(qualifiedTable)
				+ "::regclass AND conname = " + literal(wanted) + ") THEN EXECUTE format('ALTER TABLE %s RENAME CONSTRAINT %I TO %I', " + literal(qualifiedTable)
				+ ", current_name, " + literal(wanted) + "); END IF; END $pgroll$";
	}

	/**
	 * Renames the key columns of the table's indexes that are still called {@code from}: an index names its columns
	 * after the table's at creation and keeps them through a table column rename, so indexes built on a temporary
	 * column would otherwise show the temporary name.
	 */
	public static String renameIndexColumns(String qualifiedTable, String from, String to) {
		return "DO $pgroll$ DECLARE i record; BEGIN FOR i IN SELECT x.indexrelid::regclass AS index_name FROM pg_index x "
				+ "JOIN pg_attribute a ON a.attrelid = x.indexrelid WHERE x.indrelid = " + literal(qualifiedTable)
				+ "::regclass AND a.attname = " + literal(from) + " AND NOT EXISTS (SELECT 1 FROM pg_attribute b "
				+ "WHERE b.attrelid = x.indexrelid AND b.attname = " + literal(to) + ") LOOP "
				+ "EXECUTE format('ALTER TABLE %s RENAME COLUMN %I TO %I', i.index_name, " + literal(from) + ", "
				+ literal(to) + "); END LOOP; END $pgroll$";
	}

	/**
	 * Wraps an expression in parentheses unless it already is one parenthesised group. A trailing {@code --}
	 * comment gets a line break before the closing parenthesis, which it would otherwise swallow.
	 */
	public static String parenthesised(String expression) {
		String trimmed = SqlText.strip(expression);
		if (trimmed.startsWith("(") && trimmed.endsWith(")") && closesAtEnd(trimmed)) {
			return trimmed;
		}
		return "(" + SqlText.terminated(trimmed) + ")";
	}

	private static boolean closesAtEnd(String text) {
		int depth = 0;
		for (SqlText.Token token : SqlText.tokenize(text)) {
			if (token.kind() != SqlText.Kind.SYMBOL) {
				if (depth == 0 && token.kind() != SqlText.Kind.WHITESPACE) {
					return false;
				}
				continue;
			}
			if (token.text().equals("(")) {
				depth++;
			}
			else if (token.text().equals(")")) {
				depth--;
			}
			else if (depth == 0) {
				return false;
			}
		}
		return depth == 0;
	}

}
