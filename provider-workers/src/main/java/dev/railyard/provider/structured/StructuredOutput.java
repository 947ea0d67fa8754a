package dev.railyard.provider.structured;

import com.fasterxml.jackson.databind.JsonNode;
import dev.railyard.provider.ProviderException;
import dev.railyard.provider.http.ProviderFailures;
import dev.railyard.schema.event.Endpoint;
import java.util.Optional;

/**
 * Reads a chat job's {@code response_format} into the {@link OutputCheck} its answer must pass.
 * Providers' own structured-output modes are best effort (Gemini's schema subset, non-strict OpenAI
 * schemas, OpenAI-compatible servers that ignore the field): Railyard checks every answer itself.
 */
public final class StructuredOutput {
    private final SchemaCache schemas;

    public StructuredOutput(SchemaCache schemas) {
        this.schemas = schemas;
    }

    /**
     * The check of a job's answer, or empty when its format asks for nothing checkable (text, no
     * format, an embeddings job).
     *
     * @throws ProviderException {@code invalid_request} when the job's schema is not a usable JSON schema
     */
    public Optional<OutputCheck> checkFor(String endpoint, JsonNode body) throws ProviderException {
        if (!Endpoint.CHAT_COMPLETIONS.path().equals(endpoint) || body == null) {
            return Optional.empty();
        }
        JsonNode format = body.path("response_format");
        return switch (format.path("type").asText("")) {
            case "json_object" -> Optional.of(new OutputCheck("json_object", null));
            case "json_schema" -> {
                JsonNode spec = format.path("json_schema");
                JsonNode schema = spec.path("schema");
                String name = "json_schema" + (spec.hasNonNull("name") ? " '" + spec.get("name").asText() + "'" : "");
                if (schema.isMissingNode() || schema.isNull()) {
                    // OpenAI accepts json_schema without a schema: any JSON document then passes.
                    yield Optional.of(new OutputCheck(name, schemas.compile(com.fasterxml.jackson.databind.node.BooleanNode.TRUE)));
                }
                if (!schema.isObject() && !schema.isBoolean()) {
                    throw ProviderFailures.invalid("response_format.json_schema.schema must be a JSON schema object");
                }
                try {
                    yield Optional.of(new OutputCheck(name, schemas.compile(schema)));
                } catch (RuntimeException e) {
                    throw ProviderFailures.invalid("response_format.json_schema.schema is not a usable JSON schema: " + e.getMessage());
                }
            }
            default -> Optional.empty();
        };
    }
}
