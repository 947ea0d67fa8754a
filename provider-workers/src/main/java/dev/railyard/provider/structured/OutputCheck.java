package dev.railyard.provider.structured;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What a job's {@code response_format} demands of the answer's message content: a JSON object
 * ({@code json_object}), or a document valid against a schema ({@code json_schema}).
 *
 * @param name   how the demand is named in errors, e.g. {@code json_schema 'person'}
 * @param schema the compiled schema, or null when any JSON object will do
 */
public record OutputCheck(String name, JsonSchema schema) {
    /** At most this many violations are named in an error; the rest are counted. */
    public static final int NAMED_VIOLATIONS = 3;

    /**
     * The violations of a chat completion, in choice order; empty when every choice conforms. A choice
     * that only called tools carries no content and is not checked: the format binds the final answer.
     */
    public List<String> violations(ObjectMapper mapper, JsonNode completion) {
        List<String> violations = new ArrayList<>();
        JsonNode choices = completion == null ? null : completion.path("choices");
        if (choices == null || !choices.isArray() || choices.isEmpty()) {
            violations.add("the answer has no choices");
            return violations;
        }
        for (JsonNode choice : choices) {
            String where = "choices[" + choice.path("index").asInt(violations.size()) + "]";
            JsonNode message = choice.path("message");
            JsonNode content = message.path("content");
            if (!content.isTextual()) {
                if (message.path("tool_calls").isArray() && !message.path("tool_calls").isEmpty()) {
                    continue;
                }
                String refusal = message.path("refusal").asText("");
                violations.add(where + ": no content" + (refusal.isEmpty() ? "" : " (refusal: " + refusal + ")"));
                continue;
            }
            JsonNode document;
            try {
                document = mapper.readTree(content.asText());
            } catch (IOException e) {
                violations.add(where + ": content is not JSON (" + firstLine(e.getMessage()) + ")");
                continue;
            }
            if (document == null || document.isMissingNode()) {
                violations.add(where + ": content is empty");
            } else if (schema == null) {
                if (!document.isObject()) {
                    violations.add(where + ": content is JSON but not an object");
                }
            } else {
                for (ValidationMessage m : schema.validate(document)) {
                    violations.add(where + ": " + m.getMessage());
                }
            }
        }
        return violations;
    }

    /** A message naming the first violations and counting the rest. */
    public String describe(List<String> violations) {
        StringBuilder text = new StringBuilder("output does not match response_format ").append(name).append(": ");
        text.append(String.join("; ", violations.subList(0, Math.min(NAMED_VIOLATIONS, violations.size()))));
        if (violations.size() > NAMED_VIOLATIONS) {
            text.append("; and ").append(violations.size() - NAMED_VIOLATIONS).append(" more");
        }
        return text.toString();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
