package dev.pgroll4j.core.migration;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
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
import tools.jackson.dataformat.yaml.YAMLMapper;

import dev.pgroll4j.core.MigrationParseException;
import dev.pgroll4j.core.operations.AddColumn;
import dev.pgroll4j.core.operations.AlterColumn;
import dev.pgroll4j.core.operations.CreateConstraint;
import dev.pgroll4j.core.operations.CreateIndex;
import dev.pgroll4j.core.operations.CreateTable;
import dev.pgroll4j.core.operations.DropColumn;
import dev.pgroll4j.core.operations.DropConstraint;
import dev.pgroll4j.core.operations.DropIndex;
import dev.pgroll4j.core.operations.DropMultiColumnConstraint;
import dev.pgroll4j.core.operations.DropTable;
import dev.pgroll4j.core.operations.Operation;
import dev.pgroll4j.core.operations.RawSql;
import dev.pgroll4j.core.operations.RenameColumn;
import dev.pgroll4j.core.operations.RenameConstraint;
import dev.pgroll4j.core.operations.RenameTable;
import dev.pgroll4j.core.operations.SetReplicaIdentity;

/**
 * Reads pgroll migration files, JSON or YAML, strictly: an unknown operation or field, or a value of the wrong
 * type, is an error that names the file and the path to the offending field.
 */
public final class MigrationParser {

	/** Operation kinds known to this engine, in pgroll's spelling. */
	static final Map<String, Class<? extends Operation>> OPERATIONS = Map.ofEntries(
			Map.entry("create_table", CreateTable.class), Map.entry("add_column", AddColumn.class),
			Map.entry("drop_column", DropColumn.class), Map.entry("rename_table", RenameTable.class),
			Map.entry("rename_column", RenameColumn.class), Map.entry("drop_table", DropTable.class),
			Map.entry("create_index", CreateIndex.class), Map.entry("drop_index", DropIndex.class),
			Map.entry("rename_constraint", RenameConstraint.class),
			Map.entry("set_replica_identity", SetReplicaIdentity.class), Map.entry("sql", RawSql.class),
			Map.entry("alter_column", AlterColumn.class), Map.entry("create_constraint", CreateConstraint.class),
			Map.entry("drop_constraint", DropConstraint.class),
			Map.entry("drop_multicolumn_constraint", DropMultiColumnConstraint.class));

	private static final ObjectMapper JSON = configure(JsonMapper.builder()).build();

	private static final ObjectMapper YAML = configure(YAMLMapper.builder()).build();

	private MigrationParser() {
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

	/** The migration name of a file: its name without the last extension. */
	public static String nameOf(String fileName) {
		String base = fileName.substring(fileName.lastIndexOf('/') + 1);
		int dot = base.lastIndexOf('.');
		return (dot > 0) ? base.substring(0, dot) : base;
	}

	/**
	 * Parses the content of a migration file.
	 * @param source the file name or path; its extension chooses the format and its base name is the name
	 * @param content the file's text
	 */
	public static Migration parse(String source, String content) {
		Format format = Format.of(source);
		if (format == null) {
			throw new MigrationParseException(source, null, "not a migration file: expected .json, .yaml or .yml");
		}
		return parse(nameOf(source), source, content, format);
	}

	/** Parses a migration given as a JSON document, such as the stored form in the history. */
	public static Migration parseJson(String name, String source, String json) {
		return parse(name, source, json, Format.JSON);
	}

	static Migration parse(String defaultName, String source, String content, Format format) {
		ObjectMapper mapper = (format == Format.JSON) ? JSON : YAML;
		JsonNode root;
		try {
			root = mapper.readTree(content);
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
		String name = defaultName;
		String versionSchema = null;
		JsonNode operationsNode = null;
		for (Map.Entry<String, JsonNode> field : root.properties()) {
			switch (field.getKey()) {
				case "operations" -> operationsNode = field.getValue();
				case "version_schema" -> versionSchema = text(source, "version_schema", field.getValue());
				case "name" -> name = text(source, "name", field.getValue());
				default -> throw new MigrationParseException(source, field.getKey(), "unknown field; a migration has "
						+ "'operations' and optionally 'version_schema' and 'name'");
			}
		}
		if (operationsNode == null) {
			throw new MigrationParseException(source, "operations", "is required");
		}
		if (!operationsNode.isArray()) {
			throw new MigrationParseException(source, "operations", "must be a list");
		}
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
		Class<? extends Operation> type = OPERATIONS.get(kind);
		if (type == null) {
			throw new MigrationParseException(source, at, "unknown operation \"" + kind + "\"; known operations are "
					+ String.join(", ", OPERATIONS.keySet().stream().sorted().toList()));
		}
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
			throw new MigrationParseException(source, at + "." + kind + path(ex),
					(expected != null) ? "must be " + expected : firstLine(ex.getOriginalMessage()));
		}
		catch (DatabindException ex) {
			throw new MigrationParseException(source, at + "." + kind + path(ex), firstLine(ex.getOriginalMessage()));
		}
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

}
