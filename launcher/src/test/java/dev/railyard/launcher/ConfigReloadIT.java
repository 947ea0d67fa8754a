package dev.railyard.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.railyard.infra.testing.SharedInfrastructure;
import dev.railyard.simulator.SimulatorSettings;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hot reload of railyard.yaml on a running platform: a valid edit (a price) is in use for the next job; an invalid
 * one is refused with its reason, and jobs go on under the configuration in use.
 */
@ExtendWith(SharedInfrastructure.class)
class ConfigReloadIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

    @Test
    void a_valid_edit_is_applied_and_an_invalid_one_refused_with_the_old_configuration_kept(
            SharedInfrastructure.Servers servers, @TempDir Path dir) throws Exception {
        try (Platform platform = E2e.platform(servers, dir, SimulatorSettings.defaults())) {
            Path file = dir.resolve("railyard.yaml");
            String original = Files.readString(file);
            JsonNode status = send(platform, "GET", "/v1/admin/config", 200);
            assertThat(status.path("reloads").asLong()).isZero();
            assertThat(status.path("rejected").isNull()).isTrue();

            JsonNode before = job(platform);
            assertThat(cost(before)).isEqualByComparingTo(expected(before, "0.15", "0.60"));
            assertThat(ownedBy(platform, "gpt-4o-mini")).isEqualTo("openai");

            // A hundred times the price of gpt-4o-mini, and another owner shown for it.
            Files.writeString(file, original.replace("input_per_million: 0.15, cached_input_per_million: 0.075, output_per_million: 0.60",
                    "input_per_million: 15, cached_input_per_million: 7.5, output_per_million: 60")
                    .replace("gpt-4o-mini: { owned_by: openai,", "gpt-4o-mini: { owned_by: reloaded,"));
            status = send(platform, "POST", "/v1/admin/config/reload", 200);
            assertThat(status.path("reloads").asLong()).isEqualTo(1);
            JsonNode after = job(platform);
            assertThat(cost(after)).isEqualByComparingTo(expected(after, "15", "60"));
            // The edge is not restarted on reload: GET /v1/models reads the configuration in use.
            assertThat(ownedBy(platform, "gpt-4o-mini")).isEqualTo("reloaded");

            // A deployment on a provider that does not exist: refused, the reason names the key, the price above stays.
            String applied = status.path("version").asText();
            Files.writeString(file, Files.readString(file).replace("- { id: openai-gpt-4o, provider: openai,",
                    "- { id: openai-gpt-4o, provider: nobody,"));
            status = send(platform, "POST", "/v1/admin/config/reload", 422);
            assertThat(status.path("version").asText()).isEqualTo(applied);
            assertThat(status.path("rejected").path("problems").toString()).contains("deployments[1].provider");
            JsonNode still = job(platform);
            assertThat(cost(still)).isEqualByComparingTo(expected(still, "15", "60"));
            assertThat(send(platform, "GET", "/v1/admin/config", 422).path("reloads").asLong()).isEqualTo(1);
        }
    }

    /** The owner {@code GET /v1/models} shows for {@code model}. */
    private static String ownedBy(Platform platform, String model) throws Exception {
        for (JsonNode m : send(platform, "GET", "/v1/models", 200).path("data")) {
            if (m.path("id").asText().equals(model)) {
                return m.path("owned_by").asText();
            }
        }
        throw new AssertionError(model + " is not in GET /v1/models");
    }

    /** A chat job through the synchronous endpoint, then its record. */
    private static JsonNode job(Platform platform) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(platform.apiBaseUrl() + "/v1/chat/completions"))
                .header("content-type", "application/json").timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"gpt-4o-mini\",\"max_tokens\":32,\"messages\":[{\"role\":\"user\",\"content\":\"Price me\"}]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        String id = response.headers().firstValue("x-railyard-job-id").orElseThrow();
        // The answer comes with the result; the job's cost is written when the ledger has it.
        for (int i = 0; i < 600; i++) {
            JsonNode job = send(platform, "GET", "/v1/jobs/" + id, 200);
            if (job.hasNonNull("cost")) {
                return job;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("job " + id + " has no cost after 30 s");
    }

    private static BigDecimal cost(JsonNode job) {
        return new BigDecimal(job.path("cost").asText());
    }

    private static BigDecimal expected(JsonNode job, String inputPerMillion, String outputPerMillion) {
        JsonNode usage = job.path("usage");
        assertThat(usage.path("prompt_tokens").asLong()).isPositive();
        return BigDecimal.valueOf(usage.path("prompt_tokens").asLong()).multiply(new BigDecimal(inputPerMillion))
                .add(BigDecimal.valueOf(usage.path("completion_tokens").asLong()).multiply(new BigDecimal(outputPerMillion)))
                .divide(MILLION);
    }

    private static JsonNode send(Platform platform, String method, String path, int status) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(platform.apiBaseUrl() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isEqualTo(status);
        return E2e.JSON.readTree(response.body());
    }
}
