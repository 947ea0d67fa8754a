package dev.railyard.router.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.railyard.config.ModelSpec;
import dev.railyard.schema.event.Endpoint;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The capabilities a request needs, read from the request itself, and whether a model has them.
 * Names match the {@code capabilities} of the model catalog. Pure.
 */
public final class Capabilities {
    public static final String CHAT = "chat";
    public static final String EMBEDDINGS = "embeddings";
    public static final String VISION = "vision";
    public static final String AUDIO = "audio";
    public static final String TOOLS = "tools";
    public static final String JSON_SCHEMA = "json_schema";
    public static final String JSON_OBJECT = "json_object";

    private Capabilities() {
    }

    /** Needs in a fixed order (the order reasons name them): the endpoint's, then the request's. */
    public static Set<String> required(Endpoint endpoint, JsonNode body) {
        Set<String> needs = new LinkedHashSet<>();
        if (endpoint == Endpoint.EMBEDDINGS) {
            needs.add(EMBEDDINGS);
            return needs;
        }
        needs.add(CHAT);
        if (body == null) {
            return needs;
        }
        boolean vision = false;
        boolean audio = false;
        boolean tools = nonEmpty(body.path("tools")) || nonEmpty(body.path("functions"));
        for (JsonNode message : body.path("messages")) {
            String role = message.path("role").asText("");
            // Continuing a tool conversation needs a model that understands tool calls and results.
            tools |= role.equals("tool") || role.equals("function") || nonEmpty(message.path("tool_calls"))
                    || message.path("function_call").isObject();
            for (JsonNode part : message.path("content")) {
                String type = part.path("type").asText("");
                vision |= type.equals("image_url") || type.equals("input_image") || part.has("image_url");
                audio |= type.equals("input_audio") || part.has("input_audio");
            }
        }
        for (JsonNode modality : body.path("modalities")) {
            audio |= modality.asText("").equals("audio");
        }
        if (vision) {
            needs.add(VISION);
        }
        if (audio) {
            needs.add(AUDIO);
        }
        if (tools) {
            needs.add(TOOLS);
        }
        String format = body.path("response_format").path("type").asText("");
        if (format.equals(JSON_SCHEMA)) {
            needs.add(JSON_SCHEMA);
        } else if (format.equals(JSON_OBJECT)) {
            needs.add(JSON_OBJECT);
        }
        return needs;
    }

    /**
     * The needs a model lacks, in the order given. {@code chat} and {@code embeddings} follow the model's
     * kind. A model that declares no capabilities is not filtered on the others (the catalog does not
     * know them); JSON mode is implied by structured outputs.
     */
    public static List<String> missing(Set<String> needs, ModelSpec model) {
        List<String> lacking = new ArrayList<>();
        Set<String> has = model.capabilities();
        for (String need : needs) {
            boolean ok = switch (need) {
                case CHAT -> !model.embedding();
                case EMBEDDINGS -> model.embedding();
                case JSON_OBJECT -> has.isEmpty() || has.contains(JSON_OBJECT) || has.contains(JSON_SCHEMA);
                default -> has.isEmpty() || has.contains(need);
            };
            if (!ok) {
                lacking.add(need);
            }
        }
        return lacking;
    }

    private static boolean nonEmpty(JsonNode n) {
        return n.isArray() && !n.isEmpty();
    }
}
