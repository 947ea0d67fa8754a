package dev.railyard.simulator.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.knuddels.jtokkit.api.Encoding;
import dev.railyard.simulator.Directives;
import dev.railyard.simulator.Ids;
import dev.railyard.simulator.Pipeline;
import dev.railyard.simulator.Prepared;
import dev.railyard.simulator.RateLimits;
import dev.railyard.simulator.Reply;
import dev.railyard.simulator.SchemaSample;
import dev.railyard.simulator.SimulatorSettings;
import dev.railyard.simulator.Sse;
import dev.railyard.simulator.TextGenerator;
import dev.railyard.simulator.Tokenizer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Anthropic's Messages API ({@code POST /v1/messages}) as the simulator plays it: {@code x-api-key} or
 * {@code Authorization: Bearer}, a required {@code anthropic-version} header and {@code max_tokens}, system
 * prompts as a string or text blocks, content blocks (text, image, document, tool_use, tool_result), tool
 * calls on {@code [sim:tool]}, and streaming as Anthropic's named server-sent events.
 */
public final class AnthropicApi {
    private static final Set<String> BLOCK_TYPES = Set.of("text", "image", "document", "tool_use", "tool_result",
            "thinking", "redacted_thinking", "search_result");
    /** Per-message framing Anthropic adds around each turn; the count is an estimate, as Claude's tokenizer is not public. */
    private static final int TOKENS_PER_MESSAGE = 4;

    private final ObjectMapper mapper;
    private final AnthropicErrors errors;
    private final Tokenizer tokenizer;
    private final Pipeline pipeline;
    private final TextGenerator text = new TextGenerator();

    public AnthropicApi(ObjectMapper mapper, SimulatorSettings settings, Tokenizer tokenizer, Pipeline pipeline) {
        this.mapper = mapper;
        this.errors = new AnthropicErrors(mapper, settings.retryAfterMs());
        this.tokenizer = tokenizer;
        this.pipeline = pipeline;
    }

    /**
     * @param apiKey        the {@code x-api-key} header, or null
     * @param authorization the {@code Authorization} header, or null
     * @param version       the {@code anthropic-version} header, or null
     */
    public Reply messages(String apiKey, String authorization, String version, String body) {
        String key = apiKey != null && !apiKey.isBlank() ? apiKey
                : authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                        ? authorization.substring(7).trim() : "";
        if (key.isEmpty()) {
            return errors.finish(errors.missingKey(), RateLimits.Verdict.UNLIMITED);
        }
        if (version == null || version.isBlank()) {
            return errors.finish(errors.missingVersion(), RateLimits.Verdict.UNLIMITED);
        }
        JsonNode json;
        try {
            json = body == null || body.isBlank() ? null : mapper.readTree(body);
        } catch (IOException e) {
            json = null;
        }
        if (json == null || !json.isObject()) {
            return errors.finish(errors.invalid("There was an error parsing the body of your request. Please make sure "
                    + "it is valid JSON."), RateLimits.Verdict.UNLIMITED);
        }
        return pipeline.run(key, body, prepare(json), errors);
    }

    public Reply notFound(String method, String path) {
        return errors.finish(errors.notFound(method, path), RateLimits.Verdict.UNLIMITED);
    }

