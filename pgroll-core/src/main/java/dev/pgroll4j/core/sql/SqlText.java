package dev.pgroll4j.core.sql;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A PostgreSQL lexer for the SQL that users put in migration files.
 *
 * <p>Fragments such as {@code up}, {@code default} or {@code check} are pasted into generated DDL and trigger
 * bodies. Two things are needed to do that safely: proof that a fragment is one self-contained expression (no
 * statement separator, no unterminated quote or comment, balanced parentheses), and a way to rename column
 * references without touching string literals, qualified names or function names.
 *
 * <p>A fragment is read the way every reader that will see it reads it, and must be self-contained in each
 * reading: PostgreSQL's scanner ({@code scan.l}) with {@code standard_conforming_strings} on, as the engine's
 * session has it; the same scanner with it off, as a client session that compiles a trigger body may have it; and
 * pgjdbc's statement splitter, which cuts the text the engine sends at every {@code ;} it sees outside what it
 * takes for quotes and comments. Where PostgreSQL versions differ (14 ends a number before letters, 15 and later
 * reject the letters as trailing junk) the reading is 14's: a later version then either agrees or refuses the
 * whole text. The readings are checked against the server and the driver by {@code ExpressionLexerFuzzTests}.
 *
 * <p>Why one file of ~800 lines: it is one scanner whose states (quotes, dollar quotes, comments, escapes in
 * both readings) share a position and a token list; split, each piece would need them all.
 */
public final class SqlText {

	public enum Kind {
		WHITESPACE, COMMENT, STRING, QUOTED_IDENTIFIER, IDENTIFIER, NUMBER, PARAMETER, SYMBOL
	}

	public record Token(Kind kind, String text) {
	}

	/** The operator characters after which pgjdbc takes {@code e'} for the start of an escape string. */
	private static final String DRIVER_OPERATOR_CHARS = ",()[].;:+-*/%^<>=~!@#&|`?";

	/** First words of statements that begin, end or mark a transaction. */
	private static final Set<String> TRANSACTION_CONTROL = Set.of("abort", "begin", "commit", "end", "release",
			"rollback", "savepoint");

