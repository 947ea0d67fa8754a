package dev.railyard.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The OpenAI API as the simulator plays it: authentication, validation, then directives, then the
 * injected faults, then a success. Pure request-to-reply logic; HTTP is {@link Simulator}'s job.
 */
final class OpenAiApi {
    private static final List<String> MODELS = List.of("gpt-4o-mini", "gpt-4o", "gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano",
            "text-embedding-3-small", "text-embedding-3-large", "text-embedding-ada-002");
    private static final long MODELS_CREATED = 1_715_367_049L;

    private final ObjectMapper mapper;
    private final OpenAiErrors errors;
    private final FaultInjector faults;
    private final long timeoutHoldMs;
    private final ChatCompletions chat;
    private final Embeddings embeddings;
    /** Requests seen per exact body carrying {@code [sim:fail_first=N]}; only such bodies are kept. */
    private final ConcurrentHashMap<String, AtomicInteger> failFirstSeen = new ConcurrentHashMap<>();

    OpenAiApi(ObjectMapper mapper, SimulatorSettings settings, Tokenizer tokenizer) {
        this.mapper = mapper;
        this.errors = new OpenAiErrors(mapper, settings.retryAfterMs());
        this.faults = new FaultInjector(settings);
        this.timeoutHoldMs = settings.timeoutHoldMs();
        this.chat = new ChatCompletions(mapper, errors, tokenizer);
        this.embeddings = new Embeddings(mapper, errors, tokenizer);
    }

    Reply chatCompletions(String authorization, String body) {
        return handle(authorization, body, chat::prepare);
    }

    Reply embeddings(String authorization, String body) {
        return handle(authorization, body, embeddings::prepare);
    }

    Reply models(String authorization) {
        Reply denied = authenticate(authorization);
        if (denied != null) {
            return denied;
        }
        ObjectNode root = mapper.createObjectNode();
        root.put("object", "list");
        ArrayNode data = root.putArray("data");
        for (String id : MODELS) {
            data.addObject().put("id", id).put("object", "model").put("created", MODELS_CREATED).put("owned_by", "system");
        }
        return Reply.json(200, bytes(root)).delayed(faults.latencyMs());
    }

    Reply unknownUrl(String method, String path) {
        return errors.unknownUrl(method, path);
    }

    private Reply handle(String authorization, String body, Function<JsonNode, Prepared> operation) {
        Reply denied = authenticate(authorization);
        if (denied != null) {
            return denied;
        }
        JsonNode json;
        try {
            json = body == null ? null : mapper.readTree(body);
        } catch (IOException e) {
            json = null;
        }
        if (json == null || !json.isObject()) {
            return errors.invalid("We could not parse the JSON body of your request. (HINT: This likely means you aren't "
                    + "using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not "
                    + "valid JSON. If you have trouble figuring out how to fix this, please contact us through our help "
                    + "center at help.openai.com.)", null, null);
        }
        Prepared prepared = operation.apply(json);
        if (prepared instanceof Prepared.Rejected rejected) {
            return rejected.reply();
        }
        Prepared.Accepted call = (Prepared.Accepted) prepared;
        long latency = call.directives().latencyMs() != null ? call.directives().latencyMs() : faults.latencyMs();
        return decide(call, body).delayed(latency);
    }

    /** Directives first (tests ask for them), then the configured random faults, then success. */
    private Reply decide(Prepared.Accepted call, String body) {
        Directives d = call.directives();
        if (d.status() != null && d.status() >= 400) {
            return errors.forStatus(d.status(), call.model());
        }
        if (d.contextLength() || call.promptTokens() > call.contextWindow()) {
            return errors.contextLength(call.contextWindow(), Math.max(call.promptTokens(), call.contextWindow() + 1),
                    call.param());
        }
        if (d.timeout()) {
            return Reply.hold(timeoutHoldMs);
        }
        if (d.insufficientQuota()) {
            return errors.insufficientQuota();
        }
        if (d.contentFilter()) {
            return errors.contentFiltered();
        }
        if (d.malformed()) {
            return call.answer().get().truncated();
        }
        if (d.failFirst() > 0 && failFirstSeen.computeIfAbsent(body, k -> new AtomicInteger()).incrementAndGet() <= d.failFirst()) {
            return errors.forStatus(500, call.model());
        }
        return switch (faults.next()) {
            case NONE -> call.answer().get();
            case RATE_LIMITED -> errors.rateLimited(call.model());
            case SERVER_ERROR -> errors.forStatus(500, call.model());
            case OVERLOADED -> errors.forStatus(503, call.model());
            case TIMEOUT -> Reply.hold(timeoutHoldMs);
            case MALFORMED -> call.answer().get().truncated();
        };
    }

    private Reply authenticate(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            return errors.missingKey();
        }
        if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7) || authorization.substring(7).isBlank()) {
            return errors.incorrectKey();
        }
        return null;
    }

    private byte[] bytes(JsonNode node) {
        try {
            return mapper.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** JSON type names as OpenAI's validation messages spell them. */
    static String typeName(JsonNode node) {
        return switch (node.getNodeType()) {
            case STRING -> "a string";
            case NUMBER -> node.isIntegralNumber() ? "an integer" : "a decimal";
            case BOOLEAN -> "a boolean";
            case OBJECT -> "an object";
            case ARRAY -> "an array";
            default -> "null";
        };
    }
}
