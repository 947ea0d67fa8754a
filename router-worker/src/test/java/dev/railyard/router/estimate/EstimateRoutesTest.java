package dev.railyard.router.estimate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.railyard.config.ConfigLoader;
import dev.railyard.config.RailyardConfig;
import dev.railyard.router.policy.TokenEstimator;
import dev.railyard.schema.validation.JobRequestValidator;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The estimate routes on a real HTTP server, mounted the way the launcher mounts them: after a stand-in for
 * api-ingest's own {@code POST /v1/batches}, which records what reaches it.
 */
class EstimateRoutesTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final RailyardConfig config = new ConfigLoader(Map.of()).loadDefault();
    static final List<String> created = new CopyOnWriteArrayList<>();
    static Vertx vertx;
    static String base;
    final HttpClient http = HttpClient.newHttpClient();

    static final String LINE = "{\"custom_id\":\"a\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"gpt-4o-mini\","
            + "\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}}";
    static final String BAD = "{\"custom_id\":\"b\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"gpt-4o-mini\"}}";

    @BeforeAll
    static void serve() throws Exception {
        vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        // api-ingest mounts its routes first, the launcher's installers after.
        router.post("/v1/batches").handler(BodyHandler.create(false)).handler(ctx -> {
            created.add(ctx.body().asString());
            ctx.response().setStatusCode(200).putHeader("content-type", "application/json").end("{\"object\":\"batch\"}");
        });
        new EstimateRoutes(new BatchEstimate(config, new TokenEstimator(), Map::of, Clock.systemUTC()),
                new EstimateInput(JSON, new JobRequestValidator()), vertx, 1 << 20).install(router);
        HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0).toCompletionStage().toCompletableFuture().get();
        base = "http://127.0.0.1:" + server.actualPort();
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get();
    }

    @BeforeEach
    void clear() {
        created.clear();
    }

    HttpResponse<String> post(String path, String contentType, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("content-type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void a_dry_run_answers_the_estimate_and_creates_no_batch() throws Exception {
        HttpResponse<String> r = post("/v1/batches?dry_run=true", "application/jsonl", LINE + "\n" + BAD + "\n");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.path("object").asText()).isEqualTo("estimate");
        assertThat(body.path("lines").asInt()).isEqualTo(2);
        assertThat(body.path("estimated_lines").asInt()).isEqualTo(1);
        assertThat(body.path("prompt_tokens").asLong()).isEqualTo(1);
        assertThat(body.path("max_output_tokens").asLong()).isEqualTo(10);
        // 1 x 0.15 + 10 x 0.60 per million, at ledger precision
        assertThat(body.path("estimated_cost").asText()).isEqualTo("0.000006150000");
        assertThat(body.path("by_model").get(0).path("deployments").path("openai-gpt-4o-mini").asInt()).isEqualTo(1);
        assertThat(body.path("invalid").get(0).toString()).isEqualTo(
                "{\"line\":2,\"custom_id\":\"b\",\"code\":\"missing_field\",\"param\":\"body.messages\",\"message\":\"messages is required\"}");
        assertThat(created).isEmpty();
    }

    @Test
    void without_dry_run_the_batch_reaches_the_batches_api_with_its_body_unread() throws Exception {
        assertThat(post("/v1/batches", "application/jsonl", LINE).statusCode()).isEqualTo(200);
        assertThat(post("/v1/batches?dry_run=false", "application/jsonl", LINE).body()).isEqualTo("{\"object\":\"batch\"}");
        assertThat(created).containsExactly(LINE, LINE);
    }

    @Test
    void a_dry_run_value_other_than_true_or_false_is_refused_before_anything_is_created() throws Exception {
        HttpResponse<String> r = post("/v1/batches?dry_run=yes", "application/jsonl", LINE);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).path("error").path("param").asText()).isEqualTo("dry_run");
        assertThat(created).isEmpty();
    }

    @Test
    void estimates_take_one_request_or_a_batch_input() throws Exception {
        HttpResponse<String> one = post("/v1/estimates", "application/json",
                "{\"model\":\"text-embedding-3-small\",\"input\":[\"one two\",\"three\"]}");
        assertThat(one.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(one.body());
        assertThat(body.path("endpoint").asText()).isEqualTo("/v1/embeddings");
        assertThat(body.path("prompt_tokens").asLong()).isEqualTo(3);
        assertThat(body.path("max_output_tokens").asLong()).isZero();

        HttpResponse<String> batch = post("/v1/estimates", "application/x-ndjson", LINE + "\n" + LINE.replace("\"a\"", "\"a2\""));
        assertThat(JSON.readTree(batch.body()).path("estimated_cost").asText()).isEqualTo("0.000012300000");
    }

    @Test
    void a_bad_request_is_a_4xx_naming_the_field() throws Exception {
        HttpResponse<String> invalid = post("/v1/estimates", "application/json", "{\"model\":\"gpt-4o\",\"messages\":[]}");
        assertThat(invalid.statusCode()).isEqualTo(400);
        JsonNode error = JSON.readTree(invalid.body()).path("error");
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("param").asText()).isEqualTo("body.messages");

        HttpResponse<String> duplicate = post("/v1/batches?dry_run=true", "application/jsonl", LINE + "\n" + LINE);
        assertThat(duplicate.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(duplicate.body()).path("error").path("code").asText()).isEqualTo("duplicate_custom_id");

        assertThat(post("/v1/batches?dry_run=true", "application/json", LINE).statusCode()).isEqualTo(415);
        assertThat(post("/v1/estimates", "text/csv", "a,b").statusCode()).isEqualTo(415);
        assertThat(created).isEmpty();
    }
}
