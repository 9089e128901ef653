package dev.pgroll4j.core.migration;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.SerializableString;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.sym.PropertyNameMatcher;
import tools.jackson.core.util.JsonParserDelegate;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.type.LogicalType;
import tools.jackson.dataformat.yaml.YAMLAnchorReplayingFactory;
import tools.jackson.dataformat.yaml.YAMLFactory;
import tools.jackson.dataformat.yaml.YAMLMapper;

import org.snakeyaml.engine.v2.api.LoadSettings;

import dev.pgroll4j.core.MigrationParseException;
import dev.pgroll4j.core.operations.Operation;
import dev.pgroll4j.core.operations.OperationKind;
import dev.pgroll4j.core.sql.Identifiers;

/**
 * Reads pgroll migration files, JSON or YAML, strictly: an unknown operation or field, or a value of the wrong
 * type, is an error that names the file and the path to the offending field.
 * <p>
 * Files are UTF-8 (a leading byte order mark is skipped) of at most {@link #MAX_FILE_BYTES} bytes, refused by
 * size before they are read further; YAML anchors and aliases are resolved, up to {@link #MAX_EXPANDED_SIZE}.
 *
 * <p>Why one file of ~600 lines: every limit it enforces (size, encoding, characters, aliases, duplicate keys,
 * operation count) runs in one pass over the document, before any operation record is built.
 */
public final class MigrationParser {

	/**
	 * The largest migration file, in bytes: 1 MiB. pgroll's own examples are at most 1 kB and a migration of a few
	 * thousand operations, or a {@code sql} operation holding the schema dump of a few hundred tables, fits;
	 * anything larger is refused before it is parsed (YAML parsing of one long line grows with the square of its
	 * length), and is better split into several migrations anyway.
	 */
	public static final int MAX_FILE_BYTES = 1024 * 1024;

	/**
	 * The most operations one migration file may have. Validation costs time and memory in proportion to the number
	 * of operations (a fraction of a millisecond for most, a few where the server compiles an expression), but start
	 * runs all of them in one transaction, which holds a lock on every table it touches; several thousand operations
	 * is already far beyond a reviewable change, so more are refused rather than left to exhaust the lock table.
	 */
	public static final int MAX_OPERATIONS = 5_000;

	/**
	 * How large a YAML document may become once its aliases are expanded, counted as one per token plus the length
	 * of every key and string: twice the largest file, which a file without aliases never reaches. An alias is
	 * replaced by a copy of what its anchor names, so a few lines can stand for gigabytes ("billion laughs").
	 */
	static final int MAX_EXPANDED_SIZE = 2 * MAX_FILE_BYTES;

	private static final ObjectMapper JSON = configure(JsonMapper.builder()).build();

	/**
	 * Resolves aliases (and {@code <<} merge keys) as pgroll's YAML library does. A key may appear twice here, once
	 * from a merge and once written out (which wins); {@link #YAML_AS_WRITTEN} finds keys written twice.
	 */
	private static final ObjectMapper YAML = configure(
			YAMLMapper.builder(YAMLAnchorReplayingFactory.builder().loadSettings(yamlSettings()).build()))
		.disable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
		.build();

	/** Reads YAML as written, aliases unexpanded, to find syntax errors and duplicate keys. */
	private static final ObjectMapper YAML_AS_WRITTEN = configure(
			YAMLMapper.builder(YAMLFactory.builder().loadSettings(yamlSettings()).build()))
		.build();

	private MigrationParser() {
	}

	/**
	 * SnakeYAML's reader copies what it has read of the current token each time it reads another buffer, so a
	 * long line costs time in the square of its length over the buffer size: a 1 MiB line took 10 s with the
	 * default 1,024 characters, 0.6 s with 64 Ki.
	 */
	private static LoadSettings yamlSettings() {
		return LoadSettings.builder().setBufferSize(64 * 1024).build();
	}

