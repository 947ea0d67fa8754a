package dev.railyard.api.webhooks;

import static dev.railyard.api.EdgeRig.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.railyard.api.EdgeRig;
import dev.railyard.infra.testing.SharedInfrastructure;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** With API keys: the signing secret needs the admin scope; the delivery log is readable with read. */
@ExtendWith(SharedInfrastructure.class)
class WebhookSecretIT {
    private static EdgeRig rig;
    private static String admin;
    private static String reader;

    @BeforeAll
    static void start(SharedInfrastructure.Servers servers) throws Exception {
        rig = EdgeRig.start(servers, EdgeRig.settings(), List.of());
        // The edge's access rules ask every GET for read; the route itself asks for admin on top.
        admin = rig.createKey(null, "ops", null, "admin", "read").get("secret").asText();
        reader = rig.createKey(admin, "tenant-a", null, "read").get("secret").asText();
    }

    @AfterAll
    static void stop() throws Exception {
        if (rig != null) {
            rig.close();
        }
    }

    @Test
    void the_secret_needs_the_admin_scope_and_an_operator_can_read_a_tenants_secret() throws Exception {
        HttpResponse<String> denied = rig.get("/v1/webhooks/secret", reader);
        assertThat(denied.statusCode()).as(denied.body()).isEqualTo(403);
        assertThat(denied.body()).doesNotContain("whsec_");

        HttpResponse<String> first = rig.get("/v1/webhooks/secret?tenant=tenant-a", admin);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(json(first).get("tenant").asText()).isEqualTo("tenant-a");
        String secret = json(first).get("secret").asText();
        assertThat(secret).startsWith("whsec_");
        assertThat(json(rig.get("/v1/webhooks/secret?tenant=tenant-a", admin)).get("secret").asText()).isEqualTo(secret);
        assertThat(json(rig.get("/v1/webhooks/secret?tenant=ops", admin)).get("secret").asText()).isNotEqualTo(secret);
    }

    @Test
    void the_delivery_log_is_readable_with_the_read_scope() throws Exception {
        HttpResponse<String> log = rig.get("/v1/webhooks/events", reader);
        assertThat(log.statusCode()).as(log.body()).isEqualTo(200);
        assertThat(json(log).get("object").asText()).isEqualTo("list");
    }
}
