package dev.railyard.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * JSON Schema to Gemini's {@code Schema} (an OpenAPI 3.0 subset). A schema that uses anything
 * {@code Schema} lacks ({@code additionalProperties}, {@code $ref}, non-string enums...) is not
 * converted: the caller sends it whole as {@code responseJsonSchema} / {@code parametersJsonSchema}
 * instead, so nothing in it is lost.
 */
final class GeminiSchemas {
    private static final Set<String> COPIED = Set.of("format", "title", "description", "nullable", "maxItems", "minItems",
            "required", "minProperties", "maxProperties", "minimum", "maximum", "minLength", "maxLength", "pattern",
            "example", "propertyOrdering", "default");

    private GeminiSchemas() {
    }

    static Optional<ObjectNode> convert(JsonNode schema) {
        try {
            return Optional.of(node(schema));
        } catch (NotConvertible e) {
            return Optional.empty();
        }
    }

    private static ObjectNode node(JsonNode schema) {
        if (!schema.isObject()) {
            throw new NotConvertible();
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = schema.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String key = field.getKey();
            JsonNode value = field.getValue();
            switch (key) {
                case "type" -> type(value, out);
                case "enum" -> {
                    for (JsonNode v : value) {
                        if (!v.isTextual()) {
                            throw new NotConvertible();
                        }
                    }
                    out.set("enum", value);
                }
                case "items" -> out.set("items", node(value));
                case "properties" -> {
                    ObjectNode properties = out.putObject("properties");
                    value.fields().forEachRemaining(p -> properties.set(p.getKey(), node(p.getValue())));
                }
                case "anyOf" -> {
                    ArrayNode any = out.putArray("anyOf");
                    value.forEach(v -> any.add(node(v)));
                }
                default -> {
                    if (!COPIED.contains(key)) {
                        throw new NotConvertible();
                    }
                    out.set(key, value);
                }
            }
        }
        return out;
    }

    /** {@code "string"} → {@code STRING}; {@code ["string","null"]} → {@code STRING} + {@code nullable}. */
    private static void type(JsonNode value, ObjectNode out) {
        String type = null;
        if (value.isTextual()) {
            type = value.asText();
        } else if (value.isArray()) {
            for (JsonNode t : value) {
                if ("null".equals(t.asText())) {
                    out.put("nullable", true);
                } else if (type == null) {
                    type = t.asText();
                } else {
                    throw new NotConvertible();
                }
            }
        }
        if (type == null) {
            throw new NotConvertible();
        }
        out.put("type", type.toUpperCase(Locale.ROOT));
    }

    private static final class NotConvertible extends RuntimeException {
        NotConvertible() {
            super(null, null, false, false);
        }
    }
}
