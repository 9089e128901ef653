package dev.pgroll4j.core.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A small PostgreSQL lexer for the SQL fragments users put in migration files.
 *
 * <p>Fragments such as {@code up}, {@code default} or {@code check} are pasted into generated DDL and trigger
 * bodies. Two things are needed to do that safely: proof that a fragment is one self-contained expression (no
 * statement separator, no unterminated quote or comment, balanced parentheses), and a way to rename column
 * references without touching string literals, qualified names or function names.
 */
public final class SqlText {

	enum Kind {
		WHITESPACE, COMMENT, STRING, QUOTED_IDENTIFIER, IDENTIFIER, NUMBER, PARAMETER, SYMBOL
	}

	record Token(Kind kind, String text) {
	}

	private SqlText() {
	}

	/**
	 * Checks that {@code sql} is a single expression fragment.
	 * @return a description of the problem, or {@code null} when the fragment is acceptable
	 */
	public static String expressionProblem(String sql) {
		if (sql == null || sql.isBlank()) {
			return "is empty";
		}
		List<Token> tokens;
		try {
			tokens = tokenize(sql);
		}
		catch (IllegalArgumentException ex) {
			return ex.getMessage();
		}
		int depth = 0;
		for (Token token : tokens) {
			if (token.kind() != Kind.SYMBOL) {
				continue;
			}
			switch (token.text()) {
				case "(", "[" -> depth++;
				case ")", "]" -> {
					depth--;
					if (depth < 0) {
						return "has an unbalanced '" + token.text() + "'";
					}
				}
				case ";" -> {
					return "contains ';': only a single expression is allowed here";
				}
				default -> {
				}
			}
		}
		if (depth != 0) {
			return "has unbalanced parentheses";
		}
		return null;
	}

	/**
	 * Replaces unqualified references to the given column names with quoted replacement names. Names in
	 * {@code renames} are matched as PostgreSQL would resolve them: unquoted words case-insensitively (folded to
	 * lower case), quoted identifiers exactly. Words after a dot or {@code ::}, and words followed by an opening
	 * parenthesis (function calls), are left alone.
	 */
	public static String renameColumns(String sql, Map<String, String> renames) {
		if (renames.isEmpty()) {
			return sql;
		}
		List<Token> tokens = tokenize(sql);
		StringBuilder out = new StringBuilder(sql.length() + 16);
		for (int i = 0; i < tokens.size(); i++) {
			Token token = tokens.get(i);
			String name = referencedName(token);
			String replacement = (name != null) ? renames.get(name) : null;
			if (replacement != null && !isQualifiedOrCast(tokens, i) && !isFunctionCall(tokens, i)) {
				out.append(Sql.ident(replacement));
			}
			else {
				out.append(token.text());
			}
		}
		return out.toString();
	}

	/** Whether the fragment mentions the given name as a word or quoted identifier, anywhere. */
	public static boolean mentions(String sql, String name) {
		for (Token token : tokenize(sql)) {
			if (name.equals(referencedName(token))) {
				return true;
			}
		}
		return false;
	}

	private static String referencedName(Token token) {
		if (token.kind() == Kind.IDENTIFIER) {
			return token.text().toLowerCase(Locale.ROOT);
		}
		if (token.kind() == Kind.QUOTED_IDENTIFIER) {
			String body = token.text().substring(1, token.text().length() - 1);
			return body.replace("\"\"", "\"");
		}
		return null;
	}

	private static boolean isQualifiedOrCast(List<Token> tokens, int index) {
		Token previous = neighbour(tokens, index, -1);
		return previous != null && previous.kind() == Kind.SYMBOL
				&& (previous.text().equals(".") || previous.text().equals("::"));
	}

	private static boolean isFunctionCall(List<Token> tokens, int index) {
		Token next = neighbour(tokens, index, 1);
		if (next != null && next.kind() == Kind.SYMBOL && next.text().equals(".")) {
			return true; // a qualifier such as table.column or schema.function
		}
		return next != null && next.kind() == Kind.SYMBOL && next.text().equals("(");
	}

	private static Token neighbour(List<Token> tokens, int index, int step) {
		for (int i = index + step; i >= 0 && i < tokens.size(); i += step) {
			Token token = tokens.get(i);
			if (token.kind() != Kind.WHITESPACE && token.kind() != Kind.COMMENT) {
				return token;
			}
		}
		return null;
	}

