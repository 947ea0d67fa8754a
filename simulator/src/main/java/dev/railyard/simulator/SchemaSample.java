package dev.railyard.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/**
 * The smallest value a schema accepts: objects with only their required properties, arrays of their
 * minimum length, the first enum value, the minimum of a number. It reads JSON Schema (OpenAI's
 * {@code json_schema}, Gemini's {@code responseJsonSchema}) and the OpenAPI subset Gemini's
 * {@code responseSchema} uses (upper-case {@code type}s such as {@code OBJECT}). Structured-output answers
 * are built from it, so a client's schema validation passes.
 */
public final class SchemaSample {
    private static final int MAX_DEPTH = 32;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private SchemaSample() {
    }

    /** A value valid against {@code schema}; an empty object when there is no schema. */
    public static JsonNode of(JsonNode schema) {
        if (schema == null || schema.isMissingNode() || schema.isNull()) {
            return NODES.objectNode();
        }
        return sample(schema, schema, 0);
    }

    private static JsonNode sample(JsonNode schema, JsonNode root, int depth) {
        if (depth > MAX_DEPTH || !schema.isObject()) {
            return NODES.nullNode();
        }
        if (schema.has("$ref")) {
            return sample(resolve(root, schema.get("$ref").asText()), root, depth + 1);
        }
        if (schema.has("const")) {
            return schema.get("const");
        }
        if (schema.path("enum").isArray() && !schema.path("enum").isEmpty()) {
            return schema.get("enum").get(0);
        }
        for (String alternatives : new String[]{"anyOf", "oneOf"}) {
            if (schema.path(alternatives).isArray() && !schema.path(alternatives).isEmpty()) {
                return sample(schema.get(alternatives).get(0), root, depth + 1);
            }
        }
        if (schema.path("allOf").isArray() && !schema.path("allOf").isEmpty()) {
            ObjectNode merged = NODES.objectNode();
            for (JsonNode part : schema.get("allOf")) {
                JsonNode v = sample(part, root, depth + 1);
                if (v.isObject()) {
                    merged.setAll((ObjectNode) v);
                }
            }
            return merged;
        }
        String type = type(schema);
        return switch (type) {
            case "object" -> object(schema, root, depth);
            case "array" -> {
                ArrayNode array = NODES.arrayNode();
                int n = schema.path("minItems").asInt(0);
                for (int i = 0; i < n; i++) {
                    array.add(sample(schema.path("items"), root, depth + 1));
                }
                yield array;
            }
            case "string" -> NODES.textNode(string(schema));
            case "integer" -> integer(schema.has("minimum") ? (long) Math.ceil(schema.get("minimum").asDouble()) : 1L);
            case "number" -> NODES.numberNode(schema.has("minimum") ? schema.get("minimum").asDouble() : 1.0);
            case "boolean" -> NODES.booleanNode(true);
            case "null" -> NODES.nullNode();
            default -> schema.has("properties") ? object(schema, root, depth) : NODES.objectNode();
        };
    }

    private static JsonNode integer(long value) {
        return value == (int) value ? NODES.numberNode((int) value) : NODES.numberNode(value);
    }

    private static ObjectNode object(JsonNode schema, JsonNode root, int depth) {
        ObjectNode object = NODES.objectNode();
        JsonNode properties = schema.path("properties");
        for (JsonNode name : schema.path("required")) {
            JsonNode property = properties.path(name.asText());
            object.set(name.asText(), property.isObject() ? sample(property, root, depth + 1) : NODES.textNode("railyard"));
        }
        return object;
    }

    private static String type(JsonNode schema) {
        JsonNode type = schema.path("type");
        if (type.isArray()) {
            for (JsonNode t : type) {
                if (!"null".equalsIgnoreCase(t.asText())) {
                    return t.asText().toLowerCase(Locale.ROOT);
                }
            }
            return "null";
        }
        return type.asText("").toLowerCase(Locale.ROOT);
    }

    private static String string(JsonNode schema) {
        String format = schema.path("format").asText("");
        String value = switch (format) {
            case "date-time" -> "2026-01-01T00:00:00Z";
            case "date" -> "2026-01-01";
            case "email" -> "sim@railyard.dev";
            case "uri" -> "https://railyard.dev";
            case "uuid" -> "00000000-0000-4000-8000-000000000000";
            default -> "railyard";
        };
        int min = schema.path("minLength").asInt(0);
        StringBuilder s = new StringBuilder(value);
        while (s.length() < min) {
            s.append('x');
        }
        int max = schema.path("maxLength").asInt(Integer.MAX_VALUE);
        return s.length() > max ? s.substring(0, max) : s.toString();
    }

    private static JsonNode resolve(JsonNode root, String ref) {
        if (!ref.startsWith("#")) {
            return NODES.objectNode();
        }
        JsonNode target = root.at(ref.substring(1));
        return target.isMissingNode() ? NODES.objectNode() : target;
    }
}
