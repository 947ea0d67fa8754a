package dev.railyard.router.estimate;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A request to estimate: one line of a batch input that passed the edge's checks, or a single request.
 *
 * @param lineNumber the 1-based physical line of the file (1 for a single request)
 * @param customId   the line's custom_id, or null for a single request
 * @param url        the endpoint path
 * @param body       the OpenAI request body, valid for the endpoint
 */
public record EstimateLine(int lineNumber, String customId, String url, JsonNode body) {
}
