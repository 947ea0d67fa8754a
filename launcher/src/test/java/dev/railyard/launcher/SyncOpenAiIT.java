package dev.railyard.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.errors.OpenAIServiceException;
import com.openai.errors.RateLimitException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import dev.railyard.infra.testing.SharedInfrastructure;
import dev.railyard.simulator.SimulatorSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official OpenAI Java client pointed at Railyard's synchronous endpoints: each call is a job through the whole
 * platform (router, simulated provider, budget service) and answers as OpenAI would, errors included.
 */
@ExtendWith(SharedInfrastructure.class)
class SyncOpenAiIT {
    private static final String JOB_ID = "x-railyard-job-id";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static Platform platform;
    private static OpenAIClient openai;

    @BeforeAll
    static void start(SharedInfrastructure.Servers servers, @TempDir Path dir) {
        platform = E2e.platform(servers, dir, new SimulatorSettings(0, 0, 0, 0.0, 10, 2500, 42));
        openai = OpenAIOkHttpClient.builder()
                .baseUrl(platform.apiBaseUrl() + "/v1")
                .apiKey("not-checked")
                .responseValidation(true) // the client refuses an answer missing anything OpenAI's would have
                .maxRetries(0) // a retried failure would be a second job
                .build();
    }

    @AfterAll
    static void stop() {
        if (openai != null) {
            openai.close();
        }
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void a_chat_completion_runs_as_a_job_and_answers_with_usage() throws Exception {
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
                .model("gpt-4o-mini")
                .addSystemMessage("You are terse.")
                .addUserMessage("Say hello to Railyard.")
                .maxCompletionTokens(64L)
                .build();

        HttpResponseFor<ChatCompletion> raw = openai.chat().completions().withRawResponse().create(params);
        ChatCompletion completion = raw.parse();

        assertThat(raw.statusCode()).isEqualTo(200);
        assertThat(completion.choices()).hasSize(1);
        assertThat(completion.choices().get(0).message().content()).hasValueSatisfying(text -> assertThat(text).isNotBlank());
        assertThat(completion.usage()).hasValueSatisfying(usage -> {
            assertThat(usage.promptTokens()).isPositive();
            assertThat(usage.completionTokens()).isPositive();
            assertThat(usage.totalTokens()).isEqualTo(usage.promptTokens() + usage.completionTokens());
        });
        List<String> jobIds = raw.headers().values(JOB_ID);
        assertThat(jobIds).hasSize(1);
        JsonNode job = job(jobIds.get(0));
        assertThat(job.get("status").asText()).isEqualTo("succeeded");
        assertThat(job.get("deployment_id").asText()).isEqualTo("openai-gpt-4o-mini");
        assertThat(job.path("usage").path("prompt_tokens").asLong()).isEqualTo(completion.usage().orElseThrow().promptTokens());
        assertThat(job.get("cost").asText()).isNotEqualTo("0");
    }

    @Test
    void embeddings_run_as_a_job_and_answer_vectors_with_usage() {
        CreateEmbeddingResponse response = openai.embeddings().create(EmbeddingCreateParams.builder()
                .model("text-embedding-3-small")
                .inputOfArrayOfStrings(List.of("first line", "second line"))
                .dimensions(8L)
                .build());

        assertThat(response.data()).hasSize(2);
        assertThat(response.data()).allSatisfy(e -> assertThat(e.embedding()).hasSize(8));
        assertThat(response.usage().promptTokens()).isPositive();
    }

    @Test
    void a_job_the_provider_refuses_answers_the_mapped_error_with_its_job_id() {
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
                .model("gpt-4o-mini")
                .addUserMessage("This prompt is far too long [sim:context_length]")
                .build();

        assertThatThrownBy(() -> openai.chat().completions().create(params))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.code()).hasValue("context_length_exceeded");
                    assertThat(e.type()).hasValue("invalid_request_error");
                    assertFailedJob(e);
                });
    }

    @Test
    void a_job_still_rate_limited_after_its_retries_answers_429() {
        // Its own model: the retries' 429s do not touch the deployments the other tests use.
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
                .model("gpt-4.1-nano")
                .addUserMessage("Busy? [sim:status=429]")
                .build();

        assertThatThrownBy(() -> openai.chat().completions().create(params))
                .isInstanceOfSatisfying(RateLimitException.class, e -> {
                    assertThat(e.code()).hasValue("rate_limited");
                    assertFailedJob(e);
                });
    }

    @Test
    void a_model_nobody_serves_answers_404_from_the_router() {
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
                .model("gpt-nonexistent")
                .addUserMessage("hello")
                .build();

        assertThatThrownBy(() -> openai.chat().completions().create(params))
                .isInstanceOfSatisfying(NotFoundException.class, e -> {
                    assertThat(e.code()).hasValue("model_not_found");
                    assertThat(e.headers().values(JOB_ID)).hasSize(1);
                });
    }

    @Test
    void streaming_is_refused_as_an_unsupported_parameter() {
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
                .model("gpt-4o-mini")
                .addUserMessage("hello")
                .build();

        try (var stream = openai.chat().completions().createStreaming(params)) {
            assertThatThrownBy(() -> stream.stream().toList())
                    .isInstanceOfSatisfying(BadRequestException.class, e -> {
                        assertThat(e.code()).hasValue("unsupported_parameter");
                        assertThat(e.param()).hasValue("stream");
                    });
        } catch (BadRequestException e) {
            // Some client versions fail on the status before a stream exists.
            assertThat(e.code()).hasValue("unsupported_parameter");
            assertThat(e.param()).hasValue("stream");
        }
    }

    private static void assertFailedJob(OpenAIServiceException e) {
        List<String> jobIds = e.headers().values(JOB_ID);
        assertThat(jobIds).hasSize(1);
        try {
            JsonNode job = job(jobIds.get(0));
            assertThat(job.get("status").asText()).isEqualTo("failed");
            assertThat(job.path("error").path("code").asText()).isEqualTo(e.code().orElseThrow());
        } catch (Exception ex) {
            throw new AssertionError(ex);
        }
    }

    /**
     * The job as {@code GET /v1/jobs/{id}} shows it once its row is terminal: the answer comes from the result on
     * Kafka, and the budget service may write the row a moment later.
     */
    private static JsonNode job(String id) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(platform.apiBaseUrl() + "/v1/jobs/" + id))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            JsonNode job = E2e.JSON.readTree(response.body());
            if (!"queued".equals(job.get("status").asText()) || System.nanoTime() > deadline) {
                return job;
            }
            Thread.sleep(50);
        }
    }
}
