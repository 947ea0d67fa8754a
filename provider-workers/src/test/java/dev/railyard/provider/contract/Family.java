package dev.railyard.provider.contract;

import dev.railyard.config.ProviderConfig;
import dev.railyard.schema.event.ErrorType;
import java.time.Duration;
import java.util.Map;

/**
 * One provider family as the contract suite drives it: how it is configured against the fake server,
 * which model it is called with, what a real success and real error answers look like.
 */
enum Family {
    OPENAI("openai-compatible", "gpt-4o-mini", "text-embedding-3-small"),
    AZURE("azure-openai", "gpt-4o-prod", "embed-prod"),
    ANTHROPIC("anthropic", "claude-sonnet-4-5", null),
    GEMINI("gemini", "gemini-2.5-flash", "gemini-embedding-001"),
    BEDROCK("bedrock", "anthropic.claude-3-5-haiku-20241022-v1:0", "amazon.titan-embed-text-v2:0");

    final String type;
    final String chatModel;
    final String embeddingModel;

    Family(String type, String chatModel, String embeddingModel) {
        this.type = type;
        this.chatModel = chatModel;
        this.embeddingModel = embeddingModel;
    }

    ProviderConfig config(String root, String secret) {
        String base = this == OPENAI ? root + "/v1" : root;
        Map<String, String> options = this == BEDROCK
                ? Map.of("access_key_id", "AKIDCONTRACTTEST", "secret_access_key", secret, "region", "us-east-1")
                : Map.of();
        return new ProviderConfig(type, type, base, this == BEDROCK ? "" : secret, false, false, Duration.ofSeconds(10), 4, options);
    }

    /** The family's real success body for a request to {@code uri}. */
    String success(String uri) {
        if (uri.contains("embedContent")) {
            return "{\"embedding\":{\"values\":[0.1,0.2,0.3]}}";
        }
        if (uri.contains("batchEmbedContents")) {
            return "{\"embeddings\":[{\"values\":[0.1,0.2]},{\"values\":[0.3,0.4]}]}";
        }
        if (uri.endsWith("/invoke")) {
            return "{\"embedding\":[0.1,0.2,0.3],\"inputTextTokenCount\":3}";
        }
        if (uri.contains("embeddings")) {
            return """
                    {"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.1,0.2]}],"model":"text-embedding-3-small","usage":{"prompt_tokens":2,"total_tokens":2}}""";
        }
        return switch (this) {
            case OPENAI, AZURE -> """
                    {"id":"chatcmpl-1","object":"chat.completion","created":1700000000,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"message":{"role":"assistant","content":"It is 18C.","refusal":null},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":50,"completion_tokens":5,"total_tokens":55}}""";
            case ANTHROPIC -> """
                    {"id":"msg_01","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[{"type":"text","text":"It is 18C."}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":50,"output_tokens":5}}""";
            case GEMINI -> """
                    {"candidates":[{"content":{"role":"model","parts":[{"text":"It is 18C."}]},"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":50,"candidatesTokenCount":5,"totalTokenCount":55},"modelVersion":"gemini-2.5-flash","responseId":"r1"}""";
            case BEDROCK -> """
                    {"output":{"message":{"role":"assistant","content":[{"text":"It is 18C."}]}},"stopReason":"end_turn","usage":{"inputTokens":50,"outputTokens":5,"totalTokens":55},"metrics":{"latencyMs":100}}""";
        };
    }

    /** The family's real rate-limit answer. */
    FakeProvider.Answer rateLimited() {
        return switch (this) {
            case OPENAI, AZURE -> new FakeProvider.Answer(429, Map.of("retry-after", "2", "x-request-id", "req_1"), """
                    {"error":{"message":"Rate limit reached for requests","type":"requests","param":null,"code":"rate_limit_exceeded"}}""");
            case ANTHROPIC -> new FakeProvider.Answer(429, Map.of("retry-after", "2", "request-id", "req_1"), """
                    {"type":"error","error":{"type":"rate_limit_error","message":"This request would exceed the rate limit."}}""");
            case GEMINI -> new FakeProvider.Answer(429, Map.of("retry-after", "2"), """
                    {"error":{"code":429,"message":"Resource has been exhausted (e.g. check quota).","status":"RESOURCE_EXHAUSTED"}}""");
            case BEDROCK -> new FakeProvider.Answer(429, Map.of("retry-after", "2", "x-amzn-RequestId", "req_1",
                    "x-amzn-ErrorType", "ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/"), """
                    {"message":"Too many requests, please wait before trying again."}""");
        };
    }

    /** The family's real "prompt too long" answer. */
    FakeProvider.Answer contextTooLong() {
        return switch (this) {
            case OPENAI, AZURE -> new FakeProvider.Answer(400, Map.of(), """
                    {"error":{"message":"This model's maximum context length is 128000 tokens.","type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}}""");
            case ANTHROPIC -> new FakeProvider.Answer(400, Map.of(), """
                    {"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long: 215000 tokens > 200000 maximum"}}""");
            case GEMINI -> new FakeProvider.Answer(400, Map.of(), """
                    {"error":{"code":400,"message":"The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).","status":"INVALID_ARGUMENT"}}""");
            case BEDROCK -> new FakeProvider.Answer(400, Map.of("x-amzn-ErrorType", "ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/"), """
                    {"message":"Input is too long for requested model."}""");
        };
    }

    static final ErrorType RATE_LIMITED = ErrorType.RATE_LIMITED;
}
