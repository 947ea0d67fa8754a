package dev.railyard.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.railyard.config.Deployment;
import dev.railyard.infra.testing.SharedInfrastructure;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Out of the box, every provider family runs: the built-in configuration serves OpenAI, Anthropic,
 * Gemini and Bedrock models from the simulator speaking each family's own wire format, and results come
 * back in the OpenAI shape. Every deployment's health is visible through the API and the metrics.
 */
@ExtendWith(SharedInfrastructure.class)
class ProviderFamiliesIT {

    @Test
    void every_family_runs_from_the_simulator_and_answers_in_the_openai_shape(SharedInfrastructure.Servers servers,
                                                                               @TempDir Path dir) throws Exception {
        try (Platform platform = E2e.defaultPlatform(servers, dir)) {
            RailyardClient client = new RailyardClient(platform.apiBaseUrl());
            JsonNode models = client.get("/v1/models");
            assertThat(StreamSupport.stream(models.path("data").spliterator(), false).map(m -> m.path("owned_by").asText()))
                    .contains("openai", "anthropic", "gemini", "bedrock");

            List<String> chatModels = List.of("gpt-4o-mini", "claude-haiku-4-5", "gemini-2.5-flash", "nova-lite");
            List<String> embeddingModels = List.of("text-embedding-3-small", "gemini-embedding-001", "titan-embed-text-v2");
            StringBuilder jsonl = new StringBuilder();
            for (String m : chatModels) {
                jsonl.append("{\"custom_id\":\"chat-").append(m).append("\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",")
                        .append("\"body\":{\"model\":\"").append(m).append("\",\"max_tokens\":50,\"messages\":[")
                        .append("{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"Name a colour.\"}]}}\n");
            }
            for (String m : embeddingModels) {
                jsonl.append("{\"custom_id\":\"embed-").append(m).append("\",\"method\":\"POST\",\"url\":\"/v1/embeddings\",")
                        .append("\"body\":{\"model\":\"").append(m).append("\",\"input\":\"a colour\"}}\n");
            }
            BatchRun.Outcome o = new BatchRun(client).run(jsonl.toString().getBytes(StandardCharsets.UTF_8),
                    dir.resolve("out.jsonl"), dir.resolve("err.jsonl"), Duration.ofMinutes(2), n -> { });

            assertThat(E2e.lines(o.errors())).as("error lines").isEmpty();
            assertThat(o.completed()).isEqualTo(chatModels.size() + embeddingModels.size());
            Map<String, JsonNode> bodies = new HashMap<>();
            Map<String, String> jobIds = new HashMap<>();
            E2e.lines(o.output()).forEach(l -> {
                bodies.put(l.path("custom_id").asText(), l.path("response").path("body"));
                jobIds.put(l.path("custom_id").asText(), l.path("response").path("request_id").asText());
            });
            // Every deployment is listed with its circuit state.
            JsonNode deployments = client.get("/v1/deployments");
            assertThat(StreamSupport.stream(deployments.path("data").spliterator(), false).map(d -> d.path("id").asText()))
                    .contains("anthropic-claude-haiku-4-5", "gemini-2.5-flash", "bedrock-nova-lite", "openai-gpt-4o-mini");
            assertThat(deployments.path("data")).allSatisfy(d -> assertThat(d.path("circuit").asText()).isEqualTo("closed"));
            assertMetrics(platform);
            // Why each job ran where it did is recorded on the job.
            JsonNode job = client.get("/v1/jobs/" + jobIds.get("chat-claude-haiku-4-5"));
            assertThat(job.path("routing").path("deployment_id").asText()).isEqualTo("anthropic-claude-haiku-4-5");
            assertThat(job.path("routing").path("reason").asText()).contains("claude-haiku-4-5");
            for (String m : chatModels) {
                JsonNode body = bodies.get("chat-" + m);
                assertThat(body.path("object").asText()).as(m).isEqualTo("chat.completion");
                assertThat(body.path("choices").path(0).path("message").path("content").asText()).as(m).isNotBlank();
                assertThat(body.path("choices").path(0).path("finish_reason").asText()).as(m).isIn("stop", "length");
                assertThat(body.path("usage").path("prompt_tokens").asInt()).as(m).isPositive();
            }
            for (String m : embeddingModels) {
                JsonNode body = bodies.get("embed-" + m);
                assertThat(body.path("object").asText()).as(m).isEqualTo("list");
                assertThat(body.path("data").path(0).path("embedding").size()).as(m).isPositive();
            }
        }
    }

    /** GET /metrics: a closed circuit gauge for every configured deployment, the router's decisions, the JVM. */
    private static void assertMetrics(Platform platform) throws Exception {
        HttpResponse<String> metrics = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(platform.apiBaseUrl() + "/metrics")).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
        List<String> lines = metrics.body().lines().toList();
        for (Deployment d : platform.config().deployments()) {
            assertThat(lines).as(d.id()).contains("railyard_deployment_circuit_state{deployment=\"" + d.id()
                    + "\",provider=\"" + d.provider() + "\"} 0.0");
            assertThat(lines).as(d.id()).anyMatch(l -> l.startsWith("railyard_deployment_latency_p95{deployment=\"" + d.id() + "\""));
        }
        assertThat(lines).anyMatch(l -> l.startsWith(
                "railyard_router_decisions_total{deployment=\"anthropic-claude-haiku-4-5\",outcome=\"routed\"} "));
        assertThat(lines).anyMatch(l -> l.startsWith("jvm_memory_used_bytes{"));
        assertThat(lines).anyMatch(l -> l.startsWith("http_server_requests_seconds_count{method=\"POST\",route=\"/v1/batches\""));
    }
}
