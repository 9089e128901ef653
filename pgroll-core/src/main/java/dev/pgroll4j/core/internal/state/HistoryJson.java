package dev.pgroll4j.core.internal.state;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import dev.pgroll4j.core.MigrationStateException;
import dev.pgroll4j.core.internal.catalog.CreatedObjects;
import dev.pgroll4j.core.schema.SchemaSnapshot;

/**
 * The JSON documents of the history's rows, written and read in one place: the schema snapshots
 * ({@code base_schema}, {@code resulting_schema}), the objects a {@code sql} operation created
 * ({@code inferred_undo}) and the migration itself. The format is the one rows already hold; it does not change.
 */
final class HistoryJson {

	private static final ObjectMapper JSON = JsonMapper.builder().build();

	private HistoryJson() {
	}

	static String write(SchemaSnapshot snapshot) {
		return JSON.writeValueAsString(snapshot);
	}

	/** Written as a tree, field by field, so that a native image needs no reflection on the identity record. */
	static String write(List<CreatedObjects.Identity> objects) {
		ArrayNode entries = JSON.createArrayNode();
		for (CreatedObjects.Identity object : objects) {
			ObjectNode entry = entries.addObject()
				.put("kind", object.kind())
				.put("schema", object.schema())
				.put("name", object.name());
			if (object.arguments() != null) {
				entry.put("arguments", object.arguments());
			}
		}
		return JSON.writeValueAsString(entries);
	}

	static SchemaSnapshot readSchema(String json) {
		return JSON.readValue(json, SchemaSnapshot.class);
	}

	/** Equal as JSON documents, as the history stores them (jsonb orders keys its own way). */
	static boolean sameContent(String json, String other) {
		return JSON.readTree(json).equals(JSON.readTree(other));
	}

	/** A document as a tree, to compare or walk. */
	static JsonNode tree(String json) {
		return JSON.readTree(json);
	}

	/** A part of a document as one line. */
	static String compact(JsonNode node) {
		return JSON.writeValueAsString(node);
	}

	/** A string as a JSON string literal. */
	static String quoted(String text) {
		return JSON.writeValueAsString(text);
	}

	/**
	 * The objects an {@code inferred_undo} document records: identities, or DROP statements exactly as the previous
	 * release wrote them (read as identities, never run). Anything else is refused.
	 * @param refused the start of the error message, naming the migration
	 */
	static List<CreatedObjects.Identity> readUndo(String json, String refused) {
		JsonNode entries;
		try {
			entries = JSON.readTree(json);
		}
		catch (JacksonException ex) {
			entries = null;
		}
		if (entries == null || !entries.isArray()) {
			throw new MigrationStateException(refused + "what its history records to undo (inferred_undo) is not a "
					+ "list of objects; nothing was dropped");
		}
		List<CreatedObjects.Identity> recorded = new ArrayList<>();
		for (JsonNode entry : entries) {
			CreatedObjects.Identity object = entry.isString() ? CreatedObjects.legacy(entry.asString())
					: identity(entry);
			if (object == null) {
				throw new MigrationStateException(refused + "what its history records to undo (inferred_undo) holds "
						+ entry + ", which is neither an object's identity ({\"kind\", \"schema\", \"name\"} and, "
						+ "for routines, \"arguments\") nor a DROP statement exactly as the previous release wrote "
						+ "it; nothing was dropped, and no SQL from the history is run");
			}
			recorded.add(object);
		}
		return recorded;
	}

	private static CreatedObjects.@Nullable Identity identity(JsonNode entry) {
		if (!entry.isObject() || entry.properties().stream()
			.anyMatch((field) -> !List.of("kind", "schema", "name", "arguments").contains(field.getKey())
					|| !field.getValue().isString())) {
			return null;
		}
		if (!entry.hasNonNull("kind") || !entry.hasNonNull("schema") || !entry.hasNonNull("name")) {
			return null;
		}
		return new CreatedObjects.Identity(entry.get("kind").asString(), entry.get("schema").asString(),
				entry.get("name").asString(), entry.hasNonNull("arguments") ? entry.get("arguments").asString() : null);
	}

}
