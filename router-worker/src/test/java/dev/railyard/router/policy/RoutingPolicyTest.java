package dev.railyard.router.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.railyard.config.ConfigLoader;
import dev.railyard.config.Deployment;
import dev.railyard.config.ModelSpec;
import dev.railyard.config.RailyardConfig;
import dev.railyard.schema.EventCodec;
import dev.railyard.schema.event.ErrorType;
import dev.railyard.schema.event.JobSubmitted;
import dev.railyard.schema.event.RoutingDecision;
import dev.railyard.schema.event.Usage;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RoutingPolicyTest {
    static final String CONFIG = """
            providers:
              openai: { base_url: "http://openai.test/v1" }
              azure: { base_url: "http://azure.test/v1" }
            models:
              gpt-4o-mini: { kind: chat, input_per_million: 0.15, output_per_million: 0.60 }
              gpt-4o: { kind: chat, input_per_million: 2.50, output_per_million: 10.00 }
              o-orphan: { kind: chat, input_per_million: 1, output_per_million: 1 }
              text-embedding-3-small: { kind: embedding, input_per_million: 0.02 }
            deployments:
              - { id: openai-gpt-4o-mini, provider: openai, model: gpt-4o-mini }
              - { id: azure-gpt-4o-mini, provider: azure, model: gpt-4o-mini, provider_model: gpt-4o-mini-2024-07-18 }
              - { id: openai-gpt-4o, provider: openai, model: gpt-4o }
              - { id: openai-te3s, provider: openai, model: text-embedding-3-small }
            """;
    static final RailyardConfig config = new ConfigLoader(Map.of()).parse(CONFIG, "test");
    static final TokenEstimator tokens = new TokenEstimator();
    static final EventCodec codec = new EventCodec();

    static JobSubmitted job(String endpoint, String model, String body) {
        JsonNode node = codec.tree(body.getBytes());
        return new JobSubmitted(1, "e1", "job-1", Instant.EPOCH, "acme", null, null, 0, endpoint, model, node,
                null, null, null, null);
    }

    static JobSubmitted chat(String model, String extra) {
        return job("/v1/chat/completions", model,
                "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello, world!\"}]" + extra + "}");
    }

    static RoutingDecision routed(Route route) {
        assertThat(route).isInstanceOf(Route.Routed.class);
        return ((Route.Routed) route).decision();
    }

    /** The catalog price, except that one provider sells at a discount (or a premium). */
    static Function<Deployment, ModelSpec> pricedBy(String provider, String factor) {
        return d -> {
            ModelSpec m = config.model(d.model()).orElseThrow();
            if (!d.provider().equals(provider)) {
                return m;
            }
            BigDecimal f = new BigDecimal(factor);
            return new ModelSpec(m.name(), m.ownedBy(), m.kind(), m.inputPerMillion().multiply(f),
                    m.outputPerMillion().multiply(f), m.cachedInputPerMillion().multiply(f), m.contextWindow(), m.capabilities());
        };
    }

    @ParameterizedTest(name = "{0} x{1} -> {2}")
    @CsvSource({
            "azure,  0.5, azure-gpt-4o-mini,  openai-gpt-4o-mini, gpt-4o-mini-2024-07-18, azure",
            "azure,  2,   openai-gpt-4o-mini, azure-gpt-4o-mini,  gpt-4o-mini,            openai",
            "openai, 0.9, openai-gpt-4o-mini, azure-gpt-4o-mini,  gpt-4o-mini,            openai",
            "openai, 1.1, azure-gpt-4o-mini,  openai-gpt-4o-mini, gpt-4o-mini-2024-07-18, azure",
            // equal prices: configuration order decides
            "azure,  1,   openai-gpt-4o-mini, azure-gpt-4o-mini,  gpt-4o-mini,            openai",
    })
    void routes_to_cheapest_deployment_and_keeps_the_rest_as_fallbacks(String provider, String factor, String expected,
                                                                       String fallback, String providerModel, String expectedProvider) {
        RoutingDecision d = routed(new RoutingPolicy(config, tokens, pricedBy(provider, factor)).decide(chat("gpt-4o-mini", "")));
        assertThat(d.deploymentId()).isEqualTo(expected);
        assertThat(d.provider()).isEqualTo(expectedProvider);
        assertThat(d.providerModel()).isEqualTo(providerModel);
        assertThat(d.fallbacks()).containsExactly(fallback);
        assertThat(d.hop()).isEqualTo(1);
        assertThat(d.reason()).startsWith("model gpt-4o-mini: 2 candidates; chose " + expected + " score ");
        assertThat(d.route()).isNull();
        assertThat(d.candidates()).containsExactly("openai-gpt-4o-mini", "azure-gpt-4o-mini");
        assertThat(d.scores()).containsOnlyKeys("openai-gpt-4o-mini", "azure-gpt-4o-mini");
    }

    @Test
    void estimated_cost_is_prompt_plus_output_limit_at_the_model_prices() {
        RoutingDecision d = routed(new RoutingPolicy(config, tokens).decide(chat("gpt-4o", ",\"max_tokens\":100")));
        assertThat(d.estimatedPromptTokens()).isEqualTo(4); // Hello | , | world | !
        // 4 * 2.50 / 1e6 + 100 * 10 / 1e6
        assertThat(d.estimatedCost()).isEqualByComparingTo("0.00101");
        assertThat(d.estimatedCost()).isEqualTo(config.model("gpt-4o").orElseThrow().cost(new Usage(4, 100, 0)));
        assertThat(d.fallbacks()).isEmpty();
        assertThat(d.reason()).isEqualTo("model gpt-4o: 1 candidate; chose openai-gpt-4o score 1.00 (cost 1.00) at $0.001010 estimated");
    }

    @Test
    void reason_names_candidates_and_the_rounded_estimate() {
        RoutingDecision d = routed(new RoutingPolicy(config, tokens).decide(chat("gpt-4o-mini", "")));
        // 4 prompt tokens at 0.15 + 1024 default output tokens at 0.60 per million = 0.0006150
        assertThat(d.estimatedCost()).isEqualByComparingTo("0.0006150");
        assertThat(d.reason()).isEqualTo("model gpt-4o-mini: 2 candidates; chose openai-gpt-4o-mini score 1.00 (cost 1.00) at $0.000615 estimated");
    }

    @Test
    void routes_embeddings_to_an_embedding_deployment_without_output_cost() {
        RoutingDecision d = routed(new RoutingPolicy(config, tokens).decide(job("/v1/embeddings", "text-embedding-3-small",
                "{\"model\":\"text-embedding-3-small\",\"input\":[\"Hello, world!\",\"Hello, world!\"]}")));
        assertThat(d.deploymentId()).isEqualTo("openai-te3s");
        assertThat(d.estimatedPromptTokens()).isEqualTo(8);
        assertThat(d.estimatedCost()).isEqualByComparingTo("0.00000016");
    }

    @ParameterizedTest(name = "{0} with {1}")
    @CsvSource(delimiter = '|', value = {
            "/v1/chat/completions | text-embedding-3-small | model 'text-embedding-3-small' is an embedding model and cannot serve /v1/chat/completions; chat models available for /v1/chat/completions: gpt-4o, gpt-4o-mini",
            "/v1/embeddings       | gpt-4o-mini            | model 'gpt-4o-mini' is a chat model and cannot serve /v1/embeddings; embedding models available for /v1/embeddings: text-embedding-3-small",
    })
    void refuses_a_model_of_the_wrong_kind_for_the_endpoint(String endpoint, String model, String message) {
        String body = endpoint.endsWith("embeddings") ? "{\"model\":\"" + model + "\",\"input\":\"x\"}"
                : "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
        Route route = new RoutingPolicy(config, tokens).decide(job(endpoint, model, body));
        assertThat(route).isInstanceOf(Route.Unroutable.class);
        assertThat(((Route.Unroutable) route).error().type()).isEqualTo(ErrorType.MODEL_NOT_FOUND);
        assertThat(((Route.Unroutable) route).error().message()).isEqualTo(message);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "gpt-5-turbo | model 'gpt-5-turbo' is not available; chat models available for /v1/chat/completions: gpt-4o, gpt-4o-mini",
            "o-orphan    | model 'o-orphan' has no deployment; chat models available for /v1/chat/completions: gpt-4o, gpt-4o-mini",
    })
    void unknown_model_names_the_model_and_the_available_ones(String model, String message) {
        Route route = new RoutingPolicy(config, tokens).decide(chat(model, ""));
        assertThat(route).isEqualTo(new Route.Unroutable(new dev.railyard.schema.event.JobError(
                ErrorType.MODEL_NOT_FOUND, message, null, null, null)));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "{\"messages\":[{\"role\":\"user\",\"content\":\"Hello, world!\"}]}                                   | 4",
            "{\"messages\":[{\"role\":\"user\",\"content\":\"\"}]}                                                | 0",
            "{\"messages\":[{\"role\":\"system\",\"content\":\"Hello, world!\"},{\"role\":\"user\",\"content\":\"Hello, world!\"}]} | 8",
            "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Hello, world!\"},{\"type\":\"image_url\",\"image_url\":{\"url\":\"http://x\"}}]}]} | 4",
            "{\"messages\":[{\"role\":\"assistant\",\"tool_calls\":[]}]}                                          | 0",
    })
    void counts_chat_prompt_tokens_of_text_contents(String body, int expected) {
        assertThat(tokens.promptTokens(dev.railyard.schema.event.Endpoint.CHAT_COMPLETIONS, codec.tree(body.getBytes())))
                .isEqualTo(expected);
    }

    @Test
    void counts_special_token_text_in_a_prompt_as_ordinary_text() {
        // A prompt may quote "<|endoftext|>"; it must be counted, not rejected as a special token.
        assertThat(tokens.count("<|endoftext|>")).isGreaterThan(1);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "{\"input\":\"Hello, world!\"}                      | 4",
            "{\"input\":[\"Hello, world!\",\"Hello\"]}           | 5",
            "{\"input\":[101, 102, 103]}                        | 3",
            "{\"input\":[[101, 102], [103]]}                     | 3",
    })
    void counts_embedding_inputs_including_token_arrays(String body, int expected) {
        assertThat(tokens.promptTokens(dev.railyard.schema.event.Endpoint.EMBEDDINGS, codec.tree(body.getBytes())))
                .isEqualTo(expected);
    }

    @Test
    void longer_prompts_estimate_more_tokens_roughly_four_characters_each() {
        String sentence = "The quick brown fox jumps over the lazy dog. ";
        int one = tokens.count(sentence);
        int hundred = tokens.count(sentence.repeat(100));
        assertThat(hundred).isBetween(90 * one, 110 * one);
        assertThat(hundred).isBetween(sentence.length() * 100 / 8, sentence.length() * 100 / 2);
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
            "/v1/chat/completions | {}                                                  | 1024",
            "/v1/chat/completions | {\"max_tokens\":50}                                 | 50",
            "/v1/chat/completions | {\"max_completion_tokens\":70}                      | 70",
            "/v1/chat/completions | {\"max_tokens\":50,\"max_completion_tokens\":70}   | 70",
            "/v1/chat/completions | {\"max_tokens\":50,\"n\":3}                         | 150",
            "/v1/embeddings       | {\"max_tokens\":50}                                 | 0",
    })
    void output_limit_is_the_request_limit_or_the_default(String endpoint, String body, long expected) {
        assertThat(TokenEstimator.maxOutputTokens(dev.railyard.schema.event.Endpoint.fromPath(endpoint).orElseThrow(),
                codec.tree(body.getBytes()))).isEqualTo(expected);
    }

    @Test
    void worst_case_cost_rounds_half_up_to_a_micro_dollar_in_the_reason_only() {
        RoutingDecision d = routed(new RoutingPolicy(config, tokens).decide(chat("gpt-4o-mini", ",\"max_tokens\":1")));
        // 4 * 0.15 + 1 * 0.60 per million = 0.0000012: kept exact in the decision
        assertThat(d.estimatedCost()).isEqualByComparingTo("0.0000012");
        assertThat(d.estimatedCost().scale()).isEqualTo(ModelSpec.COST_SCALE);
        assertThat(d.reason()).endsWith("at $" + d.estimatedCost().setScale(6, RoundingMode.HALF_UP).toPlainString() + " estimated");
    }
}
