package dev.railyard.schema.validation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.railyard.schema.event.Endpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Validates a job's endpoint and OpenAI request body. Used at the REST edge and again by the router for
 * records produced straight onto Kafka, so both paths reject the same things with the same words.
 */
public final class JobRequestValidator {
    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool", "function");

    public List<FieldError> validate(String endpointPath, JsonNode body) {
        List<FieldError> errors = new ArrayList<>();
        Optional<Endpoint> endpoint = Endpoint.fromPath(endpointPath == null ? "" : endpointPath);
        if (endpoint.isEmpty()) {
            errors.add(new FieldError("url", "unsupported_endpoint",
                    "endpoint must be /v1/chat/completions or /v1/embeddings, got " + quote(endpointPath)));
            return errors;
        }
        if (body == null || !body.isObject()) {
            errors.add(new FieldError("body", "invalid_type", "body must be a JSON object"));
            return errors;
        }
        JsonNode model = body.get("model");
        if (model == null || model.isNull()) {
            errors.add(new FieldError("body.model", "missing_field", "model is required"));
        } else if (!model.isTextual() || model.asText().isBlank()) {
            errors.add(new FieldError("body.model", "invalid_type", "model must be a non-empty string"));
        }
        switch (endpoint.get()) {
            case CHAT_COMPLETIONS -> validateChat(body, errors);
            case EMBEDDINGS -> validateEmbeddings(body, errors);
        }
        return errors;
    }

    private static void validateChat(JsonNode body, List<FieldError> errors) {
        JsonNode messages = body.get("messages");
        if (messages == null || messages.isNull()) {
            errors.add(new FieldError("body.messages", "missing_field", "messages is required"));
        } else if (!messages.isArray() || messages.isEmpty()) {
            errors.add(new FieldError("body.messages", "invalid_type", "messages must be a non-empty array"));
        } else {
            for (int i = 0; i < messages.size(); i++) {
                validateMessage(messages.get(i), "body.messages[" + i + "]", errors);
            }
        }
        positiveInt(body, "max_tokens", errors);
        positiveInt(body, "max_completion_tokens", errors);
        positiveInt(body, "n", errors);
        JsonNode temperature = body.get("temperature");
        if (temperature != null && !temperature.isNull()
                && (!temperature.isNumber() || temperature.asDouble() < 0 || temperature.asDouble() > 2)) {
            errors.add(new FieldError("body.temperature", "invalid_value", "temperature must be a number from 0 to 2"));
        }
        JsonNode stream = body.get("stream");
        if (stream != null && stream.asBoolean(false)) {
            errors.add(new FieldError("body.stream", "invalid_value", "stream is not supported for asynchronous jobs"));
        }
    }

    private static void validateMessage(JsonNode message, String path, List<FieldError> errors) {
        if (message == null || !message.isObject()) {
            errors.add(new FieldError(path, "invalid_type", "each message must be an object"));
            return;
        }
        JsonNode role = message.get("role");
        if (role == null || !role.isTextual()) {
            errors.add(new FieldError(path + ".role", "missing_field", "role is required"));
        } else if (!ROLES.contains(role.asText())) {
            errors.add(new FieldError(path + ".role", "invalid_value",
                    "role must be one of " + ROLES.stream().sorted().toList() + ", got " + quote(role.asText())));
        }
        JsonNode content = message.get("content");
        boolean hasToolCalls = message.has("tool_calls") && message.get("tool_calls").isArray();
        if ((content == null || content.isNull()) && !hasToolCalls) {
            errors.add(new FieldError(path + ".content", "missing_field", "content is required"));
        } else if (content != null && !content.isNull() && !content.isTextual() && !content.isArray()) {
            errors.add(new FieldError(path + ".content", "invalid_type", "content must be a string or an array of parts"));
        }
    }

    private static void validateEmbeddings(JsonNode body, List<FieldError> errors) {
        JsonNode input = body.get("input");
        if (input == null || input.isNull()) {
            errors.add(new FieldError("body.input", "missing_field", "input is required"));
        } else if (input.isTextual()) {
            if (input.asText().isEmpty()) {
                errors.add(new FieldError("body.input", "invalid_value", "input must not be empty"));
            }
        } else if (!input.isArray() || input.isEmpty()) {
            errors.add(new FieldError("body.input", "invalid_type", "input must be a string or a non-empty array"));
        }
    }

    private static void positiveInt(JsonNode body, String field, List<FieldError> errors) {
        JsonNode value = body.get(field);
        if (value != null && !value.isNull() && (!value.canConvertToInt() || !value.isIntegralNumber() || value.asInt() < 1)) {
            errors.add(new FieldError("body." + field, "invalid_value", field + " must be a positive integer"));
        }
    }

    private static String quote(String s) {
        return s == null ? "nothing" : "'" + s + "'";
    }
}
