package dev.railyard.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Checks a response against a component schema of OpenAI's OpenAPI document (shared/specs/openai/openapi.yaml),
 * strictly: every required property present, no property null (Railyard omits what is unset, even where the spec
 * would allow null), types, enums and {@code x-stainless-const} values as declared, through {@code $ref},
 * {@code anyOf}/{@code oneOf}/{@code allOf}, arrays and maps. Properties the schema does not declare are allowed
 * unless it says {@code additionalProperties: false}.
 */
final class OpenApiCheck {
    private final JsonNode schemas;

    private OpenApiCheck(JsonNode schemas) {
        this.schemas = schemas;
    }

    /** The spec, found in {@code shared/specs/openai} beside the repository (or above the working directory). */
    static OpenApiCheck load() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            for (Path candidate : List.of(d.resolve("shared/specs/openai/openapi.yaml"), d.resolve("../shared/specs/openai/openapi.yaml"))) {
                if (Files.isRegularFile(candidate)) {
                    try {
                        JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(candidate.toFile());
                        return new OpenApiCheck(doc.path("components").path("schemas"));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
        }
        throw new IllegalStateException("shared/specs/openai/openapi.yaml not found above " + dir);
    }

    /** The problems of {@code value} against {@code #/components/schemas/<component>}; empty when it conforms. */
    List<String> problems(String component, JsonNode value) {
        JsonNode schema = schemas.get(component);
        if (schema == null) {
            throw new IllegalArgumentException("no component schema " + component);
        }
        List<String> out = new ArrayList<>();
        check(schema, value, component, out);
        return out;
    }

    private void check(JsonNode schema, JsonNode value, String path, List<String> out) {
        if (schema.has("$ref")) {
            String ref = schema.get("$ref").asText();
            check(schemas.get(ref.substring(ref.lastIndexOf('/') + 1)), value, path, out);
            return;
        }
        if (value.isNull()) {
            out.add(path + " is null (unset values must be omitted)");
            return;
        }
        if (schema.has("anyOf") || schema.has("oneOf")) {
            JsonNode options = schema.has("anyOf") ? schema.get("anyOf") : schema.get("oneOf");
            List<String> best = null;
            for (JsonNode option : options) {
                if ("null".equals(option.path("type").asText())) {
                    continue;
                }
                List<String> tried = new ArrayList<>();
                check(option, value, path, tried);
                if (tried.isEmpty()) {
                    return;
                }
                best = best == null || tried.size() < best.size() ? tried : best;
            }
            if (best != null) {
                out.add(path + " matches none of the schema's alternatives, e.g. " + best);
            }
            return;
        }
        if (schema.has("allOf")) {
            schema.get("allOf").forEach(part -> check(part, value, path, out));
        }
        String type = schema.path("type").asText("");
        switch (type) {
            case "string" -> expect(value.isTextual(), path, "a string", value, out);
            case "integer" -> expect(value.isIntegralNumber(), path, "an integer", value, out);
            case "number" -> expect(value.isNumber(), path, "a number", value, out);
            case "boolean" -> expect(value.isBoolean(), path, "a boolean", value, out);
            case "array" -> {
                if (expect(value.isArray(), path, "an array", value, out) && schema.has("items")) {
                    for (int i = 0; i < value.size(); i++) {
                        check(schema.get("items"), value.get(i), path + "[" + i + "]", out);
                    }
                }
            }
            case "object" -> expect(value.isObject(), path, "an object", value, out);
            default -> { }
        }
        if (schema.has("enum")) {
            boolean listed = false;
            for (JsonNode allowed : schema.get("enum")) {
                listed |= allowed.asText().equals(value.asText());
            }
            if (!listed) {
                out.add(path + " is '" + value.asText() + "', not one of " + schema.get("enum"));
            }
        }
        if (value.isObject() && (schema.has("properties") || schema.has("required") || schema.has("additionalProperties"))) {
            for (JsonNode required : schema.path("required")) {
                if (!value.has(required.asText())) {
                    out.add(path + "." + required.asText() + " is required but missing");
                }
            }
            JsonNode properties = schema.path("properties");
            JsonNode additional = schema.get("additionalProperties");
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String child = path + "." + e.getKey();
                if (properties.has(e.getKey())) {
                    check(properties.get(e.getKey()), e.getValue(), child, out);
                } else if (additional != null && additional.isObject()) {
                    check(additional, e.getValue(), child, out);
                } else if (additional != null && additional.isBoolean() && !additional.asBoolean()) {
                    out.add(child + " is not allowed (additionalProperties: false)");
                } else if (e.getValue().isNull()) {
                    out.add(child + " is null (unset values must be omitted)");
                }
            }
        }
    }

    private static boolean expect(boolean ok, String path, String what, JsonNode value, List<String> out) {
        if (!ok) {
            out.add(path + " should be " + what + ", is " + value);
        }
        return ok;
    }
}