    private Prepared prepare(JsonNode body) {
        JsonNode model = body.get("model");
        if (model == null || !model.isTextual() || model.asText().isEmpty()) {
            return reject("model: Field required");
        }
        JsonNode max = body.get("max_tokens");
        if (max == null || max.isNull()) {
            return reject("max_tokens: Field required");
        }
        if (!max.isIntegralNumber() || max.asLong() < 1) {
            return reject("max_tokens: Input should be greater than or equal to 1");
        }
        JsonNode messages = body.get("messages");
        if (messages == null || messages.isNull()) {
            return reject("messages: Field required");
        }
        if (!messages.isArray()) {
            return reject("messages: Input should be a valid list");
        }
        if (messages.isEmpty()) {
            return reject("messages: at least one message is required");
        }
        String modelName = model.asText();
        Encoding encoding = tokenizer.encodingFor(modelName);
        Directives directives = Directives.NONE;
        int tokens = 0;
        JsonNode system = body.path("system");
        if (system.isTextual()) {
            tokens += tokenizer.count(encoding, system.asText());
            directives = directives.merge(system.asText());
        } else if (system.isArray()) {
            for (int i = 0; i < system.size(); i++) {
                if (!"text".equals(system.get(i).path("type").asText())) {
                    return reject("system." + i + ".type: Input should be 'text'");
                }
                tokens += tokenizer.count(encoding, system.get(i).path("text").asText());
            }
        } else if (!system.isMissingNode() && !system.isNull()) {
            return reject("system: Input should be a valid string or a valid list");
        }
        String lastUserText = "";
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            String at = "messages." + i;
            String role = m.path("role").asText("");
            if (!role.equals("user") && !role.equals("assistant")) {
                return reject(at + ".role: Input should be 'user' or 'assistant'");
            }
            JsonNode content = m.path("content");
            StringBuilder texts = new StringBuilder();
            tokens += TOKENS_PER_MESSAGE;
            if (content.isTextual()) {
                texts.append(content.asText());
            } else if (content.isArray()) {
                for (int j = 0; j < content.size(); j++) {
                    JsonNode block = content.get(j);
                    String type = block.path("type").asText("");
                    if (!BLOCK_TYPES.contains(type)) {
                        return reject(at + ".content." + j + ": Input tag '" + type + "' found using 'type' does not match "
                                + "any of the expected tags: 'text', 'image', 'document', 'tool_use', 'tool_result', "
                                + "'thinking', 'redacted_thinking', 'search_result'");
                    }
                    switch (type) {
                        case "text" -> texts.append(block.path("text").asText());
                        case "image", "document" -> {
                            String source = block.path("source").path("type").asText("");
                            if (!Set.of("base64", "url", "text", "file", "content").contains(source)) {
                                return reject(at + ".content." + j + ".source: Input tag '" + source + "' found using "
                                        + "'type' does not match any of the expected tags: 'base64', 'url'");
                            }
                            tokens += Tokenizer.TOKENS_PER_IMAGE;
                        }
                        case "tool_use" -> tokens += tokenizer.count(encoding, block.path("name").asText()
                                + block.path("input").toString());
                        case "tool_result" -> {
                            JsonNode result = block.path("content");
                            tokens += tokenizer.count(encoding, result.isTextual() ? result.asText() : result.toString());
                        }
                        default -> {
                            // thinking blocks cost nothing here
                        }
                    }
                }
            } else {
                return reject(at + ".content: Input should be a valid string or a valid list");
            }
            tokens += tokenizer.count(encoding, texts.toString());
            directives = directives.merge(texts.toString());
            if (role.equals("user")) {
                lastUserText = i == messages.size() - 1 ? texts.toString() : "";
            }
        }
        JsonNode tools = body.path("tools");
        if (tools.isArray()) {
            tokens += tokenizer.count(encoding, tools.toString());
        }
        // Only a [sim:tool] in the last user turn calls a tool, so a tool loop ends once results come back.
        JsonNode tool = Directives.NONE.merge(lastUserText).tool() && tools.isArray() && !tools.isEmpty() ? tools.get(0) : null;
        int promptTokens = tokens;
        Directives d = directives;
        Answer shape = new Answer(modelName, encoding, messages.toString(), promptTokens, max.asInt(), tool,
                d.safety() || d.contentFilter(), body.path("stream").asBoolean(false));
        return new Prepared.Accepted(modelName, d, promptTokens, AnthropicErrors.CONTEXT_WINDOW, "messages",
                latency -> answer(shape));
    }

    private record Answer(String model, Encoding encoding, String seedText, int promptTokens, int maxTokens,
                          JsonNode tool, boolean refusal, boolean stream) {
    }

    /** One content block of the answer and what it cost. */
    private record Block(ObjectNode block, String text, String toolInput, int tokens) {
    }

    private Reply answer(Answer a) {
        List<Block> blocks = new ArrayList<>();
        String stopReason;
        if (a.refusal()) {
            stopReason = "refusal";
        } else if (a.tool() != null) {
            String name = a.tool().path("name").asText("tool");
            String input = SchemaSample.of(a.tool().path("input_schema")).toString();
            ObjectNode block = mapper.createObjectNode().put("type", "tool_use").put("id", "toolu_01" + Ids.base62(22))
                    .put("name", name);
            block.set("input", readTree(input));
            blocks.add(new Block(block, null, input, tokenizer.count(a.encoding(), name + input)));
            stopReason = "tool_use";
        } else {
            Tokenizer.Completion c = tokenizer.completion(a.encoding(), text.chunks(TextGenerator.hash(a.seedText())), a.maxTokens());
            ObjectNode block = mapper.createObjectNode().put("type", "text").put("text", c.text());
            blocks.add(new Block(block, c.text(), null, c.tokens()));
            stopReason = c.truncated() ? "max_tokens" : "end_turn";
        }
        int outputTokens = blocks.stream().mapToInt(Block::tokens).sum();
        String id = "msg_01" + Ids.base62(22);
        if (a.stream()) {
            return stream(id, a, blocks, stopReason, outputTokens);
        }
        ObjectNode root = message(id, a.model());
        blocks.forEach(b -> root.withArray("content").add(b.block()));
        root.put("stop_reason", stopReason);
        root.putNull("stop_sequence");
        root.set("usage", usage(a.promptTokens(), outputTokens));
        return Reply.json(200, root.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private ObjectNode message(String id, String model) {
        ObjectNode root = mapper.createObjectNode();
        root.put("id", id);
        root.put("type", "message");
        root.put("role", "assistant");
        root.put("model", model);
        root.putArray("content");
        return root;
    }

    private ObjectNode usage(int input, int output) {
        ObjectNode usage = mapper.createObjectNode();
        usage.put("input_tokens", input);
        usage.put("cache_creation_input_tokens", 0);
        usage.put("cache_read_input_tokens", 0);
        usage.put("output_tokens", output);
        return usage;
    }

    /**
     * Anthropic's event sequence: {@code message_start}, per block {@code content_block_start},
     * {@code content_block_delta}s ({@code text_delta} or {@code input_json_delta}) and
     * {@code content_block_stop}, then {@code message_delta} with the stop reason and output tokens, and
     * {@code message_stop}. A {@code ping} follows the first block's start, as the real stream has one.
     */
    private Reply stream(String id, Answer a, List<Block> blocks, String stopReason, int outputTokens) {
        List<byte[]> frames = new ArrayList<>();
        ObjectNode start = mapper.createObjectNode().put("type", "message_start");
        ObjectNode message = message(id, a.model());
        message.putNull("stop_reason");
        message.putNull("stop_sequence");
        message.set("usage", usage(a.promptTokens(), 1));
        start.set("message", message);
        frames.add(Sse.event("message_start", start.toString()));
        for (int i = 0; i < blocks.size(); i++) {
            Block b = blocks.get(i);
            ObjectNode empty = b.block().deepCopy();
            if (b.text() != null) {
                empty.put("text", "");
            } else {
                empty.putObject("input");
            }
            frames.add(Sse.event("content_block_start", mapper.createObjectNode().put("type", "content_block_start")
                    .put("index", i).set("content_block", empty).toString()));
            if (i == 0) {
                frames.add(Sse.event("ping", "{\"type\": \"ping\"}"));
            }
            List<String> pieces = b.text() != null ? TextGenerator.pieces(b.text(), 16) : List.of(b.toolInput());
            for (String piece : pieces) {
                ObjectNode delta = mapper.createObjectNode();
                if (b.text() != null) {
                    delta.put("type", "text_delta").put("text", piece);
                } else {
                    delta.put("type", "input_json_delta").put("partial_json", piece);
                }
                frames.add(Sse.event("content_block_delta", mapper.createObjectNode().put("type", "content_block_delta")
                        .put("index", i).set("delta", delta).toString()));
            }
            frames.add(Sse.event("content_block_stop", mapper.createObjectNode().put("type", "content_block_stop")
                    .put("index", i).toString()));
        }
        ObjectNode delta = mapper.createObjectNode().put("type", "message_delta");
        delta.putObject("delta").put("stop_reason", stopReason).putNull("stop_sequence");
        delta.putObject("usage").put("output_tokens", outputTokens);
        frames.add(Sse.event("message_delta", delta.toString()));
        frames.add(Sse.event("message_stop", "{\"type\":\"message_stop\"}"));
        return Reply.stream(Reply.EVENT_STREAM, frames);
    }

    private JsonNode readTree(String json) {
        try {
            return mapper.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private Prepared reject(String message) {
        return new Prepared.Rejected(errors.invalid(message));
    }
}
