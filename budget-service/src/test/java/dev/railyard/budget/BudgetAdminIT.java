package dev.railyard.budget;

import static dev.railyard.budget.BudgetRig.call;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.railyard.budget.admin.BudgetRoutes;
import dev.railyard.config.BudgetPeriod;
import dev.railyard.config.BudgetSpec;
import dev.railyard.config.ConfigLoader;
import dev.railyard.config.RailyardConfig;
import dev.railyard.infra.testing.SharedInfrastructure;
import dev.railyard.kafka.KafkaClients;
import dev.railyard.kafka.TopicSetup;
import dev.railyard.schema.event.BudgetState;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The admin API end to end: PostgreSQL, the budget state topic, HTTP. */
@ExtendWith(SharedInfrastructure.class)
class BudgetAdminIT {
    static final String CONFIGURED = "cfg-" + UUID.randomUUID().toString().substring(0, 8);
    static Vertx vertx;
    static BudgetService service;
    static StateProbe probe;
    static String base;

    @BeforeAll
    static void start(SharedInfrastructure.Servers servers) throws Exception {
        RailyardConfig config = new ConfigLoader(Map.of()).loadDefault().withBudgets(List.of(new BudgetSpec(CONFIGURED,
                BudgetSpec.Scope.GLOBAL, null, BudgetPeriod.MONTHLY, new BigDecimal("100.00"), BudgetSpec.Action.WARN)));
        KafkaClients clients = new KafkaClients(servers.bootstrapServers());
        new TopicSetup(clients, 4, (short) 1).ensure(config.providers().keySet());
        vertx = Vertx.vertx();
        service = new BudgetService(config, clients, servers.dataSource(), vertx,
                BudgetSettings.defaults().withConsumerGroup("admin-it-" + UUID.randomUUID()));
        service.start();
        Router router = Router.router(vertx);
        new BudgetRoutes(service::admin, vertx).install(router);
        HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0).toCompletionStage().toCompletableFuture().get();
        base = "http://127.0.0.1:" + server.actualPort() + "/v1/budgets";
        probe = new StateProbe(clients);
    }

    @AfterAll
    static void stop() throws Exception {
        probe.close();
        service.close();
        vertx.close().toCompletionStage().toCompletableFuture().get();
    }

    static JsonNode listed(String id) throws Exception {
        BudgetRig.Reply list = call("GET", base, null);
        assertThat(list.status()).isEqualTo(200);
        return StreamSupport.stream(list.body().path("data").spliterator(), false)
                .filter(b -> b.path("id").asText().equals(id)).findFirst().orElse(null);
    }

    @Test
    void creates_reads_changes_and_deletes_an_api_budget_publishing_each_change() throws Exception {
        String id = "api-" + UUID.randomUUID();
        BudgetRig.Reply created = call("POST", base, "{'id':'" + id + "','scope':'tenant','tenant':'acme','period':'daily',"
                + "'limit_usd':'2.50','action':'reject','alert_at':[50,90],'alert_webhook':'https://hooks.example/b'}");
        assertThat(created.status()).isEqualTo(201);
        JsonNode b = created.body();
        assertThat(b.path("id").asText()).isEqualTo(id);
        assertThat(b.path("source").asText()).isEqualTo("api");
        assertThat(b.path("scope").asText()).isEqualTo("tenant");
        assertThat(b.path("scope_value").asText()).isEqualTo("acme");
        assertThat(b.path("period").asText()).isEqualTo("daily");
        assertThat(b.path("action").asText()).isEqualTo("reject");
        assertThat(new BigDecimal(b.path("limit").asText())).isEqualByComparingTo("2.5");
        assertThat(new BigDecimal(b.path("spent").asText())).isZero();
        assertThat(new BigDecimal(b.path("remaining").asText())).isEqualByComparingTo("2.5");
        assertThat(b.path("alert_at").toString()).isEqualTo("[50,90]");
        assertThat(b.path("alert_webhook").asText()).isEqualTo("https://hooks.example/b");
        assertThat(b.path("alerts_fired").toString()).isEqualTo("[]");
        assertThat(b.path("resets_at").isTextual()).isTrue();

        // Acknowledged before the answer: the record is already on the topic.
        BudgetState state = probe.awaitLatest(id, s -> s != null);
        assertThat(state.budgetId()).isEqualTo(id);
        assertThat(state.source()).isEqualTo("api");
        assertThat(state.scope()).isEqualTo("tenant");
        assertThat(state.scopeValue()).isEqualTo("acme");
        assertThat(state.period()).isEqualTo("daily");
        assertThat(state.action()).isEqualTo("reject");
        assertThat(state.limitUsd()).isEqualByComparingTo("2.5");
        assertThat(state.alertAt()).containsExactly(50, 90);
        assertThat(state.alertWebhook()).isEqualTo("https://hooks.example/b");
        assertThat(state.spent()).isZero();
        assertThat(state.resetsAt()).isEqualTo(state.windowStart().plusSeconds(86_400));

        assertThat(listed(id)).isNotNull();
        assertThat(listed(id).path("source").asText()).isEqualTo("api");
        assertThat(listed(CONFIGURED).path("source").asText()).isEqualTo("config");
        assertThat(call("GET", base + "/" + id, null).body().path("limit").asText()).isEqualTo(b.path("limit").asText());

        BudgetRig.Reply again = call("POST", base, "{'id':'" + id + "','scope':'global','period':'total','limit_usd':1,'action':'warn'}");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.error().path("code").asText()).isEqualTo("budget_exists");
        assertThat(again.error().path("param").asText()).isEqualTo("id");

        BudgetRig.Reply patched = call("PATCH", base + "/" + id, "{'limit_usd':3,'action':'defer'}");
        assertThat(patched.status()).isEqualTo(200);
        assertThat(new BigDecimal(patched.body().path("limit").asText())).isEqualByComparingTo("3");
        assertThat(patched.body().path("action").asText()).isEqualTo("defer");
        assertThat(patched.body().path("alert_at").toString()).isEqualTo("[50,90]");
        BudgetState changed = probe.awaitLatest(id, s -> s != null && s.limitUsd().compareTo(new BigDecimal("3")) == 0);
        assertThat(changed.action()).isEqualTo("defer");

        BudgetRig.Reply refused = call("PATCH", base + "/" + id, "{'limit_usd':'-1'}");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.error().path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(refused.error().path("param").asText()).isEqualTo("limit_usd");
        BudgetRig.Reply immutable = call("PATCH", base + "/" + id, "{'scope':'global'}");
        assertThat(immutable.status()).isEqualTo(400);
        assertThat(immutable.error().path("param").asText()).isEqualTo("scope");
        assertThat(new BigDecimal(call("GET", base + "/" + id, null).body().path("limit").asText())).isEqualByComparingTo("3");

        BudgetRig.Reply deleted = call("DELETE", base + "/" + id, null);
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.body().path("deleted").asBoolean()).isTrue();
        probe.awaitLatest(id, s -> s == null); // tombstone
        assertThat(probe.all(id).getLast()).isNull();
        BudgetRig.Reply gone = call("GET", base + "/" + id, null);
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.error().path("code").asText()).isEqualTo("budget_not_found");
        assertThat(call("DELETE", base + "/" + id, null).status()).isEqualTo(404);
        assertThat(call("PATCH", base + "/" + id, "{'limit_usd':1}").status()).isEqualTo(404);
        assertThat(listed(id)).isNull();
    }

    @Test
    void a_budget_from_railyard_yaml_is_read_only_through_the_api() throws Exception {
        BudgetRig.Reply delete = call("DELETE", base + "/" + CONFIGURED, null);
        assertThat(delete.status()).isEqualTo(409);
        assertThat(delete.error().path("code").asText()).isEqualTo("budget_defined_in_config");
        BudgetRig.Reply patch = call("PATCH", base + "/" + CONFIGURED, "{'limit_usd':1}");
        assertThat(patch.status()).isEqualTo(409);
        assertThat(patch.error().path("code").asText()).isEqualTo("budget_defined_in_config");
        BudgetRig.Reply create = call("POST", base, "{'id':'" + CONFIGURED + "','scope':'global','period':'total','limit_usd':1,'action':'warn'}");
        assertThat(create.status()).isEqualTo(409);
        assertThat(create.error().path("code").asText()).isEqualTo("budget_exists");

        JsonNode b = call("GET", base + "/" + CONFIGURED, null).body();
        assertThat(b.path("source").asText()).isEqualTo("config");
        assertThat(b.path("limit").asText()).isEqualTo("100.00");
        assertThat(b.path("alert_at").toString()).isEqualTo("[50,80,100]");
        // Published at start, unchanged by the refused calls.
        BudgetState state = probe.awaitLatest(CONFIGURED, s -> s != null);
        assertThat(state.source()).isEqualTo("config");
        assertThat(state.limitUsd()).isEqualByComparingTo("100");
    }

    @Test
    void an_invalid_field_is_refused_with_its_name_and_nothing_is_created() throws Exception {
        String id = "bad-" + UUID.randomUUID();
        Map<String, String> bodies = Map.of(
                "period", "{'id':'" + id + "','scope':'global','limit_usd':1,'action':'warn'}",
                "limit_usd", "{'id':'" + id + "','scope':'global','period':'daily','limit_usd':'1,5','action':'warn'}",
                "tenant", "{'id':'" + id + "','scope':'tenant','period':'daily','limit_usd':1,'action':'warn'}",
                "alert_at", "{'id':'" + id + "','scope':'global','period':'daily','limit_usd':1,'action':'warn','alert_at':[90,50]}",
                "action", "{'id':'" + id + "','scope':'global','period':'daily','limit_usd':1,'action':'stop'}");
        for (Map.Entry<String, String> e : bodies.entrySet()) {
            BudgetRig.Reply r = call("POST", base, e.getValue());
            assertThat(r.status()).as(e.getKey()).isEqualTo(400);
            assertThat(r.error().path("code").asText()).isEqualTo("invalid_value");
            assertThat(r.error().path("param").asText()).isEqualTo(e.getKey());
            assertThat(r.error().path("message").asText()).startsWith(e.getKey());
        }
        assertThat(call("GET", base + "/" + id, null).status()).isEqualTo(404);
        assertThat(probe.all(id)).isEmpty();
    }
}
