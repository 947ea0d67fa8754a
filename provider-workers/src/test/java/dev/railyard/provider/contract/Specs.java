package dev.railyard.provider.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The official specs in ../shared/specs as oracles: OpenAI's OpenAPI document (validated with
 * networknt's JSON Schema validator), Gemini's protobuf JSON descriptor and Bedrock's Smithy model
 * (walked: every key a request carries must be a field of its message or structure, recursively),
 * and Anthropic's documented request format (no spec file is published; see {@link #ANTHROPIC_FIELDS}).
 */
final class Specs {
    static final Path ROOT = locate();
    private static final String OPENAPI_URI = "https://railyard.test/openai/openapi.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonSchemaFactory openApi;
    private static JsonNode geminiV1beta;
    private static JsonNode bedrockShapes;

    private Specs() {
    }

    private static Path locate() {
        for (Path p : List.of(Path.of("..", "..", "shared", "specs"), Path.of("/work/shared/specs"))) {
            if (Files.isDirectory(p)) {
                return p;
            }
        }
        throw new IllegalStateException("specs not found (expected ../shared/specs next to the repository)");
    }

    // ---- OpenAI: JSON Schema validation of a component schema, $refs resolved within the document

    static synchronized List<String> openAi(String component, JsonNode body) {
        if (openApi == null) {
            try {
                JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(ROOT.resolve("openai/openapi.yaml").toFile());
                String json = JSON.writeValueAsString(doc);
                openApi = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
                        b -> b.schemaLoaders(l -> l.schemas(Map.of(OPENAPI_URI, json))));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        JsonSchema schema = openApi.getSchema(SchemaLocation.of(OPENAPI_URI + "#/components/schemas/" + component));
        Set<ValidationMessage> errors = schema.validate(body);
        return errors.stream().map(ValidationMessage::getMessage).toList();
    }

    // ---- Gemini: the protobuf descriptor's v1beta messages, by JSON field name

    static synchronized List<String> gemini(String message, JsonNode body) {
        if (geminiV1beta == null) {
            try {
                geminiV1beta = JSON.readTree(ROOT.resolve("gemini/generativelanguage-protos.json").toFile())
                        .at("/nested/google/nested/ai/nested/generativelanguage/nested/v1beta/nested");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        List<String> problems = new ArrayList<>();
        protoMessage(geminiV1beta.path(message), message, body, "$", problems);
        return problems;
    }

    private static void protoMessage(JsonNode type, String typeName, JsonNode value, String path, List<String> problems) {
        if (!value.isObject()) {
            problems.add(path + ": expected an object for " + typeName);
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            JsonNode field = type.path("fields").path(entry.getKey());
            String at = path + "." + entry.getKey();
            if (field.isMissingNode()) {
                problems.add(at + ": no field '" + entry.getKey() + "' in " + typeName);
                continue;
            }
            String fieldType = field.path("type").asText();
            if (field.has("keyType")) {
                entry.getValue().fields().forEachRemaining(e -> protoValue(type, fieldType, e.getValue(), at + "." + e.getKey(), problems));
            } else if ("repeated".equals(field.path("rule").asText())) {
                if (!entry.getValue().isArray()) {
                    problems.add(at + ": expected an array");
                } else {
                    int i = 0;
                    for (JsonNode item : entry.getValue()) {
                        protoValue(type, fieldType, item, at + "[" + i++ + "]", problems);
                    }
                }
            } else {
                protoValue(type, fieldType, entry.getValue(), at, problems);
            }
        }
    }

    private static void protoValue(JsonNode parent, String fieldType, JsonNode value, String path, List<String> problems) {
        if (fieldType.startsWith("google.protobuf.")) {
            return; // Struct, Value...: any JSON
        }
        JsonNode type = parent.path("nested").path(fieldType);
        if (type.isMissingNode()) {
            type = geminiV1beta.path(fieldType);
        }
        if (type.isMissingNode()) {
            return; // a scalar: string, int32, bool, bytes, float...
        }
        if (type.has("values")) {
            if (!type.path("values").has(value.asText())) {
                problems.add(path + ": '" + value.asText() + "' is not a value of enum " + fieldType);
            }
            return;
        }
        protoMessage(type, fieldType, value, path, problems);
    }

    // ---- Bedrock: the Smithy JSON AST, members of structures and unions, recursively

    static synchronized List<String> bedrock(String shape, JsonNode body) {
        if (bedrockShapes == null) {
            try {
                bedrockShapes = JSON.readTree(ROOT.resolve("bedrock/bedrock-runtime-2023-09-30.json").toFile()).path("shapes");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        List<String> problems = new ArrayList<>();
        smithy("com.amazonaws.bedrockruntime#" + shape, body, "$", true, problems);
        return problems;
    }

    private static void smithy(String target, JsonNode value, String path, boolean httpBody, List<String> problems) {
        JsonNode shape = bedrockShapes.path(target);
        if (shape.isMissingNode()) {
            return; // a prelude shape (smithy.api#String, #Document...) or a simple type
        }
        switch (shape.path("type").asText()) {
            case "structure", "union" -> {
                if (!value.isObject()) {
                    problems.add(path + ": expected an object for " + target);
                    return;
                }
                if ("union".equals(shape.path("type").asText()) && value.size() != 1) {
                    problems.add(path + ": a union must set exactly one member, not " + value.size());
                }
                JsonNode members = shape.path("members");
                members.fields().forEachRemaining(m -> {
                    JsonNode traits = m.getValue().path("traits");
                    boolean inBody = !traits.has("smithy.api#httpLabel") && !traits.has("smithy.api#httpHeader") && !traits.has("smithy.api#httpQuery");
                    if (traits.has("smithy.api#required") && inBody && !value.has(m.getKey())) {
                        problems.add(path + ": required member '" + m.getKey() + "' of " + target + " is missing");
                    }
                });
                value.fields().forEachRemaining(e -> {
                    JsonNode member = members.path(e.getKey());
                    String at = path + "." + e.getKey();
                    if (member.isMissingNode()) {
                        problems.add(at + ": no member '" + e.getKey() + "' in " + target);
                    } else if (httpBody && (member.path("traits").has("smithy.api#httpLabel") || member.path("traits").has("smithy.api#httpHeader"))) {
                        problems.add(at + ": '" + e.getKey() + "' belongs in the URL or headers, not the body");
                    } else {
                        smithy(member.path("target").asText(), e.getValue(), at, false, problems);
                    }
                });
            }
            case "list" -> {
                if (!value.isArray()) {
                    problems.add(path + ": expected an array for " + target);
                    return;
                }
                int i = 0;
                for (JsonNode item : value) {
                    smithy(shape.path("member").path("target").asText(), item, path + "[" + i++ + "]", false, problems);
                }
            }
            case "map" -> value.fields().forEachRemaining(e ->
                    smithy(shape.path("value").path("target").asText(), e.getValue(), path + "." + e.getKey(), false, problems));
            case "enum" -> {
                List<String> allowed = new ArrayList<>();
                shape.path("members").forEach(m -> allowed.add(m.path("traits").path("smithy.api#enumValue").asText()));
                if (!allowed.contains(value.asText())) {
                    problems.add(path + ": '" + value.asText() + "' is not one of " + allowed);
                }
            }
            default -> {
                // string, integer, float, blob, document: no structure to check
            }
        }
    }

    // ---- Anthropic: the documented Messages request (https://docs.anthropic.com/en/api/messages)

    /** Allowed keys per object kind, as documented for {@code POST /v1/messages}. */
    static final Map<String, Set<String>> ANTHROPIC_FIELDS = Map.of(
            "request", Set.of("model", "messages", "max_tokens", "system", "temperature", "top_p", "top_k", "stop_sequences",
                    "metadata", "tools", "tool_choice", "thinking", "stream", "service_tier", "container", "mcp_servers"),
            "message", Set.of("role", "content"),
            "text", Set.of("type", "text", "cache_control", "citations"),
            "image", Set.of("type", "source", "cache_control"),
            "tool_use", Set.of("type", "id", "name", "input", "cache_control"),
            "tool_result", Set.of("type", "tool_use_id", "content", "is_error", "cache_control"),
            "source.base64", Set.of("type", "media_type", "data"),
            "source.url", Set.of("type", "url"),
            "tool", Set.of("name", "description", "input_schema", "cache_control", "type"),
            "tool_choice", Set.of("type", "name", "disable_parallel_tool_use"));

    static List<String> anthropic(JsonNode body) {
        List<String> problems = new ArrayList<>();
        keys("request", body, "$", problems);
        for (String required : List.of("model", "messages", "max_tokens")) {
            if (!body.has(required)) {
                problems.add("$: required '" + required + "' is missing");
            }
        }
        int m = 0;
        for (JsonNode message : body.path("messages")) {
            String at = "$.messages[" + m++ + "]";
            keys("message", message, at, problems);
            if (!Set.of("user", "assistant").contains(message.path("role").asText())) {
                problems.add(at + ".role: '" + message.path("role").asText() + "'");
            }
            int b = 0;
            for (JsonNode block : message.path("content")) {
                String kind = block.path("type").asText();
                String blockAt = at + ".content[" + b++ + "]";
                keys(kind, block, blockAt, problems);
                if ("image".equals(kind)) {
                    keys("source." + block.path("source").path("type").asText(), block.path("source"), blockAt + ".source", problems);
                }
            }
        }
        body.path("tools").forEach(t -> keys("tool", t, "$.tools[]", problems));
        if (body.has("tool_choice")) {
            keys("tool_choice", body.get("tool_choice"), "$.tool_choice", problems);
        }
        return problems;
    }

    private static void keys(String kind, JsonNode node, String path, List<String> problems) {
        Set<String> allowed = ANTHROPIC_FIELDS.get(kind);
        if (allowed == null) {
            problems.add(path + ": unknown kind '" + kind + "'");
            return;
        }
        node.fieldNames().forEachRemaining(k -> {
            if (!allowed.contains(k)) {
                problems.add(path + ": '" + k + "' is not a documented field of " + kind);
            }
        });
    }
}