	private static <M extends ObjectMapper, B extends tools.jackson.databind.cfg.MapperBuilder<M, B>> B configure(
			B builder) {
		// Strict scalars as in pgroll: "true" is not a boolean and 0 is not a string.
		return builder.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
			.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
			.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
			.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
			.disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
			.withCoercionConfig(LogicalType.Textual, (config) -> config.setCoercion(CoercionInputShape.Integer,
					CoercionAction.Fail)
				.setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
				.setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
			.propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
	}

	/** The file formats, chosen by extension. */
	public enum Format {

		JSON, YAML;

		/** The format of a file name, or {@code null} if it is not a migration file. */
		public static Format of(String fileName) {
			String lower = fileName.toLowerCase(Locale.ROOT);
			if (lower.endsWith(".json")) {
				return JSON;
			}
			if (lower.endsWith(".yaml") || lower.endsWith(".yml")) {
				return YAML;
			}
			return null;
		}

	}

	/** The migration name of a file: its name without the last extension (as in pgroll, empty for ".json"). */
	public static String nameOf(String fileName) {
		String base = fileName.substring(fileName.lastIndexOf('/') + 1);
		int dot = base.lastIndexOf('.');
		return (dot >= 0) ? base.substring(0, dot) : base;
	}

	/**
	 * Parses the bytes of a migration file: at most {@link #MAX_FILE_BYTES} of UTF-8, checked before anything else.
	 * @param source the file name or path; its extension chooses the format and its base name is the name
	 * @param content the file's bytes
	 */
	public static Migration parse(String source, byte[] content) {
		Format format = formatOf(source);
		checkSize(source, content.length);
		return parse(nameOf(source), source, decode(source, content), format, true);
	}

	/**
	 * Parses the content of a migration file, already decoded; the same size limit applies to its UTF-8 form.
	 * @param source the file name or path; its extension chooses the format and its base name is the name
	 * @param content the file's text
	 */
	public static Migration parse(String source, String content) {
		Format format = formatOf(source);
		checkSize(source, utf8Length(content));
		return parse(nameOf(source), source, content, format, true);
	}

	/** Parses a migration given as a JSON document, such as the stored form in the history. */
	public static Migration parseJson(String name, String source, String json) {
		return parse(name, source, json, Format.JSON, false);
	}

	private static Format formatOf(String source) {
		Format format = Format.of(source);
		if (format == null) {
			throw new MigrationParseException(source, null, "not a migration file: expected .json, .yaml or .yml");
		}
		return format;
	}

	/** Refuses a file larger than {@link #MAX_FILE_BYTES}, whose size is known before it is read. */
	static void checkSize(String source, long bytes) {
		if (bytes > MAX_FILE_BYTES) {
			throw tooLarge(source, "is " + bytes + " bytes");
		}
	}

	static MigrationParseException tooLarge(String source, String size) {
		return new MigrationParseException(source, null, size + "; a migration file may have at most "
				+ MAX_FILE_BYTES + " bytes (1 MiB): split it into several migrations");
	}

	/** The length of the text in UTF-8, counted only as far as the limit. */
	private static long utf8Length(String text) {
		if (text.length() > MAX_FILE_BYTES) {
			return text.length();
		}
		long bytes = 0;
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c < 0x80) {
				bytes++;
			}
			else if (c < 0x800) {
				bytes += 2;
			}
			else if (Character.isHighSurrogate(c) && i + 1 < text.length()
					&& Character.isLowSurrogate(text.charAt(i + 1))) {
				bytes += 4;
				i++;
			}
			else {
				bytes += 3;
			}
		}
		return bytes;
	}

	/** Strict UTF-8: a malformed byte is an error that says where, not a replacement character. */
	private static String decode(String source, byte[] content) {
		CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
			.onMalformedInput(CodingErrorAction.REPORT)
			.onUnmappableCharacter(CodingErrorAction.REPORT);
		ByteBuffer in = ByteBuffer.wrap(content);
		CharBuffer out = CharBuffer.allocate(content.length);
		CoderResult result = decoder.decode(in, out, true);
		if (!result.isError()) {
			result = decoder.flush(out);
		}
		if (result.isError()) {
			throw notUtf8(source, content, in.position(), result.length());
		}
		return out.flip().toString();
	}

	private static MigrationParseException notUtf8(String source, byte[] content, int offset, int length) {
		if (offset == 0 && content.length >= 2 && ((content[0] == (byte) 0xFE && content[1] == (byte) 0xFF)
				|| (content[0] == (byte) 0xFF && content[1] == (byte) 0xFE))) {
			return new MigrationParseException(source, null, "is not UTF-8: it starts with a UTF-16 byte order mark; "
					+ "save it as UTF-8");
		}
		int line = 1;
		int lineStart = 0;
		for (int i = 0; i < offset; i++) {
			if (content[i] == '\n') {
				line++;
				lineStart = i + 1;
			}
		}
		StringBuilder bytes = new StringBuilder();
		for (int i = offset; i < Math.min(offset + length, content.length); i++) {
			bytes.append((bytes.length() > 0) ? " " : "").append(String.format("0x%02X", content[i] & 0xFF));
		}
		return new MigrationParseException(source, null, "is not valid UTF-8: " + ((length > 1) ? "bytes " : "byte ")
				+ bytes + " at byte offset " + offset + " (line " + line + ", byte " + (offset - lineStart + 1)
				+ " of the line) " + ((length > 1) ? "do" : "does") + " not form a character; save the file as UTF-8");
	}

	private static Migration parse(String defaultName, String source, String content, Format format,
			boolean file) {
		String text = (!content.isEmpty() && content.charAt(0) == '\uFEFF') ? content.substring(1) : content;
		JsonNode root;
		try {
			root = (format == Format.JSON) ? JSON.readTree(text) : readYaml(text);
		}
		catch (StreamConstraintsException ex) {
			// Ours, or the YAML library's own bounds on what an alias may replay (its message names its class).
			boolean aliases = ex instanceof ExpansionLimit.Exceeded
					|| ex.getOriginalMessage().contains("YAMLAnchorReplayingParser");
			throw new MigrationParseException(source, null, (aliases ? "is too large once its YAML aliases are "
					+ "expanded: " : "is too large: ") + firstLine(ex.getOriginalMessage()) + location(ex));
		}
		catch (JacksonException ex) {
			throw new MigrationParseException(source, null, "is not valid " + format + ": " + ex.getOriginalMessage()
					+ location(ex));
		}
		if (root == null || root.isMissingNode() || root.isNull()) {
			throw new MigrationParseException(source, null, "is empty");
		}
		if (!root.isObject()) {
			throw new MigrationParseException(source, null, "must be an object with an 'operations' list");
		}
		Forbidden forbidden = forbidden(root);
		if (forbidden != null) {
			String path = forbidden.path().isEmpty() ? null : forbidden.path().substring(1);
			throw new MigrationParseException(source, path, (forbidden.character() == 0)
					? "contains a NUL character (\\u0000), which PostgreSQL text cannot hold"
					: "contains " + String.format("U+%04X", forbidden.character()) + " "
							+ Character.getName(forbidden.character()) + ", a bidirectional control that makes text "
							+ "display in another order than it is read, so a reviewed file could run other SQL than it "
							+ "shows; where data needs it, write it as an escape (U&'\\"
							+ String.format("%04X", forbidden.character()) + "')");
		}
		String name = defaultName;
		boolean named = false;
		String versionSchema = null;
		JsonNode operationsNode = null;
		for (Map.Entry<String, JsonNode> field : root.properties()) {
			switch (field.getKey()) {
				case "operations" -> operationsNode = field.getValue();
				case "version_schema" -> versionSchema = text(source, "version_schema", field.getValue());
				case "name" -> {
					name = text(source, "name", field.getValue());
					named = true;
				}
				default -> throw new MigrationParseException(source, field.getKey(), "unknown field; a migration has "
						+ "'operations' and optionally 'version_schema' and 'name'");
			}
		}
		if (file) {
			checkName(source, name, named);
		}
		if (operationsNode == null) {
			throw new MigrationParseException(source, "operations", "is required");
		}
		if (!operationsNode.isArray()) {
			throw new MigrationParseException(source, "operations", "must be a list");
		}
		if (file && operationsNode.size() > MAX_OPERATIONS) {
			throw new MigrationParseException(source, "operations", "has " + operationsNode.size() + " operations; a "
					+ "migration may have at most " + MAX_OPERATIONS + ": split it into several migrations");
		}
		ObjectMapper mapper = (format == Format.JSON) ? JSON : YAML;
		List<Operation> operations = new ArrayList<>();
		for (int i = 0; i < operationsNode.size(); i++) {
			operations.add(operation(mapper, source, i, operationsNode.get(i)));
		}
		ObjectNode stored = JSON.createObjectNode();
		if (versionSchema != null) {
			stored.put("version_schema", versionSchema);
		}
		stored.set("operations", operationsNode);
		return new Migration(name, versionSchema, operations, source, JSON.writeValueAsString(stored));
	}

	/**
	 * Reads YAML with its aliases resolved, refusing a document that grows beyond {@link #MAX_EXPANDED_SIZE} as they
	 * are expanded, before the copies are made.
	 */
	private static JsonNode readYaml(String text) {
		try (JsonParser parser = YAML_AS_WRITTEN.createParser(text)) {
			while (parser.nextToken() != null) {
				// The parser itself reports syntax errors and keys written twice in one mapping.
			}
		}
		try (JsonParser parser = new ExpansionLimit(YAML.createParser(text))) {
			return YAML.readTree(parser);
		}
	}

	/**
	 * The migration name must be there to see: not empty (a file named ".yaml", or {@code name: ""}, would make the
	 * version schema "public_"), and without characters that make it look like another name.
	 */
	private static void checkName(String source, String name, boolean named) {
		String field = named ? "name" : null;
		if (name.isEmpty()) {
			throw new MigrationParseException(source, field, named ? "must not be empty"
					: "the file name has nothing before its extension, so the migration has no name");
		}
		String problem = Identifiers.invisibleCharacterProblem(name);
		if (problem != null) {
			throw new MigrationParseException(source, field, "migration name \"" + Identifiers.printable(name) + "\" "
					+ problem);
		}
	}

	/**
	 * A character no string of a migration file may hold: NUL, which PostgreSQL text cannot hold, and the
	 * bidirectional embeddings, overrides and isolates (U+202A to U+202E, U+2066 to U+2069) that make source display
	 * in another order than it is read ("Trojan Source").
	 *
	 * @param path where it is ("" for the root, ".a[0].b" below it)
	 */
	private record Forbidden(String path, int character) {
	}

	private static boolean isForbidden(int c) {
		return c == 0 || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
	}

	private static int firstForbidden(String text) {
		return text.codePoints().filter(MigrationParser::isForbidden).findFirst().orElse(-1);
	}

	/** The first key or string that holds a {@link Forbidden} character, or {@code null}. */
	private static Forbidden forbidden(JsonNode node) {
		if (node.isString()) {
			int c = firstForbidden(node.asString());
			return (c >= 0) ? new Forbidden("", c) : null;
		}
		if (node.isArray()) {
			for (int i = 0; i < node.size(); i++) {
				Forbidden below = forbidden(node.get(i));
				if (below != null) {
					return new Forbidden("[" + i + "]" + below.path(), below.character());
				}
			}
		}
		else if (node.isObject()) {
			for (Map.Entry<String, JsonNode> field : node.properties()) {
				String key = field.getKey();
				int c = firstForbidden(key);
				if (c >= 0) {
					return new Forbidden("." + Identifiers.printable(key), c);
				}
				Forbidden below = forbidden(field.getValue());
				if (below != null) {
					return new Forbidden("." + key + below.path(), below.character());
				}
			}
		}
		return null;
	}

	private static String text(String source, String field, JsonNode value) {
		if (!value.isString()) {
			throw new MigrationParseException(source, field, "must be a string");
		}
		return value.asString();
	}

	private static Operation operation(ObjectMapper mapper, String source, int index, JsonNode node) {
		String at = "operations[" + index + "]";
		if (node == null || !node.isObject()) {
			throw new MigrationParseException(source, at, "an operation must be an object with one key, the "
					+ "operation name");
		}
		if (node.size() != 1) {
			throw new MigrationParseException(source, at, "an operation must have exactly one key, the operation "
					+ "name; found " + node.size() + ": " + String.join(", ", node.propertyNames()));
		}
		Iterator<String> names = node.propertyNames().iterator();
		String kind = names.next();
		Class<? extends Operation> type = OperationKind.byKey(kind)
			.orElseThrow(() -> new MigrationParseException(source, at, "unknown operation \"" + kind
					+ "\"; known operations are " + String.join(", ", OperationKind.keys())))
			.type();
		JsonNode body = node.get(kind);
		if (!body.isObject()) {
			throw new MigrationParseException(source, at + "." + kind, "must be an object");
		}
		try {
			return mapper.treeToValue(body, type);
		}
		catch (UnrecognizedPropertyException ex) {
			throw new MigrationParseException(source, at + "." + kind + path(ex), "unknown field \""
					+ ex.getPropertyName() + "\" in " + kind);
		}
		catch (MismatchedInputException ex) {
			String expected = describe(ex.getTargetType());
			String path = path(ex);
			throw new MigrationParseException(source, at + "." + kind + path,
					((expected != null) ? "must be " + expected : firstLine(ex.getOriginalMessage()))
							+ expectedShape(kind, path));
		}
		catch (DatabindException ex) {
			throw new MigrationParseException(source, at + "." + kind + path(ex), firstLine(ex.getOriginalMessage()));
		}
	}

	/**
	 * The shape of a field whose older pgroll forms are still found in files. pgroll itself no longer reads them
	 * ({@code pgroll update} rewrites them), so neither does this parser, but it shows what to write instead.
	 */
	private static String expectedShape(String kind, String path) {
		// The list itself or one of its elements; a field inside an element has a message of its own.
		if ("create_index".equals(kind) && path.matches("\\.columns(\\[\\d+])?")) {
			return "; create_index.columns is a list of objects, one per key column, such as columns: [{column: "
					+ "name}, {column: created_at, sort: DESC, nulls: LAST}] (each may also have collate and opclass: "
					+ "{name, params}). A list of column names (columns: [name]) or a map of column to settings is "
					+ "an older pgroll form; pgroll update rewrites it";
		}
		return "";
	}

	/** What a JSON value of the given Java type looks like, in a migration author's terms. */
	private static String describe(Class<?> type) {
		if (type == null) {
			return null;
		}
		if (type == String.class) {
			return "a string";
		}
		if (type == Boolean.class || type == boolean.class) {
			return "true or false";
		}
		if (List.class.isAssignableFrom(type)) {
			return "a list";
		}
		if (Map.class.isAssignableFrom(type)) {
			return "an object (a map of column name to SQL)";
		}
		if (type.isRecord()) {
			return "an object";
		}
		return null;
	}

	private static String path(DatabindException ex) {
		StringBuilder path = new StringBuilder();
		for (JacksonException.Reference reference : ex.getPath()) {
			if (reference.getIndex() >= 0) {
				path.append('[').append(reference.getIndex()).append(']');
			}
			else if (reference.getPropertyName() != null) {
				path.append('.').append(reference.getPropertyName());
			}
		}
		return path.toString();
	}

	private static String firstLine(String message) {
		int newline = message.indexOf('\n');
		return (newline < 0) ? message : message.substring(0, newline);
	}

	private static String location(JacksonException ex) {
		if (ex.getLocation() == null || ex.getLocation().getLineNr() < 0) {
			return "";
		}
		return " (line " + ex.getLocation().getLineNr() + ", column " + ex.getLocation().getColumnNr() + ")";
	}

	/**
	 * Counts what the parser hands out, aliases expanded, and stops at {@link #MAX_EXPANDED_SIZE}. Every way of
	 * advancing goes through {@link #nextToken()}, so nothing escapes the count.
	 */
	private static final class ExpansionLimit extends JsonParserDelegate {

		private long size;

		ExpansionLimit(JsonParser parser) {
			super(parser);
		}

		@Override
		public JsonToken nextToken() {
			JsonToken token = super.nextToken();
			if (token != null) {
				this.size += 1;
				if (token == JsonToken.PROPERTY_NAME) {
					this.size += currentName().length();
				}
				else if (token == JsonToken.VALUE_STRING) {
					this.size += getString().length();
				}
				if (this.size > MAX_EXPANDED_SIZE) {
					throw new Exceeded(currentTokenLocation());
				}
			}
			return token;
		}

		@Override
		public JsonToken nextValue() {
			JsonToken token = nextToken();
			return (token == JsonToken.PROPERTY_NAME) ? nextToken() : token;
		}

		@Override
		public String nextName() {
			return (nextToken() == JsonToken.PROPERTY_NAME) ? currentName() : null;
		}

		@Override
		public boolean nextName(SerializableString name) {
			return nextToken() == JsonToken.PROPERTY_NAME && name.getValue().equals(currentName());
		}

		@Override
		public int nextNameMatch(PropertyNameMatcher matcher) {
			String name = nextName();
			if (name != null) {
				return matcher.matchName(name);
			}
			return (currentToken() == JsonToken.END_OBJECT) ? PropertyNameMatcher.MATCH_END_OBJECT
					: PropertyNameMatcher.MATCH_ODD_TOKEN;
		}

		/** Raised inside the parser, so that Jackson adds where it stopped. */
		static final class Exceeded extends StreamConstraintsException {

			private static final long serialVersionUID = 1L;

			Exceeded(TokenStreamLocation location) {
				super("its aliases expand it beyond " + MAX_EXPANDED_SIZE + " characters (twice the largest file)",
						location);
			}

		}

	}

}
