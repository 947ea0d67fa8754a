package dev.railyard.api.webhooks;

import static dev.railyard.api.EdgeRig.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.railyard.api.EdgeRig;
import dev.railyard.infra.testing.SharedInfrastructure;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * With the default settings (private targets refused), callback URLs reaching this machine are refused after DNS
 * resolution: the attempt is logged with the reason, nothing is sent and nothing is retried. Only loopback targets
 * are used here, so a guard that failed would still send nothing off this machine; the other internal ranges are
 * covered address by address in {@link TargetGuardTest}.
 */
@ExtendWith(SharedInfrastructure.class)
class WebhookGuardIT {
    private static EdgeRig rig;
    private static HookReceiver receiver;

    @BeforeAll
    static void start(SharedInfrastructure.Servers servers) throws Exception {
        rig = EdgeRig.start(servers, EdgeRig.settings().withWebhooks(WebhookSettings.defaults().withPoll(Duration.ofMillis(50))),
                List.of());
        receiver = new HookReceiver(rig.vertx);
    }

    @AfterAll
    static void stop() throws Exception {
        if (receiver != null) {
            receiver.close();
        }
        if (rig != null) {
            rig.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "localhost", "[::1]"})
    void a_callback_to_this_machine_is_refused_logged_and_not_retried(String host) throws Exception {
        String hook = "guarded-" + UUID.randomUUID();
        String url = "http://" + host + ":" + receiver.port() + "/hooks/" + hook;
        String job = "job_" + UUID.randomUUID().toString().replace("-", "");
        String eventId = "evt_" + job + "_succeeded";
        rig.update("insert into jobs (id, tenant, endpoint, model, state, callback_url, finished_at) "
                + "values (?, 'default', '/v1/chat/completions', 'gpt-4o-mini', 'succeeded', ?, now())", job, url);
        rig.update("insert into webhook_events (id, tenant, type, subject_id, url, payload, next_attempt_at) "
                + "values (?, 'default', 'job.succeeded', ?, ?, '{}', now())", eventId, job, url);

        JsonNode event = WebhookDeliveryIT.awaitEvent(() -> {
            HttpResponse<String> r = rig.get("/v1/webhooks/events/" + eventId, null);
            return r.statusCode() == 200 ? json(r) : null;
        }, "failed", eventId);

        assertThat(event.get("attempts")).hasSize(1);
        assertThat(event.at("/attempts/0/error").asText()).startsWith("refused: ").contains("loopback")
                .contains("private targets are not allowed");
        assertThat(event.at("/attempts/0/http_status").isMissingNode()).isTrue();
        assertThat(event.has("next_attempt_at")).as("not retried").isFalse();
        assertThat(receiver.to(hook)).isEmpty();
    }
}
