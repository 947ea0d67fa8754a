package dev.railyard.schema;

import static org.assertj.core.api.Assertions.assertThat;

import dev.railyard.schema.event.JobSubmitted;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobSubmittedCodecTest {
    private final EventCodec codec = new EventCodec();

    private JobSubmitted job(String apiKeyId) {
        return new JobSubmitted(1, "e1", "job_1", Instant.parse("2026-03-15T10:00:00Z"), "acme", null, null, 0,
                "/v1/chat/completions", "gpt-4o-mini", codec.tree("{\"model\":\"gpt-4o-mini\"}".getBytes(StandardCharsets.UTF_8)),
                null, null, Map.of("project", "apollo"), null, apiKeyId);
    }

    @Test
    void the_api_key_id_round_trips_as_api_key_id() {
        byte[] bytes = codec.encode(job("key_abc"));
        assertThat(new String(bytes, StandardCharsets.UTF_8)).contains("\"api_key_id\":\"key_abc\"");
        assertThat(codec.decode(bytes, JobSubmitted.class)).isEqualTo(job("key_abc"));
    }

    @Test
    void a_record_without_an_api_key_id_decodes_with_null_and_the_old_constructor_leaves_it_null() {
        String json = "{\"schema_version\":1,\"event_id\":\"e1\",\"job_id\":\"job_1\",\"tenant\":\"acme\",\"line_number\":0,"
                + "\"endpoint\":\"/v1/chat/completions\",\"model\":\"gpt-4o-mini\"}";
        assertThat(codec.decode(json.getBytes(StandardCharsets.UTF_8), JobSubmitted.class).apiKeyId()).isNull();
        JobSubmitted old = new JobSubmitted(1, "e1", "job_1", Instant.EPOCH, "acme", null, null, 0, "/v1/embeddings", "m",
                null, null, null, null, null);
        assertThat(old.apiKeyId()).isNull();
        assertThat(new String(codec.encode(old), StandardCharsets.UTF_8)).doesNotContain("api_key_id");
    }
}
