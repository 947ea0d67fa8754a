package dev.railyard.api.auth;

import static dev.railyard.api.EdgeRig.errorCode;
import static dev.railyard.api.EdgeRig.json;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.railyard.api.EdgeRig;
import dev.railyard.infra.testing.SharedInfrastructure;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/** Without any API key the API is open (tenant default, every scope) until the first key is created. */
@ExtendWith(SharedInfrastructure.class)
class OpenModeIT {
    private static final String CHAT = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @Test
    void with_no_key_the_api_is_open_as_the_default_tenant_says_so_at_start_and_closes_with_the_first_key(
            SharedInfrastructure.Servers servers) throws Exception {
        Logger log = (Logger) LoggerFactory.getLogger(EdgeAuth.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        log.addAppender(logged);
        try (EdgeRig rig = EdgeRig.start(servers, EdgeRig.settings(), List.of())) {
            assertThat(logged.list).extracting(ILoggingEvent::getFormattedMessage).contains(EdgeAuth.OPEN_NOTICE);

            HttpResponse<String> job = rig.post("/v1/jobs", null, "application/json", CHAT);
            assertThat(job.statusCode()).as(job.body()).isEqualTo(202);
            assertThat(job.headers().firstValue("x-ratelimit-limit-requests")).as("no key, no per-key limit").isEmpty();
            String jobId = json(job).get("id").asText();
            assertThat(rig.queryString("select tenant from jobs where id = ?", jobId)).isEqualTo("default");
            assertThat(rig.queryString("select coalesce(api_key_id, 'none') from jobs where id = ?", jobId)).isEqualTo("none");
            assertThat(rig.get("/v1/jobs/" + jobId, "sk-an-sdk-placeholder").statusCode())
                    .as("a placeholder key some SDKs insist on is ignored while the API is open").isEqualTo(200);

            HttpResponse<String> notAdmin = rig.post("/v1/admin/keys", null, "application/json", "{\"tenant\":\"t\",\"scopes\":[\"submit\"]}");
            assertThat(notAdmin.statusCode()).isEqualTo(400);
            assertThat(errorCode(notAdmin)).isEqualTo("first_key_needs_admin");
            assertThat(rig.count("select count(*) from api_keys")).isZero();

            String admin = rig.createKey(null, "ops", null, "admin", "read").get("secret").asText();

            assertThat(rig.get("/v1/jobs/" + jobId, null).statusCode()).as("keys are required from now on").isEqualTo(401);
            assertThat(rig.get("/v1/jobs/" + jobId, "sk-an-sdk-placeholder").statusCode()).isEqualTo(401);
            assertThat(rig.post("/v1/admin/keys", null, "application/json", "{\"tenant\":\"t\",\"scopes\":[\"admin\"]}").statusCode())
                    .as("no second bootstrap").isEqualTo(401);
            assertThat(rig.get("/v1/jobs/" + jobId, admin).statusCode()).as("the ops tenant does not see default's job").isEqualTo(404);
            assertThat(rig.get("/v1/models", admin).statusCode()).isEqualTo(200);
        } finally {
            log.detachAppender(logged);
        }
    }

    @Test
    void with_auth_required_and_no_key_only_the_first_key_can_be_created(SharedInfrastructure.Servers servers) throws Exception {
        try (EdgeRig rig = EdgeRig.start(servers, EdgeRig.settings().withAuth(true, 600), List.of())) {
            assertThat(rig.get("/v1/models", null).statusCode()).isEqualTo(401);
            assertThat(rig.post("/v1/jobs", null, "application/json", CHAT).statusCode()).isEqualTo(401);
            assertThat(rig.get("/healthz", null).statusCode()).isEqualTo(200);

            String admin = rig.createKey(null, "ops", null, "admin").get("secret").asText();
            String submitter = rig.createKey(admin, "team", null, "submit").get("secret").asText();

            assertThat(rig.post("/v1/jobs", submitter, "application/json", CHAT).statusCode()).isEqualTo(202);
            assertThat(rig.post("/v1/jobs", null, "application/json", CHAT).statusCode()).isEqualTo(401);
        }
    }
}
