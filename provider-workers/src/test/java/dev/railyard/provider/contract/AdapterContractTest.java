package dev.railyard.provider.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.railyard.config.Deployment;
import dev.railyard.provider.ProviderAdapter;
import dev.railyard.provider.ProviderAdapters;
import dev.railyard.provider.ProviderException;
import dev.railyard.provider.ProviderResponse;
import dev.railyard.schema.event.ErrorType;
import dev.railyard.schema.event.JobSubmitted;
import dev.railyard.schema.event.RailyardEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * One contract every adapter passes: the same conversation (system, user text and image, an assistant
 * tool call and its result), the same tools, embeddings and the same errors, sent through each adapter
 * to a fake provider; every request it sends must validate against that provider's official spec and
 * every answer must come back in OpenAI's response shape (validated against OpenAI's spec).
 */
class AdapterContractTest {
    static final String KEY = "contract-test-key";
    static final ObjectMapper JSON = new ObjectMapper();
    static final String CONVERSATION = """
            {"model":"weather-bot","messages":[
              {"role":"system","content":"You are a weather bot."},
              {"role":"user","content":[{"type":"text","text":"What is the weather where this photo was taken?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}}]},
              {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"weather","arguments":"{\\"city\\":\\"Paris\\"}"}}]},
              {"role":"tool","tool_call_id":"call_1","content":"18C and sunny"}],
             "tools":[{"type":"function","function":{"name":"weather","description":"Current weather in a city","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}],
             "tool_choice":"auto","temperature":0.2,"max_completion_tokens":200,"stop":["END"]}""";

    static Vertx vertx;
    static FakeProvider server;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        server = new FakeProvider(vertx);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static JobSubmitted job(String endpoint, String body) throws Exception {
        return new JobSubmitted(RailyardEvent.CURRENT_SCHEMA_VERSION, UUID.randomUUID().toString(), "job-" + UUID.randomUUID(),
                Instant.now(), "tenant-a", null, null, 0, endpoint, "m", JSON.readTree(body), "standard", null, Map.of(), null);
    }

