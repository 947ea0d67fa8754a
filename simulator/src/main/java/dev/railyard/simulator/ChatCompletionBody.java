package dev.railyard.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * A non-streamed {@code chat.completion} body, written as the bytes Jackson would write for the same tree, in
 * OpenAI's field order, without building the tree: its constant parts are encoded once, numbers are digits,
 * and a string that needs no escaping (ids, most model names, generated text) is copied as it is. Any other
 * string is written by the mapper, escapes and all. Building and serialising the tree cost about as much as
 * generating and counting the answer.
 */
final class ChatCompletionBody {
    private static final byte[] ID = ascii("{\"id\":");
    private static final byte[] OBJECT_CREATED = ascii(",\"object\":\"chat.completion\",\"created\":");
    private static final byte[] MODEL = ascii(",\"model\":");
    private static final byte[] CHOICES = ascii(",\"choices\":[");
    private static final byte[] INDEX = ascii("{\"index\":");
    private static final byte[] MESSAGE_CONTENT = ascii(",\"message\":{\"role\":\"assistant\",\"content\":");
    private static final byte[] REFUSAL_ANNOTATIONS = ascii(",\"refusal\":null,\"annotations\":[]");
    private static final byte[] TOOL_CALL_ID = ascii(",\"tool_calls\":[{\"id\":");
    private static final byte[] FUNCTION_NAME = ascii(",\"type\":\"function\",\"function\":{\"name\":");
    private static final byte[] ARGUMENTS = ascii(",\"arguments\":");
    private static final byte[] TOOL_CALL_END = ascii("}}]");
    private static final byte[] LOGPROBS_FINISH = ascii("},\"logprobs\":null,\"finish_reason\":");
    private static final byte[] PROMPT_TOKENS = ascii("],\"usage\":{\"prompt_tokens\":");
    private static final byte[] COMPLETION_TOKENS = ascii(",\"completion_tokens\":");
    private static final byte[] TOTAL_TOKENS = ascii(",\"total_tokens\":");
    private static final byte[] DETAILS_FINGERPRINT = ascii(",\"prompt_tokens_details\":{\"cached_tokens\":0,\"audio_tokens\":0},"
            + "\"completion_tokens_details\":{\"reasoning_tokens\":0,\"audio_tokens\":0,\"accepted_prediction_tokens\":0,"
            + "\"rejected_prediction_tokens\":0}},\"service_tier\":\"default\",\"system_fingerprint\":");
    private static final byte[] NULL = ascii("null");

    private final ObjectMapper mapper;
    private byte[] out = new byte[1_024];
    private int size;

    private ChatCompletionBody(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** One generated choice: text, or a call of the first tool offered. */
    record Choice(String content, String toolName, String toolArguments, String toolCallId, int tokens, String finish) {
    }

    static byte[] write(ObjectMapper mapper, String id, long created, String model, List<Choice> choices, int promptTokens,
                        int completionTokens, String fingerprint) {
        ChatCompletionBody b = new ChatCompletionBody(mapper);
        b.append(ID).string(id).append(OBJECT_CREATED).number(created).append(MODEL).string(model).append(CHOICES);
        for (int i = 0; i < choices.size(); i++) {
            Choice c = choices.get(i);
            if (i > 0) {
                b.append((byte) ',');
            }
            b.append(INDEX).number(i).append(MESSAGE_CONTENT).string(c.content()).append(REFUSAL_ANNOTATIONS);
            if (c.toolName() != null) {
                b.append(TOOL_CALL_ID).string(c.toolCallId()).append(FUNCTION_NAME).string(c.toolName())
                        .append(ARGUMENTS).string(c.toolArguments()).append(TOOL_CALL_END);
            }
            b.append(LOGPROBS_FINISH).string(c.finish()).append((byte) '}');
        }
        b.append(PROMPT_TOKENS).number(promptTokens).append(COMPLETION_TOKENS).number(completionTokens)
                .append(TOTAL_TOKENS).number(promptTokens + completionTokens)
                .append(DETAILS_FINGERPRINT).string(fingerprint).append((byte) '}');
        return Arrays.copyOf(b.out, b.size);
    }

    /** A JSON string (or null): copied between quotes when nothing in it needs escaping, else as the mapper writes it. */
    private ChatCompletionBody string(String s) {
        if (s == null) {
            return append(NULL);
        }
        room(s.length() + 2);
        int start = size;
        out[size++] = '"';
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < ' ' || c > '~' || c == '"' || c == '\\') {
                size = start;
                try {
                    return append(mapper.writeValueAsBytes(s));
                } catch (JsonProcessingException e) {
                    throw new UncheckedIOException(e);
                }
            }
            out[size++] = (byte) c;
        }
        out[size++] = '"';
        return this;
    }

    private ChatCompletionBody number(long n) {
        String digits = Long.toString(n);
        room(digits.length());
        for (int i = 0; i < digits.length(); i++) {
            out[size++] = (byte) digits.charAt(i);
        }
        return this;
    }

    private ChatCompletionBody append(byte[] bytes) {
        room(bytes.length);
        System.arraycopy(bytes, 0, out, size, bytes.length);
        size += bytes.length;
        return this;
    }

    private ChatCompletionBody append(byte b) {
        room(1);
        out[size++] = b;
        return this;
    }

    private void room(int more) {
        if (size + more > out.length) {
            out = Arrays.copyOf(out, Math.max(out.length * 2, size + more));
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
