package dev.railyard.api.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.railyard.schema.EventCodec;
import java.math.BigDecimal;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class JobViewTest {
    private static final Instant CREATED = Instant.parse("2025-01-01T00:00:00Z");
    private final ObjectMapper mapper = new EventCodec().mapper();
    private final JobView view = new JobView(mapper);

    @Test
    void a_queued_job_omits_everything_it_does_not_have_yet() throws Exception {
        JsonNode json = mapper.readTree(mapper.writeValueAsString(view.render(new JobRow("job_1", "queued", "gpt-4o-mini",
                "/v1/chat/completions", null, null, CREATED, null, null, null, null, null, null, 0, null, null, null))));

        assertThat(json.get("id").asText()).isEqualTo("job_1");
        assertThat(json.get("object").asText()).isEqualTo("job");
        assertThat(json.get("status").asText()).isEqualTo("queued");
        assertThat(json.get("created_at").asLong()).isEqualTo(CREATED.getEpochSecond());
        assertThat(json.get("attempts").asInt()).isZero();
        for (String absent : new String[] {"batch_id", "custom_id", "completed_at", "response", "error", "usage", "cost",
                "deployment_id", "metadata", "routing"}) {
            assertThat(json.has(absent)).as(absent).isFalse();
        }
    }

    @Test
    void a_succeeded_job_shows_response_usage_cost_and_deployment() throws Exception {
        Instant finished = CREATED.plusSeconds(3);
        JsonNode json = mapper.readTree(mapper.writeValueAsString(view.render(new JobRow("job_2", "succeeded", "gpt-4o-mini",
                "/v1/chat/completions", "batch_1", "c-1", CREATED, finished, "{\"id\": \"chatcmpl-1\"}", null, 12L, 5L,
                new BigDecimal("0.000004800000"), 2, "openai-gpt-4o-mini", "{\"team\": \"a\"}",
                "{\"deployment_id\": \"openai-gpt-4o-mini\", \"reason\": \"cheapest of 1\"}"))));

        assertThat(json.get("completed_at").asLong()).isEqualTo(finished.getEpochSecond());
        assertThat(json.get("response").get("id").asText()).isEqualTo("chatcmpl-1");
        assertThat(json.get("usage")).isEqualTo(mapper.readTree("{\"prompt_tokens\":12,\"completion_tokens\":5,\"total_tokens\":17}"));
        assertThat(json.get("cost").asText()).isEqualTo("0.0000048");
        assertThat(json.get("attempts").asInt()).isEqualTo(2);
        assertThat(json.get("deployment_id").asText()).isEqualTo("openai-gpt-4o-mini");
        assertThat(json.get("metadata").get("team").asText()).isEqualTo("a");
        assertThat(json.get("routing").get("reason").asText()).isEqualTo("cheapest of 1");
        assertThat(json.get("batch_id").asText()).isEqualTo("batch_1");
        assertThat(json.has("error")).isFalse();
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
            "failed    | {\"type\":\"rate_limited\",\"message\":\"slow down\",\"http_status\":429} | rate_limited",
            "rejected  | {\"type\":\"budget_exceeded\",\"message\":\"over\"}                       | budget_exceeded",
            "expired   | NULL                                                                   | expired",
            "cancelled | NULL                                                                   | cancelled",
    })
    void a_job_that_did_not_succeed_shows_an_error_code_and_message(String state, String errorJson, String code) {
        JsonNode json = view.render(new JobRow("job_3", state, "m", "/v1/embeddings", null, null, CREATED, CREATED, null,
                errorJson, null, null, BigDecimal.ZERO, 1, null, null, null));

        assertThat(json.get("error").get("code").asText()).isEqualTo(code);
        assertThat(json.get("error").get("message").asText()).isNotBlank();
        assertThat(json.get("cost").asText()).isEqualTo("0");
    }
}