    static ProviderResponse call(Family family, String endpoint, String body, String model) throws Exception {
        try (ProviderAdapter adapter = new ProviderAdapters(vertx, JSON, Clock.systemUTC()).create(family.config(server.root(), KEY))) {
            Future<ProviderResponse> f = adapter.call(new Deployment("d", family.type, "m", model), job(endpoint, body));
            return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    static ProviderException failure(Family family, String endpoint, String body, String model) throws Exception {
        try {
            call(family, endpoint, body, model);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(ProviderException.class);
            return (ProviderException) e.getCause();
        }
        throw new AssertionError("the call succeeded");
    }

    @ParameterizedTest
    @EnumSource(Family.class)
    void the_conversation_is_sent_as_the_providers_spec_defines_it(Family family) throws Exception {
        server.answer(r -> new FakeProvider.Answer(200, Map.of(), family.success(r.uri())));

        call(family, "/v1/chat/completions", CONVERSATION, family.chatModel);

        FakeProvider.Request sent = server.last();
        JsonNode body = JSON.readTree(sent.body());
        assertThat(sent.method()).isEqualTo("POST");
        switch (family) {
            case OPENAI -> {
                assertThat(sent.uri()).isEqualTo("/v1/chat/completions");
                assertThat(sent.header("Authorization")).isEqualTo("Bearer " + KEY);
                assertThat(Specs.openAi("CreateChatCompletionRequest", body)).isEmpty();
            }
            case AZURE -> {
                assertThat(sent.uri()).isEqualTo("/openai/deployments/gpt-4o-prod/chat/completions?api-version=2024-10-21");
                assertThat(sent.header("api-key")).isEqualTo(KEY);
                assertThat(sent.header("Authorization")).isNull();
                assertThat(Specs.openAi("CreateChatCompletionRequest", body)).isEmpty();
            }
            case ANTHROPIC -> {
                assertThat(sent.uri()).isEqualTo("/v1/messages");
                assertThat(sent.header("x-api-key")).isEqualTo(KEY);
                assertThat(sent.header("anthropic-version")).isEqualTo("2023-06-01");
                assertThat(Specs.anthropic(body)).isEmpty();
            }
            case GEMINI -> {
                assertThat(sent.uri()).isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");
                assertThat(sent.header("x-goog-api-key")).isEqualTo(KEY);
                assertThat(Specs.gemini("GenerateContentRequest", body)).isEmpty();
            }
            case BEDROCK -> {
                assertThat(sent.uri()).isEqualTo("/model/anthropic.claude-3-5-haiku-20241022-v1%3A0/converse");
                assertThat(sent.header("Authorization")).startsWith("AWS4-HMAC-SHA256 Credential=AKIDCONTRACTTEST/")
                        .contains("/us-east-1/bedrock/aws4_request");
                assertThat(Specs.bedrock("ConverseRequest", body)).isEmpty();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Family.class)
    void the_answer_comes_back_as_an_openai_chat_completion(Family family) throws Exception {
        server.answer(r -> new FakeProvider.Answer(200, Map.of(), family.success(r.uri())));

        ProviderResponse response = call(family, "/v1/chat/completions", CONVERSATION, family.chatModel);

        assertThat(Specs.openAi("CreateChatCompletionResponse", response.body())).isEmpty();
        assertThat(response.body().at("/choices/0/message/content").asText()).isEqualTo("It is 18C.");
        assertThat(response.body().at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(response.usage().promptTokens()).isEqualTo(50);
        assertThat(response.usage().completionTokens()).isEqualTo(5);
    }

    @ParameterizedTest
    @EnumSource(value = Family.class, names = "ANTHROPIC", mode = EnumSource.Mode.EXCLUDE)
    void embeddings_are_sent_per_spec_and_answered_as_an_openai_list(Family family) throws Exception {
        server.answer(r -> new FakeProvider.Answer(200, Map.of(), family.success(r.uri())));
        String input = family == Family.GEMINI ? "[\"alpha\",\"beta\"]" : "\"alpha\"";

        ProviderResponse response = call(family, "/v1/embeddings", "{\"model\":\"e\",\"input\":" + input + "}", family.embeddingModel);

        JsonNode sent = JSON.readTree(server.last().body());
        switch (family) {
            case OPENAI, AZURE -> assertThat(Specs.openAi("CreateEmbeddingRequest", sent)).isEmpty();
            case GEMINI -> {
                assertThat(server.last().uri()).isEqualTo("/v1beta/models/gemini-embedding-001:batchEmbedContents");
                assertThat(Specs.gemini("BatchEmbedContentsRequest", sent)).isEmpty();
            }
            case BEDROCK -> {
                assertThat(server.last().uri()).isEqualTo("/model/amazon.titan-embed-text-v2%3A0/invoke");
                assertThat(sent.toString()).isEqualTo("{\"inputText\":\"alpha\"}");
            }
            default -> throw new IllegalStateException();
        }
        assertThat(Specs.openAi("CreateEmbeddingResponse", response.body())).isEmpty();
        assertThat(response.body().path("data")).isNotEmpty();
    }

    @ParameterizedTest
    @EnumSource(Family.class)
    void rate_limits_are_retryable_and_keep_the_providers_answer(Family family) throws Exception {
        FakeProvider.Answer answer = family.rateLimited();
        server.answer(r -> answer);

        ProviderException e = failure(family, "/v1/chat/completions", CONVERSATION, family.chatModel);

        assertThat(e.error().type()).isEqualTo(ErrorType.RATE_LIMITED);
        assertThat(e.retryable()).isTrue();
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(2));
        assertThat(e.error().httpStatus()).isEqualTo(429);
        assertThat(e.error().providerBody()).isEqualTo(answer.body());
    }

    @ParameterizedTest
    @EnumSource(Family.class)
    void a_prompt_too_long_is_a_permanent_context_length_failure(Family family) throws Exception {
        server.answer(r -> family.contextTooLong());

        ProviderException e = failure(family, "/v1/chat/completions", CONVERSATION, family.chatModel);

        assertThat(e.error().type()).isEqualTo(ErrorType.CONTEXT_LENGTH_EXCEEDED);
        assertThat(e.retryable()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(value = Family.class, names = {"ANTHROPIC", "GEMINI", "BEDROCK"})
    void an_unsupported_parameter_fails_before_any_call(Family family) throws Exception {
        int before = server.requests.size();

        ProviderException e = failure(family, "/v1/chat/completions",
                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"logit_bias\":{\"50256\":-100}}", family.chatModel);

        assertThat(e.error().type()).isEqualTo(ErrorType.UNSUPPORTED_PARAMETER);
        assertThat(e.error().message()).isEqualTo("parameter 'logit_bias' is not supported by " + family.type);
        assertThat(server.requests).hasSize(before);
    }
}
