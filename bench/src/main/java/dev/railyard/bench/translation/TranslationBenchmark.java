package dev.railyard.bench.translation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.railyard.provider.translation.Translation;
import dev.railyard.provider.translation.Translations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What translating one chat job costs per provider family, without HTTP: the OpenAI request a job
 * carries to the provider's request bytes ({@code request}), and the provider's answer bytes to the
 * OpenAI chat.completion the result carries ({@code response}, JSON parsing included). A typical
 * request: a system prompt, three messages and one tool. Run with {@code bench/jmh}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TranslationBenchmark {
    static final String REQUEST = """
            {"model":"chat-model","temperature":0.2,"top_p":0.9,"max_tokens":512,"messages":[
              {"role":"system","content":"You are a concise travel assistant. Answer in two sentences at most, and use the weather tool when the user asks about current conditions."},
              {"role":"user","content":"I am planning a trip to Lisbon in May. Is it usually warm enough to swim in the sea?"},
              {"role":"assistant","content":"May in Lisbon is mild, around 22 degrees in the afternoon, but the Atlantic is still cool, about 17 degrees: most people find it bracing."},
              {"role":"user","content":"And what is the weather like there right now?"}],
             "tools":[{"type":"function","function":{"name":"get_weather","description":"Current weather for a city",
               "parameters":{"type":"object","properties":{"city":{"type":"string","description":"City name"},
                 "unit":{"type":"string","enum":["celsius","fahrenheit"]}},"required":["city"]}}}]}""";

    private static final String ANSWER = "Right now Lisbon is sunny and 21 degrees with a light north-westerly breeze; "
            + "the sea is about 17 degrees, so a swim is possible if you do not mind it brisk. Evenings cool to around 14 degrees.";

    static final Map<String, String> RESPONSES = Map.of(
            "openai-compatible", """
                    {"id":"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT","object":"chat.completion","created":1741569952,"model":"gpt-4o-mini-2024-07-18",
                     "choices":[{"index":0,"message":{"role":"assistant","content":"%s","refusal":null,"annotations":[]},"logprobs":null,"finish_reason":"stop"}],
                     "usage":{"prompt_tokens":142,"completion_tokens":48,"total_tokens":190,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},
                      "completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},
                     "service_tier":"default","system_fingerprint":"fp_06737a9306"}""".formatted(ANSWER),
            "anthropic", """
                    {"id":"msg_013Zva2CMHLNnXjNJJKqJ2EF","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929",
                     "content":[{"type":"text","text":"%s"}],"stop_reason":"end_turn","stop_sequence":null,
                     "usage":{"input_tokens":412,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":52,"service_tier":"standard"}}"""
                    .formatted(ANSWER),
            "gemini", """
                    {"candidates":[{"content":{"parts":[{"text":"%s"}],"role":"model"},"finishReason":"STOP","index":0}],
                     "usageMetadata":{"promptTokenCount":131,"candidatesTokenCount":47,"totalTokenCount":178,
                      "promptTokensDetails":[{"modality":"TEXT","tokenCount":131}]},
                     "modelVersion":"gemini-2.5-flash","responseId":"4G2vaPq2LtGkvdIPx8WxoAw"}""".formatted(ANSWER),
            "bedrock", """
                    {"output":{"message":{"role":"assistant","content":[{"text":"%s"}]}},"stopReason":"end_turn",
                     "usage":{"inputTokens":401,"outputTokens":51,"totalTokens":452},"metrics":{"latencyMs":812}}""".formatted(ANSWER));

    @Param({"openai-compatible", "anthropic", "gemini", "bedrock"})
    public String family;

    private Translation translation;
    private JsonNode request;
    private byte[] response;

    @Setup
    public void setUp() {
        ObjectMapper mapper = new ObjectMapper();
        translation = Translations.of(family, mapper);
        try {
            request = mapper.readTree(REQUEST);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        response = RESPONSES.get(family).getBytes(StandardCharsets.UTF_8);
    }

    /** OpenAI request (already parsed, as a job carries it) → the provider's request body bytes. */
    @Benchmark
    public byte[] request() {
        return translation.request(request, "provider-model");
    }

    /** The provider's answer bytes → the OpenAI chat.completion (parsing included). */
    @Benchmark
    public JsonNode response() {
        return translation.response(response, "provider-model");
    }
}