	static List<Token> tokenize(String sql) {
		List<Token> tokens = new ArrayList<>();
		int i = 0;
		int n = sql.length();
		while (i < n) {
			char c = sql.charAt(i);
			int start = i;
			if (Character.isWhitespace(c)) {
				while (i < n && Character.isWhitespace(sql.charAt(i))) {
					i++;
				}
				tokens.add(new Token(Kind.WHITESPACE, sql.substring(start, i)));
			}
			else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
				while (i < n && sql.charAt(i) != '\n') {
					i++;
				}
				tokens.add(new Token(Kind.COMMENT, sql.substring(start, i)));
			}
			else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
				i = endOfBlockComment(sql, i);
				tokens.add(new Token(Kind.COMMENT, sql.substring(start, i)));
			}
			else if (c == '\'') {
				i = endOfString(sql, i, false);
				tokens.add(new Token(Kind.STRING, sql.substring(start, i)));
			}
			else if ((c == 'E' || c == 'e') && i + 1 < n && sql.charAt(i + 1) == '\'') {
				i = endOfString(sql, i + 1, true);
				tokens.add(new Token(Kind.STRING, sql.substring(start, i)));
			}
			else if (c == '"') {
				i = endOfQuotedIdentifier(sql, i);
				tokens.add(new Token(Kind.QUOTED_IDENTIFIER, sql.substring(start, i)));
			}
			else if (c == '$' && i + 1 < n && Character.isDigit(sql.charAt(i + 1))) {
				i++;
				while (i < n && Character.isDigit(sql.charAt(i))) {
					i++;
				}
				tokens.add(new Token(Kind.PARAMETER, sql.substring(start, i)));
			}
			else if (c == '$') {
				i = endOfDollarQuote(sql, i);
				tokens.add(new Token((i == start + 1) ? Kind.SYMBOL : Kind.STRING, sql.substring(start, i)));
			}
			else if (Character.isDigit(c) || (c == '.' && i + 1 < n && Character.isDigit(sql.charAt(i + 1)))) {
				while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '.'
						|| sql.charAt(i) == '_')) {
					i++;
				}
				tokens.add(new Token(Kind.NUMBER, sql.substring(start, i)));
			}
			else if (Character.isLetter(c) || c == '_' || c > 127) {
				while (i < n && isIdentifierPart(sql.charAt(i))) {
					i++;
				}
				tokens.add(new Token(Kind.IDENTIFIER, sql.substring(start, i)));
			}
			else if (c == ':' && i + 1 < n && sql.charAt(i + 1) == ':') {
				i += 2;
				tokens.add(new Token(Kind.SYMBOL, "::"));
			}
			else {
				i++;
				tokens.add(new Token(Kind.SYMBOL, String.valueOf(c)));
			}
		}
		return tokens;
	}

	private static boolean isIdentifierPart(char c) {
		return Character.isLetterOrDigit(c) || c == '_' || c == '$' || c > 127;
	}

	private static int endOfBlockComment(String sql, int start) {
		int depth = 0;
		int i = start;
		while (i < sql.length()) {
			if (sql.startsWith("/*", i)) {
				depth++;
				i += 2;
			}
			else if (sql.startsWith("*/", i)) {
				depth--;
				i += 2;
				if (depth == 0) {
					return i;
				}
			}
			else {
				i++;
			}
		}
		throw new IllegalArgumentException("has an unterminated /* comment");
	}

	private static int endOfString(String sql, int quote, boolean backslashEscapes) {
		return endOfQuoted(sql, quote, '\'', backslashEscapes, "string literal");
	}

	private static int endOfQuotedIdentifier(String sql, int quote) {
		return endOfQuoted(sql, quote, '"', false, "quoted identifier");
	}

	/** The end of a quoted token, where a doubled quote character stands for itself. */
	private static int endOfQuoted(String sql, int quote, char quoteChar, boolean backslashEscapes, String what) {
		int i = quote + 1;
		while (i < sql.length()) {
			char c = sql.charAt(i);
			if (backslashEscapes && c == '\\') {
				i += 2;
			}
			else if (c == quoteChar) {
				if (i + 1 < sql.length() && sql.charAt(i + 1) == quoteChar) {
					i += 2;
				}
				else {
					return i + 1;
				}
			}
			else {
				i++;
			}
		}
		throw new IllegalArgumentException("has an unterminated " + what);
	}

	private static int endOfDollarQuote(String sql, int start) {
		int i = start + 1;
		while (i < sql.length() && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_')) {
			i++;
		}
		if (i >= sql.length() || sql.charAt(i) != '$') {
			// A lone '$' is an operator character in PostgreSQL; treat it as a symbol.
			return start + 1;
		}
		String tag = sql.substring(start, i + 1);
		int close = sql.indexOf(tag, i + 1);
		if (close < 0) {
			throw new IllegalArgumentException("has an unterminated " + tag + " quoted string");
		}
		return close + tag.length();
	}

}
