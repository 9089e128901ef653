package dev.pgroll4j.core.internal;

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

	/** Wraps an expression in parentheses unless it already is one parenthesised group. */
	public static String parenthesised(String expression) {
		String trimmed = expression.strip();
		if (trimmed.startsWith("(") && trimmed.endsWith(")") && closesAtEnd(trimmed)) {
			return trimmed;
		}
		return "(" + trimmed + ")";
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
