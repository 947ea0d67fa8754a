package dev.railyard.api.batches;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.railyard.api.http.ApiException;
import dev.railyard.api.webhooks.CallbackUrls;
import dev.railyard.schema.event.Endpoint;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * OpenAI's {@code CreateBatchRequest}: {@code input_file_id}, {@code endpoint}, {@code completion_window} and optional
 * {@code metadata} (16 pairs at most, keys up to 64 characters, string values up to 512). {@code output_expires_after}
 * is accepted and ignored: files do not expire here. Railyard adds an optional {@code callback_url}, where the batch's
 * webhook goes (docs/webhooks.md).
 *
 * @param metadataJson the metadata as compact JSON, or null
 * @param callbackUrl  an absolute http(s) URL, or null
 */
public record BatchCreateRequest(String inputFileId, String endpoint, String completionWindow, String metadataJson,
                                 String callbackUrl) {
    public static final String WINDOW = "24h";
    private static final Set<String> OTHER_OPENAI_ENDPOINTS = Set.of("/v1/responses", "/v1/completions", "/v1/moderations",
            "/v1/images/generations", "/v1/images/edits", "/v1/videos");
    private static final int MAX_METADATA_PAIRS = 16;
    private static final int MAX_KEY = 64;
    private static final int MAX_VALUE = 512;

    /** @throws ApiException 400 naming the field at fault */
    public static BatchCreateRequest read(ObjectMapper mapper, byte[] body) {
        JsonNode root;
        try {
            root = body == null || body.length == 0 ? null : mapper.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiException.invalid("invalid_json", null, "the body is not valid JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw ApiException.invalid("invalid_json", null, "the body is not readable: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw ApiException.invalid("invalid_json", null,
                    "the body must be a JSON object with input_file_id, endpoint and completion_window");
        }
        String fileId = requiredText(root, "input_file_id", "the id of an uploaded file with purpose batch");
        String endpoint = requiredText(root, "endpoint", "/v1/chat/completions or /v1/embeddings");
        if (Endpoint.fromPath(endpoint).isEmpty()) {
            throw ApiException.invalid("invalid_value", "endpoint", OTHER_OPENAI_ENDPOINTS.contains(endpoint)
                    ? "endpoint " + endpoint + " is not supported here; use /v1/chat/completions or /v1/embeddings"
                    : "endpoint must be /v1/chat/completions or /v1/embeddings, got '" + endpoint + "'");
        }
        String window = requiredText(root, "completion_window", WINDOW);
        if (!WINDOW.equals(window)) {
            throw ApiException.invalid("invalid_value", "completion_window",
                    "completion_window must be " + WINDOW + ", got '" + window + "'");
        }
        return new BatchCreateRequest(fileId, endpoint, window, metadata(mapper, root.get("metadata")), callbackUrl(root));
    }

    private static String callbackUrl(JsonNode root) {
        JsonNode value = root.get("callback_url");
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw ApiException.invalid("invalid_type", "callback_url", "callback_url must be a string");
        }
        return CallbackUrls.check(value.asText(), "callback_url");
    }

    private static String requiredText(JsonNode root, String field, String expected) {
        JsonNode value = root.get(field);
        if (value == null || value.isNull()) {
            throw ApiException.invalid("missing_required_parameter", field, field + " is required: " + expected);
        }
        if (!value.isTextual() || value.asText().isBlank()) {
            throw ApiException.invalid("invalid_type", field, field + " must be a non-empty string: " + expected);
        }
        return value.asText();
    }

    private static String metadata(ObjectMapper mapper, JsonNode metadata) {
        if (metadata == null || metadata.isNull()) {
            return null;
        }
        if (!metadata.isObject()) {
            throw ApiException.invalid("invalid_type", "metadata", "metadata must be an object of string values");
        }
        if (metadata.size() > MAX_METADATA_PAIRS) {
            throw ApiException.invalid("invalid_value", "metadata",
                    "metadata may have at most " + MAX_METADATA_PAIRS + " pairs, got " + metadata.size());
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = metadata.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().length() > MAX_KEY) {
                throw ApiException.invalid("invalid_value", "metadata",
                        "metadata keys may have at most " + MAX_KEY + " characters, '" + e.getKey().substring(0, 16) + "…' has "
                        + e.getKey().length());
            }
            if (!e.getValue().isTextual()) {
                throw ApiException.invalid("invalid_type", "metadata." + e.getKey(), "metadata values must be strings");
            }
            if (e.getValue().asText().length() > MAX_VALUE) {
                throw ApiException.invalid("invalid_value", "metadata." + e.getKey(),
                        "metadata values may have at most " + MAX_VALUE + " characters");
            }
            if (e.getKey().indexOf('\0') >= 0 || e.getValue().asText().indexOf('\0') >= 0) {
                throw ApiException.invalid("invalid_value", "metadata", "metadata cannot contain NUL characters");
            }
        }
        try {
            return mapper.writeValueAsString(metadata);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
