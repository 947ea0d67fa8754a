package dev.railyard.provider;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.railyard.schema.EventCodec;
import dev.railyard.schema.event.Attempt;
import dev.railyard.schema.event.JobSubmitted;
import dev.railyard.schema.event.Usage;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UsageEstimateTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final EventCodec CODEC = new EventCodec();

    static JobSubmitted embedding(String jobId, String model, String input) {
        return new JobSubmitted(1, "e-" + jobId, jobId, Instant.now(), "tenant-a", null, null, 0, "/v1/embeddings", model,
                JSON.createObjectNode().put("model", model).put("input", input), null, null, Map.of(), null);
    }

    private static ProviderResponse answer(String body, Usage usage) throws Exception {
        return new ProviderResponse(200, JSON.readTree(body), usage, "req-1", 12, 5L);
    }

    @Test
    void an_embedding_answer_without_usage_gets_the_routers_prompt_estimate_and_no_output() throws Exception {
        ProviderResponse none = answer("{\"object\":\"list\",\"data\":[]}", Usage.NONE);

        ProviderResponse filled = UsageEstimate.filled(none, embedding("j1", "gemini-embedding-001", "hello"), 10);

        assertThat(filled.usage()).isEqualTo(new Usage(10, 0, 0, true));
        assertThat(filled.usage().estimated()).isTrue();
        assertThat(filled.body()).isSameAs(none.body());
        assertThat(filled.timeToFirstTokenMs()).isEqualTo(5L);
    }

    @Test
    void reported_usage_is_kept_as_reported() throws Exception {
        ProviderResponse reported = answer("{}", new Usage(7, 3, 0));

        assertThat(UsageEstimate.filled(reported, Jobs.chat("j2", "gpt-4o-mini", "hi"), 10)).isSameAs(reported);
    }

    @Test
    void a_chat_answer_without_usage_estimates_its_output_from_the_text_and_tool_calls() throws Exception {
        ProviderResponse none = answer("""
                {"choices":[{"message":{"content":"twelve chars","tool_calls":[{"function":{"name":"f","arguments":"{}x"}}]}},
                            {"message":{"content":"abcd"}}]}""", null);

        // 12 + 1 + 3 + 4 = 20 characters, ~4 a token
        assertThat(UsageEstimate.filled(none, Jobs.chat("j3", "gpt-4o-mini", "hi"), 9).usage()).isEqualTo(Usage.estimate(9, 5));
    }

    @Test
    void without_a_router_estimate_the_prompt_is_about_four_characters_a_token_of_the_request() throws Exception {
        JobSubmitted job = embedding("j4", "gemini-embedding-001", "x".repeat(100));
        long chars = job.body().toString().length();

        Usage usage = UsageEstimate.filled(answer("{}", Usage.NONE), job, 0).usage();

        assertThat(usage).isEqualTo(Usage.estimate((chars + 3) / 4, 0));
    }

    @Test
    void the_estimated_flag_travels_in_json_and_is_absent_and_false_for_reported_usage() throws Exception {
        Attempt estimated = new Attempt("j:1:1", "d", "gemini", "gemini-embedding-001", 1, 1, Instant.EPOCH, 5, 200,
                Usage.estimate(10, 0), new BigDecimal("0.0000015"), true, null);
        JsonNode json = CODEC.mapper().readTree(CODEC.encode(estimated));
        assertThat(json.path("usage").path("estimated").asBoolean()).isTrue();
        assertThat(CODEC.decode(CODEC.encode(estimated), Attempt.class).usage()).isEqualTo(Usage.estimate(10, 0));

        String reported = new String(CODEC.encode(new Usage(1, 2, 0)));
        assertThat(reported).doesNotContain("estimated");
        // a record written before the field existed reads as reported usage
        assertThat(CODEC.decode("{\"prompt_tokens\":4,\"completion_tokens\":2,\"cached_prompt_tokens\":0}".getBytes(), Usage.class))
                .isEqualTo(new Usage(4, 2, 0));
    }
}
