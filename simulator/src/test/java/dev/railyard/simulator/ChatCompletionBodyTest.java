package dev.railyard.simulator;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChatCompletionBodyTest {
    private final ObjectMapper mapper = new ObjectMapper();

    @ParameterizedTest
    @ValueSource(strings = {"gpt-4o-mini", "", "quote \" and backslash \\", "line\nbreak\ttab\r", "control \u0001\u001f\u007f",
        "slash / and <html>", "naïve café", "日本語", "emoji 😀", "{\"city\":\"Paris\"}"})
    void writes_the_bytes_jackson_writes_for_the_same_tree(String text) throws Exception {
        List<ChatCompletionBody.Choice> choices = List.of(
                new ChatCompletionBody.Choice(text, null, null, null, 7, "stop"),
                new ChatCompletionBody.Choice(null, text, text, "call_" + text, 3, "tool_calls"),
                new ChatCompletionBody.Choice("Plain answer.", null, null, null, 3, "length"));

        byte[] written = ChatCompletionBody.write(mapper, "chatcmpl-" + text, 1_733_000_000L, text, choices, 12, 13, "fp_" + text);

        // Compared as text, for a readable difference; Jackson writes valid UTF-8, so equal text is equal bytes.
        assertThat(new String(written, UTF_8)).isEqualTo(new String(mapper.writeValueAsBytes(tree(text, choices)), UTF_8));
    }

    /** The body as the simulator built it before: a Jackson tree in OpenAI's field order. */
    private ObjectNode tree(String text, List<ChatCompletionBody.Choice> choices) {
        ObjectNode root = mapper.createObjectNode();
        root.put("id", "chatcmpl-" + text);
        root.put("object", "chat.completion");
        root.put("created", 1_733_000_000L);
        root.put("model", text);
        ArrayNode out = root.putArray("choices");
        for (int i = 0; i < choices.size(); i++) {
            ChatCompletionBody.Choice c = choices.get(i);
            ObjectNode choice = out.addObject();
            choice.put("index", i);
            ObjectNode message = choice.putObject("message");
            message.put("role", "assistant");
            message.put("content", c.content());
            message.putNull("refusal");
            message.putArray("annotations");
            if (c.toolName() != null) {
                ObjectNode call = message.putArray("tool_calls").addObject();
                call.put("id", c.toolCallId()).put("type", "function");
                call.putObject("function").put("name", c.toolName()).put("arguments", c.toolArguments());
            }
            choice.putNull("logprobs");
            choice.put("finish_reason", c.finish());
        }
        ObjectNode usage = root.putObject("usage");
        usage.put("prompt_tokens", 12);
        usage.put("completion_tokens", 13);
        usage.put("total_tokens", 25);
        usage.putObject("prompt_tokens_details").put("cached_tokens", 0).put("audio_tokens", 0);
        usage.putObject("completion_tokens_details").put("reasoning_tokens", 0).put("audio_tokens", 0)
                .put("accepted_prediction_tokens", 0).put("rejected_prediction_tokens", 0);
        root.put("service_tier", "default");
        root.put("system_fingerprint", "fp_" + text);
        return root;
    }
}