	/** Settings whose change would make the engine's later statements run as another role, or read differently. */
	private static final Set<String> GUARDED_SETTINGS = Set.of("role", "session_authorization",
			"standard_conforming_strings");

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
		if (sql.indexOf('\0') >= 0) {
			return "contains a NUL character";
		}
		String problem = expressionProblem(sql, true);
		if (problem != null) {
			return problem;
		}
		problem = expressionProblem(sql, false);
		if (problem != null) {
			return problem + " when standard_conforming_strings is off (as a session that runs the sync triggers "
					+ "may have it): a backslash in a '...' string then escapes the next character; write such "
					+ "strings as E'...' with doubled backslashes";
		}
		problem = driverProblem(terminated(sql));
		if (problem != null) {
			return problem;
		}
		return null;
	}

	private static String expressionProblem(String sql, boolean standardConformingStrings) {
		List<Token> tokens;
		try {
			tokens = tokenize(sql, standardConformingStrings);
		}
		catch (IllegalArgumentException ex) {
			return ex.getMessage();
		}
		Deque<String> open = new ArrayDeque<>();
		boolean content = false;
		for (Token token : tokens) {
			if (token.kind() != Kind.WHITESPACE && token.kind() != Kind.COMMENT) {
				content = true;
			}
			if (token.kind() != Kind.SYMBOL) {
				continue;
			}
			switch (token.text()) {
				case "(", "[" -> open.push(token.text());
				case ")", "]" -> {
					String expected = token.text().equals(")") ? "(" : "[";
					if (!expected.equals(open.poll())) {
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
		if (!open.isEmpty()) {
			return "has unbalanced parentheses";
		}
		return content ? null : "is empty (only comments)";
	}

	/**
	 * The fragment as it is pasted into generated SQL: when it ends in a {@code --} comment, a line break is added,
	 * so that the comment does not swallow what follows it.
	 */
	public static String terminated(String sql) {
		List<Token> tokens = tokenize(sql);
		if (!tokens.isEmpty()) {
			Token last = tokens.get(tokens.size() - 1);
			if (last.kind() == Kind.COMMENT && last.text().startsWith("--")) {
				return sql + "\n";
			}
		}
		return sql;
	}

	/**
	 * The text without leading and trailing whitespace as PostgreSQL defines it. {@link String#strip()} would also
	 * remove characters such as U+2003, which the server takes for letters: U+2003 followed by {@code $x$} is an
	 * identifier, and without its first character the start of a dollar quote.
	 */
	public static String strip(String sql) {
		int start = 0;
		int end = sql.length();
		while (start < end && isSpace(sql.charAt(start))) {
			start++;
		}
		while (end > start && isSpace(sql.charAt(end - 1))) {
			end--;
		}
		return sql.substring(start, end);
	}

	/**
	 * Checks the SQL of a {@code sql} operation: it must be readable (no unterminated quote or comment) and must not
	 * end or mark the transaction it runs in, nor change the role or the session authorization the engine runs as.
	 * @return a description of the problem, or {@code null} when the SQL is acceptable
	 */
	public static String userSqlProblem(String sql) {
		if (sql.indexOf('\0') >= 0) {
			return "contains a NUL character";
		}
		List<List<Token>> statements;
		try {
			statements = split(tokenize(sql));
		}
		catch (IllegalArgumentException ex) {
			return ex.getMessage();
		}
		for (List<Token> statement : statements) {
			String problem = statementProblem(statement);
			if (problem != null) {
				return problem;
			}
		}
		return null;
	}

	/**
	 * The statements of the SQL of a {@code sql} operation, each without its {@code ;}. Splits where PostgreSQL
	 * ends a statement: at a {@code ;} outside quotes, comments and parentheses, and outside the
	 * {@code BEGIN ATOMIC ... END} body of a function or procedure.
	 */
	public static List<String> statements(String sql) {
		List<String> statements = new ArrayList<>();
		for (List<Token> statement : split(tokenize(sql))) {
			StringBuilder text = new StringBuilder();
			statement.forEach((token) -> text.append(token.text()));
			statements.add(terminated(strip(text.toString())));
		}
		return statements;
	}

	/** Statements with at least one token that is not whitespace or a comment; {@code ;} tokens dropped. */
	private static List<List<Token>> split(List<Token> tokens) {
		List<List<Token>> statements = new ArrayList<>();
		List<Token> current = new ArrayList<>();
		List<String> words = new ArrayList<>();
		int depth = 0;
		int atomicDepth = 0;
		for (Token token : tokens) {
			if (token.kind() == Kind.SYMBOL && token.text().equals(";") && depth == 0 && atomicDepth == 0) {
				addIfNotEmpty(statements, current);
				current = new ArrayList<>();
				words.clear();
				continue;
			}
			current.add(token);
			if (token.kind() == Kind.SYMBOL) {
				if (token.text().equals("(") || token.text().equals("[")) {
					depth++;
				}
				else if ((token.text().equals(")") || token.text().equals("]")) && depth > 0) {
					depth--;
				}
			}
			else if (token.kind() == Kind.IDENTIFIER && depth == 0) {
				// As psql does: inside CREATE [OR REPLACE] FUNCTION|PROCEDURE, BEGIN ... END (with CASE ... END
				// nested in it) is a body whose statements end in ';'.
				String word = token.text().toLowerCase(Locale.ROOT);
				words.add(word);
				if (isRoutineDefinition(words)) {
					if (word.equals("begin")) {
						atomicDepth++;
					}
					else if (word.equals("case") && atomicDepth > 0) {
						atomicDepth++;
					}
					else if (word.equals("end") && atomicDepth > 0) {
						atomicDepth--;
					}
				}
			}
		}
		addIfNotEmpty(statements, current);
		return statements;
	}

	private static boolean isRoutineDefinition(List<String> words) {
		if (words.size() < 2 || !words.get(0).equals("create")) {
			return false;
		}
		String kind = words.get(1);
		if (words.size() >= 4 && kind.equals("or") && words.get(2).equals("replace")) {
			kind = words.get(3);
		}
		return kind.equals("function") || kind.equals("procedure");
	}

	private static void addIfNotEmpty(List<List<Token>> statements, List<Token> statement) {
		if (statement.stream().anyMatch((token) -> token.kind() != Kind.WHITESPACE && token.kind() != Kind.COMMENT)) {
			statements.add(statement);
		}
	}

	private static String statementProblem(List<Token> statement) {
		List<Token> words = statement.stream()
			.filter((token) -> token.kind() != Kind.WHITESPACE && token.kind() != Kind.COMMENT)
			.toList();
		String first = word(words, 0);
		String second = word(words, 1);
		if (TRANSACTION_CONTROL.contains(first) || (first.equals("start") && second.equals("transaction"))
				|| (first.equals("prepare") && second.equals("transaction"))) {
			return "contains transaction control (" + words.get(0).text().toUpperCase(Locale.ROOT) + "): a sql "
					+ "operation runs inside the engine's own transaction, which must not be ended or marked";
		}
		if (first.equals("discard")) {
			return "contains DISCARD: it would reset the session the engine runs the migration on";
		}
		if (first.equals("set") || first.equals("reset")) {
			int i = 1;
			// SET [SESSION | LOCAL] name, where SET SESSION AUTHORIZATION is a name of its own
			if (first.equals("set") && (second.equals("local")
					|| (second.equals("session") && !word(words, 2).equals("authorization")))) {
				i = 2;
			}
			String name = word(words, i);
			if (name.equals("session") && word(words, i + 1).equals("authorization")) {
				name = "session_authorization";
			}
			if (first.equals("reset") && name.equals("all")) {
				return "contains RESET ALL: it would reset the settings the engine runs the migration with";
			}
			if (GUARDED_SETTINGS.contains(name)) {
				return settingProblem(first.toUpperCase(Locale.ROOT) + " " + name);
			}
		}
		for (int i = 0; i + 2 < words.size(); i++) {
			if (word(words, i).equals("set_config") && words.get(i + 1).text().equals("(")
					&& words.get(i + 2).kind() == Kind.STRING) {
				String setting = stringValue(words.get(i + 2).text()).strip().toLowerCase(Locale.ROOT);
				if (GUARDED_SETTINGS.contains(setting)) {
					return settingProblem("set_config('" + setting + "', ...)");
				}
			}
		}
		return null;
	}

	private static String settingProblem(String what) {
		return "contains " + what + ": a sql operation must not change the role or session authorization the "
				+ "engine runs as (pgroll.role), nor standard_conforming_strings, which the engine's own SQL relies on";
	}

	/** The lower-case name of an identifier or quoted identifier at {@code index}, or "" for anything else. */
	private static String word(List<Token> words, int index) {
		if (index >= words.size()) {
			return "";
		}
		String name = referencedName(words.get(index));
		return (name != null) ? name.toLowerCase(Locale.ROOT) : "";
	}

	/** The value of a string literal token, its simple escapes undone; good enough to recognise a setting's name. */
	private static String stringValue(String literal) {
		if (literal.startsWith("$")) {
			int tag = literal.indexOf('$', 1) + 1;
			return literal.substring(tag, literal.length() - tag);
		}
		int open = literal.indexOf('\'');
		String body = literal.substring(open + 1, literal.lastIndexOf('\''));
		if (open > 0 && Character.toLowerCase(literal.charAt(0)) == 'e') {
			body = body.replaceAll("\\\\(.)", "$1");
		}
		return body.replace("''", "'");
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
			String text = token.text();
			String body = text.substring(text.indexOf('"') + 1, text.length() - 1);
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

	/** The tokens as the engine's session reads them ({@code standard_conforming_strings} on). */
	public static List<Token> tokenize(String sql) {
		return tokenize(sql, true);
	}

	/**
	 * The tokens as PostgreSQL's scanner reads them.
	 * @throws IllegalArgumentException for what the scanner refuses: an unterminated quote or comment, an empty
	 * quoted identifier
	 */
	public static List<Token> tokenize(String sql, boolean standardConformingStrings) {
		List<Token> tokens = new ArrayList<>();
		int n = sql.length();
		int i = 0;
		while (i < n) {
			char c = sql.charAt(i);
			int start = i;
			if (isSpace(c)) {
				while (i < n && isSpace(sql.charAt(i))) {
					i++;
				}
				tokens.add(new Token(Kind.WHITESPACE, sql.substring(start, i)));
			}
			else if (sql.startsWith("--", i)) {
				i = endOfLineComment(sql, i);
				tokens.add(new Token(Kind.COMMENT, sql.substring(start, i)));
			}
			else if (sql.startsWith("/*", i)) {
				i = endOfBlockComment(sql, i);
				tokens.add(new Token(Kind.COMMENT, sql.substring(start, i)));
			}
			else if (c == '\'') {
				i = endOfString(sql, i + 1, standardConformingStrings ? Quoting.STANDARD : Quoting.ESCAPED);
				tokens.add(new Token(Kind.STRING, sql.substring(start, i)));
			}
			else if (c == '"') {
				i = endOfQuotedIdentifier(sql, i + 1);
				tokens.add(new Token(Kind.QUOTED_IDENTIFIER, sql.substring(start, i)));
			}
			else if (isIdentifierStart(c)) {
				Quoting quoting = prefixedString(sql, i);
				if (quoting != null) {
					i = endOfString(sql, sql.indexOf('\'', i) + 1, quoting);
					tokens.add(new Token(Kind.STRING, sql.substring(start, i)));
				}
				else if ((c == 'u' || c == 'U') && sql.startsWith("&\"", i + 1)) {
					i = endOfQuotedIdentifier(sql, i + 3);
					tokens.add(new Token(Kind.QUOTED_IDENTIFIER, sql.substring(start, i)));
				}
				else {
					i++;
					while (i < n && isIdentifierPart(sql.charAt(i))) {
						i++;
					}
					tokens.add(new Token(Kind.IDENTIFIER, sql.substring(start, i)));
				}
			}
			else if (isDigit(c) || (c == '.' && i + 1 < n && isDigit(sql.charAt(i + 1)))) {
				i = endOfNumber(sql, i);
				tokens.add(new Token(Kind.NUMBER, sql.substring(start, i)));
			}
			else if (c == '$' && i + 1 < n && isDigit(sql.charAt(i + 1))) {
				i++;
				while (i < n && isDigit(sql.charAt(i))) {
					i++;
				}
				tokens.add(new Token(Kind.PARAMETER, sql.substring(start, i)));
			}
			else if (c == '$' && dollarTagEnd(sql, i) > 0) {
				i = endOfDollarQuote(sql, i);
				tokens.add(new Token(Kind.STRING, sql.substring(start, i)));
			}
			else if (sql.startsWith("::", i)) {
				i += 2;
				tokens.add(new Token(Kind.SYMBOL, "::"));
			}
			else {
				// Operators, punctuation, a '$' that starts no quote, and characters the grammar has no use for.
				i++;
				tokens.add(new Token(Kind.SYMBOL, String.valueOf(c)));
			}
		}
		return tokens;
	}

	/** How the characters between the quotes of a string are read. */
	private enum Quoting {

		/** {@code '...'} with standard_conforming_strings on, {@code U&'...'}: only {@code ''} is special. */
		STANDARD,
		/** {@code E'...'}, and {@code '...'} with standard_conforming_strings off: also backslash escapes. */
		ESCAPED,
		/** {@code B'...'} and {@code X'...'}: the first quote ends the string, even a doubled one. */
		BITS

	}

	/** The quoting of a string that a letter prefix starts at {@code i} ({@code E'}, {@code B'}, ...), or null. */
	private static Quoting prefixedString(String sql, int i) {
		char c = Character.toLowerCase(sql.charAt(i));
		if (i + 1 < sql.length() && sql.charAt(i + 1) == '\'') {
			return switch (c) {
				case 'e' -> Quoting.ESCAPED;
				case 'b', 'x' -> Quoting.BITS;
				default -> null; // N'...' is the word NCHAR, then an ordinary string
			};
		}
		return (c == 'u' && sql.startsWith("&'", i + 1)) ? Quoting.STANDARD : null;
	}

	/**
	 * The end of a string whose content starts at {@code from}. After the closing quote, a line break (with
	 * spaces and {@code --} comments around it) followed by another quote continues the same string, read the
	 * same way: {@code E'a'} then a newline then {@code '\''} is one escape string.
	 */
	private static int endOfString(String sql, int from, Quoting quoting) {
		int n = sql.length();
		int i = from;
		while (i < n) {
			char c = sql.charAt(i);
			if (c == '\\' && quoting == Quoting.ESCAPED) {
				i += 2;
			}
			else if (c == '\'') {
				if (quoting != Quoting.BITS && i + 1 < n && sql.charAt(i + 1) == '\'') {
					i += 2;
				}
				else {
					int continuation = continuedQuote(sql, i + 1);
					if (continuation < 0) {
						return i + 1;
					}
					i = continuation + 1;
				}
			}
			else {
				i++;
			}
		}
		throw new IllegalArgumentException("has an unterminated string literal");
	}

	/** Where the quote that continues a string ending just before {@code from} is, or -1 if it is not continued. */
	private static int continuedQuote(String sql, int from) {
		int n = sql.length();
		int i = from;
		while (i < n && (isHorizontalSpace(sql.charAt(i)) || sql.startsWith("--", i))) {
			i = isHorizontalSpace(sql.charAt(i)) ? i + 1 : endOfLineComment(sql, i);
		}
		if (i >= n || !isNewline(sql.charAt(i))) {
			return -1;
		}
		i++;
		while (i < n) {
			if (isSpace(sql.charAt(i))) {
				i++;
			}
			else if (sql.startsWith("--", i)) {
				i = endOfLineComment(sql, i);
				if (i >= n) {
					return -1;
				}
				i++;
			}
			else {
				break;
			}
		}
		return (i < n && sql.charAt(i) == '\'') ? i : -1;
	}

	private static int endOfQuotedIdentifier(String sql, int from) {
		int i = from;
		while (i < sql.length()) {
			if (sql.charAt(i) == '"') {
				if (i + 1 < sql.length() && sql.charAt(i + 1) == '"') {
					i += 2;
				}
				else {
					if (i == from) {
						throw new IllegalArgumentException("has an empty quoted identifier (\"\")");
					}
					return i + 1;
				}
			}
			else {
				i++;
			}
		}
		throw new IllegalArgumentException("has an unterminated quoted identifier");
	}

	private static int endOfLineComment(String sql, int start) {
		int i = start + 2;
		while (i < sql.length() && !isNewline(sql.charAt(i))) {
			i++;
		}
		return i;
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

	/**
	 * The end of a number as PostgreSQL 14 reads it: digits with at most one dot and an exponent. What follows
	 * starts a new token even without a space ({@code 1e'x'} is 1 and then an escape string); later versions
	 * reject such trailing letters instead.
	 */
	private static int endOfNumber(String sql, int start) {
		int n = sql.length();
		int i = start;
		while (i < n && isDigit(sql.charAt(i))) {
			i++;
		}
		if (i < n && sql.charAt(i) == '.' && !(i + 1 < n && sql.charAt(i + 1) == '.')) {
			i++;
			while (i < n && isDigit(sql.charAt(i))) {
				i++;
			}
		}
		if (i < n && (sql.charAt(i) == 'e' || sql.charAt(i) == 'E')) {
			int exponent = i + 1;
			if (exponent < n && (sql.charAt(exponent) == '+' || sql.charAt(exponent) == '-')) {
				exponent++;
			}
			if (exponent < n && isDigit(sql.charAt(exponent))) {
				i = exponent;
				while (i < n && isDigit(sql.charAt(i))) {
					i++;
				}
			}
		}
		return i;
	}

	/** The index just past the tag of a dollar quote starting at {@code start} ({@code $tag$}), or -1. */
	private static int dollarTagEnd(String sql, int start) {
		int i = start + 1;
		if (i < sql.length() && isIdentifierStart(sql.charAt(i))) {
			i++;
			while (i < sql.length() && isIdentifierPart(sql.charAt(i)) && sql.charAt(i) != '$') {
				i++;
			}
		}
		return (i < sql.length() && sql.charAt(i) == '$') ? i + 1 : -1;
	}

	private static int endOfDollarQuote(String sql, int start) {
		int tagEnd = dollarTagEnd(sql, start);
		String tag = sql.substring(start, tagEnd);
		int close = sql.indexOf(tag, tagEnd);
		if (close < 0) {
			throw new IllegalArgumentException("has an unterminated " + tag + " quoted string");
		}
		return close + tag.length();
	}

	/**
	 * PostgreSQL's whitespace. Older versions take a vertical tab for a stray character instead, which is a syntax
	 * error wherever it stands outside quotes, so reading it as a space is safe for them too.
	 */
	private static boolean isSpace(char c) {
		return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\u000B';
	}

	private static boolean isHorizontalSpace(char c) {
		return c == ' ' || c == '\t' || c == '\f' || c == '\u000B';
	}

	private static boolean isNewline(char c) {
		return c == '\n' || c == '\r';
	}

	private static boolean isDigit(char c) {
		return c >= '0' && c <= '9';
	}

	/** Letters and underscore; the server takes every byte above 0x7F, so every non-ASCII character, as a letter. */
	private static boolean isIdentifierStart(char c) {
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c > 0x7F;
	}

	private static boolean isIdentifierPart(char c) {
		return isIdentifierStart(c) || isDigit(c) || c == '$';
	}

	/**
	 * Why pgjdbc would not send the fragment as part of one statement, or {@code null}: its splitter cuts at a
	 * {@code ;} outside what it takes for quotes and comments, and its escape processing rewrites {@code {...}}
	 * there. Its rules differ from the server's in places ({@code /}{@code *}{@code /} closes a comment,
	 * {@code 1$a$} is no dollar quote, {@code 1e'\''} is no escape string), so the fragment must also be whole in
	 * its reading: no {@code ;} or brace, and nothing left open at the end. The fragment is read as pasted after a
	 * space.
	 */
	static String driverProblem(String fragment) {
		char[] q = (" " + fragment).toCharArray();
		int n = q.length;
		for (int i = 1; i < n; i++) {
			char c = q[i];
			if (c == '\'') {
				boolean escapes = i >= 2 && (q[i - 1] == 'e' || q[i - 1] == 'E') && driverTerminatesIdentifier(q[i - 2]);
				i++;
				while (i < n && q[i] != '\'') {
					i += (escapes && q[i] == '\\') ? 2 : 1;
				}
				if (i >= n) {
					return driverOpen("string literal");
				}
			}
			else if (c == '"') {
				i++;
				while (i < n && q[i] != '"') {
					i++;
				}
				if (i >= n) {
					return driverOpen("quoted identifier");
				}
			}
			else if (c == '-' && i + 1 < n && q[i + 1] == '-') {
				while (i < n && q[i] != '\r' && q[i] != '\n') {
					i++;
				}
				if (i >= n) {
					return driverOpen("-- comment");
				}
			}
			else if (c == '/' && i + 1 < n && q[i + 1] == '*') {
				i = driverEndOfBlockComment(q, i);
				if (i < 0) {
					return driverOpen("/* comment");
				}
			}
			else if (c == '$' && !Character.isJavaIdentifierPart(q[i - 1])) {
				int tagEnd = driverDollarTagEnd(q, i);
				if (tagEnd > 0) {
					int close = new String(q).indexOf(new String(q, i, tagEnd - i), tagEnd);
					if (close < 0) {
						return driverOpen("dollar-quoted string");
					}
					i = close + tagEnd - i - 1;
				}
			}
			else if (c == ';') {
				return "is read differently by the JDBC driver, which would split the statement at its ';'";
			}
			else if (c == '{' || c == '}') {
				return "is read differently by the JDBC driver, which would take its '" + c + "' for a JDBC escape";
			}
		}
		return null;
	}

	private static String driverOpen(String what) {
		return "is read differently by the JDBC driver, which would take the text after it for part of a " + what;
	}

	private static boolean driverTerminatesIdentifier(char c) {
		return c == '"' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
				|| DRIVER_OPERATOR_CHARS.indexOf(c) >= 0;
	}

	/** pgjdbc's nested comment scan, in which a star-slash right after the opening (as in /{@code *}/) closes it. */
	private static int driverEndOfBlockComment(char[] q, int start) {
		int level = 1;
		for (int i = start + 2; i < q.length; i++) {
			if (q[i - 1] == '*' && q[i] == '/') {
				level--;
				i++;
			}
			else if (q[i - 1] == '/' && q[i] == '*') {
				level++;
				i++;
			}
			if (level == 0) {
				return i - 1;
			}
		}
		return -1;
	}

	private static int driverDollarTagEnd(char[] q, int start) {
		if (start + 1 >= q.length) {
			return -1;
		}
		if (q[start + 1] == '$') {
			return start + 2;
		}
		if (!Character.isJavaIdentifierStart(q[start + 1])) {
			return -1;
		}
		for (int i = start + 2; i < q.length; i++) {
			if (q[i] == '$') {
				return i + 1;
			}
			if (!Character.isJavaIdentifierPart(q[i])) {
				return -1;
			}
		}
		return -1;
	}

}
