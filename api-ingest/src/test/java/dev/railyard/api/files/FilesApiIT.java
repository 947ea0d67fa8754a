package dev.railyard.api.files;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.railyard.api.ApiIngest;
import dev.railyard.api.ApiSettings;
import dev.railyard.config.ConfigLoader;
import dev.railyard.config.RailyardConfig;
import dev.railyard.infra.testing.SharedInfrastructure;
import dev.railyard.kafka.KafkaClients;
import dev.railyard.kafka.TopicSetup;
import dev.railyard.schema.db.CancelledBatches;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The Files API and batches made from files, over HTTP against the real database and broker. */
@ExtendWith(SharedInfrastructure.class)
class FilesApiIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final String BOUNDARY = "----railyard-boundary";
    private static final int SMALL_LIMIT = 4096;

    private static Vertx vertx;
    private static ApiIngest api;
    private static ApiIngest small;
    private static DataSource db;
    private static String base;
    private static String smallBase;

    @BeforeAll
    static void start(SharedInfrastructure.Servers servers) throws Exception {
        RailyardConfig config = new ConfigLoader(Map.of()).loadDefault();
        KafkaClients clients = new KafkaClients(servers.bootstrapServers());
        new TopicSetup(clients, 4, (short) 1).ensure(config.providers().keySet());
        db = servers.dataSource();
        vertx = Vertx.vertx();
        api = new ApiIngest(new ApiSettings("127.0.0.1", 0, ApiSettings.DEFAULT_MAX_BODY_BYTES), config, clients, db, vertx, List.of());
        base = "http://127.0.0.1:" + api.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        small = new ApiIngest(new ApiSettings("127.0.0.1", 0, SMALL_LIMIT), config, clients, db, vertx, List.of());
        smallBase = "http://127.0.0.1:" + small.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        if (api != null) {
            api.close();
        }
        if (small != null) {
            small.close();
        }
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void stores_a_file_part_with_or_without_a_filename_byte_for_byte() throws Exception {
        byte[] content = "{\"a\":1}\r\n\u00e9\r\n--not-a-boundary\r\n".getBytes(StandardCharsets.UTF_8);
        byte[] binary = new byte[3 * FileStore.CHUNK_BYTES + 17]; // more than one stored chunk, every byte value
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) (i * 31);
        }

        JsonNode unnamed = ok(upload(base, form(field("purpose", "batch"), file(null, content))));
        JsonNode named = ok(upload(base, form(file("filename*=UTF-8''r%C3%A9sum%C3%A9.bin", binary), field("purpose", "user_data"))));
        JsonNode pathy = ok(upload(base, form(field("purpose", "batch"), file("filename=\"C:\\\\tmp\\\\in.jsonl\"", content))));

        assertThat(unnamed.get("filename").asText()).isEqualTo("upload.jsonl");
        assertThat(unnamed.get("bytes").asLong()).isEqualTo(content.length);
        assertThat(unnamed.get("status").asText()).isEqualTo("processed");
        assertThat(unnamed.get("object").asText()).isEqualTo("file");
        assertThat(unnamed.has("expires_at")).isFalse();
        assertThat(named.get("filename").asText()).isEqualTo("résumé.bin");
        assertThat(named.get("purpose").asText()).isEqualTo("user_data");
        assertThat(pathy.get("filename").asText()).isEqualTo("in.jsonl");
        assertThat(content(unnamed.get("id").asText())).isEqualTo(content);
        assertThat(content(named.get("id").asText())).isEqualTo(binary);
    }

    @Test
    void refuses_uploads_naming_the_field_at_fault() throws Exception {
        byte[] content = "{}\n".getBytes(StandardCharsets.UTF_8);
        assertError(upload(base, form(file(null, content))), 400, "purpose");
        assertError(upload(base, form(field("purpose", "fine-tune"), file(null, content))), 400, "purpose");
        assertError(upload(base, form(field("purpose", "batch"))), 400, "file");
        HttpResponse<String> notMultipart = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/files"))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(notMultipart.statusCode()).isEqualTo(415);
        byte[] unclosed = ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(upload(base, unclosed).statusCode()).isEqualTo(400);
    }

    @Test
    void a_file_over_the_limit_is_a_413_and_nothing_is_stored() throws Exception {
        long before = count("select count(*) from files");
        HttpResponse<String> response = upload(smallBase, form(field("purpose", "batch"), file(null, new byte[SMALL_LIMIT + 1])));

        assertError(response, 413, "file");
        assertThat(JSON.readTree(response.body()).get("error").get("message").asText()).contains(Integer.toString(SMALL_LIMIT));
        assertThat(count("select count(*) from files")).isEqualTo(before);
        ok(upload(smallBase, form(field("purpose", "batch"), file(null, new byte[SMALL_LIMIT]))));
    }

    @Test
    void another_tenants_file_is_not_found() throws Exception {
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("insert into files (id, tenant, purpose, filename, bytes, created_at)"
                     + " values ('file-elsewhere', 'other-tenant', 'batch', 'x.jsonl', 0, now()) on conflict do nothing")) {
            ps.executeUpdate();
        }
        assertThat(get("/v1/files/file-elsewhere").statusCode()).isEqualTo(404);
        assertThat(get("/v1/files/file-elsewhere/content").statusCode()).isEqualTo(404);
        assertThat(HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/files/file-elsewhere")).DELETE().build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(get("/v1/files?limit=10000").body()).get("data")).noneMatch(f -> f.get("id").asText().equals("file-elsewhere"));
        assertError(createBatch("{\"input_file_id\":\"file-elsewhere\",\"endpoint\":\"/v1/chat/completions\",\"completion_window\":\"24h\"}"),
                400, "input_file_id");
    }

    @Test
    void refuses_batch_requests_naming_the_field_at_fault() throws Exception {
        String fileId = uploadJsonl(lines(2));
        String userData = ok(upload(base, form(field("purpose", "user_data"), file(null, lines(1).getBytes(StandardCharsets.UTF_8)))))
                .get("id").asText();
        assertError(createBatch("{\"endpoint\":\"/v1/chat/completions\",\"completion_window\":\"24h\"}"), 400, "input_file_id");
        assertError(createBatch("{\"input_file_id\":\"file-nope\",\"endpoint\":\"/v1/chat/completions\",\"completion_window\":\"24h\"}"),
                400, "input_file_id");
        assertError(createBatch("{\"input_file_id\":\"" + userData + "\",\"endpoint\":\"/v1/chat/completions\",\"completion_window\":\"24h\"}"),
                400, "input_file_id");
        assertError(createBatch("{\"input_file_id\":\"" + fileId + "\",\"endpoint\":\"/v1/completions\",\"completion_window\":\"24h\"}"),
                400, "endpoint");
        assertError(createBatch("{\"input_file_id\":\"" + fileId + "\",\"endpoint\":\"/v1/chat/completions\",\"completion_window\":\"48h\"}"),
                400, "completion_window");
        assertError(createBatch("{\"input_file_id\":\"" + fileId + "\",\"endpoint\":\"/v1/chat/completions\",\"completion_window\":\"24h\","
                + "\"metadata\":{\"n\":1}}"), 400, "metadata.n");
        assertError(createBatch("{\"input_file_id\":\"" + uploadJsonl("") + "\",\"endpoint\":\"/v1/chat/completions\",\"completion_window\":\"24h\"}"),
                400, "input_file_id");

        HttpResponse<String> tooMany = createBatch("{\"input_file_id\":\"" + uploadJsonl(lines(50_001)) + "\","
                + "\"endpoint\":\"/v1/chat/completions\",\"completion_window\":\"24h\"}");
        assertError(tooMany, 400, "input_file_id");
        JsonNode error = JSON.readTree(tooMany.body()).get("error");
        assertThat(error.get("code").asText()).isEqualTo("too_many_requests_in_batch");
        assertThat(error.get("message").asText()).contains("50000");
    }

    @Test
    void a_cancelled_batch_is_cancelling_until_every_job_ended_then_cancelled_with_its_files() throws Exception {
        String fileId = uploadJsonl(lines(3));
        JsonNode created = ok(createBatch("{\"input_file_id\":\"" + fileId + "\",\"endpoint\":\"/v1/chat/completions\","
                + "\"completion_window\":\"24h\",\"metadata\":{\"team\":\"search\"}}"));
        String batchId = created.get("id").asText();
        assertThat(created.get("input_file_id").asText()).isEqualTo(fileId);
        assertThat(created.get("metadata").get("team").asText()).isEqualTo("search");

        try (CancelledBatches cancelled = new CancelledBatches(db, Duration.ofMillis(50)).start()) {
            JsonNode cancelling = ok(post("/v1/batches/" + batchId + "/cancel"));
            assertThat(cancelling.get("status").asText()).isEqualTo("cancelling");
            assertThat(cancelling.get("cancelling_at").asLong()).isPositive();
            assertThat(cancelling.has("cancelled_at")).isFalse();
            awaitTrue(() -> cancelled.cancelled(batchId), "the router and workers see the cancel");

            // What the pipeline does: the started job finishes, the others end cancelled.
            update("update jobs set state = 'succeeded', finished_at = now(), response = '{\"id\":\"x\"}'"
                   + " where batch_id = ? and custom_id = 'r1'", batchId);
            assertThat(status(batchId)).isEqualTo("cancelling");
            update("update jobs set state = 'cancelled', finished_at = now() where batch_id = ? and state = 'queued'", batchId);

            awaitTrue(() -> "cancelled".equals(status(batchId)), "cancelled once every job ended");
            JsonNode batch = JSON.readTree(get("/v1/batches/" + batchId).body());
            assertThat(batch.get("cancelled_at").asLong()).isPositive();
            assertThat(batch.has("completed_at")).isFalse();
            assertThat(batch.get("request_counts")).isEqualTo(JSON.readTree("{\"total\":3,\"completed\":1,\"failed\":2}"));
            assertThat(new String(content(batch.get("output_file_id").asText()), StandardCharsets.UTF_8).lines()).hasSize(1);
            List<String> errors = new String(content(batch.get("error_file_id").asText()), StandardCharsets.UTF_8).lines().toList();
            assertThat(errors).hasSize(2).allSatisfy(l -> assertThat(JSON.readTree(l).get("error").get("code").asText()).isEqualTo("cancelled"));
            JsonNode outputFile = JSON.readTree(get("/v1/files/" + batch.get("output_file_id").asText()).body());
            assertThat(outputFile.get("purpose").asText()).isEqualTo("batch_output");
            awaitTrue(() -> !cancelled.cancelled(batchId), "a finished batch leaves the set");
        }
        assertError(post("/v1/batches/" + batchId + "/cancel"), 409, null);
        assertThat(post("/v1/batches/batch_unknown/cancel").statusCode()).isEqualTo(404);
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private static String lines(int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= n; i++) {
            sb.append("{\"custom_id\":\"r").append(i).append("\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":")
                    .append("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"q\"}]}}\n");
        }
        return sb.toString();
    }

    private static String uploadJsonl(String jsonl) throws Exception {
        return ok(upload(base, form(field("purpose", "batch"), file("filename=\"in.jsonl\"", jsonl.getBytes(StandardCharsets.UTF_8)))))
                .get("id").asText();
    }

    private static byte[] field(String name, String value) {
        return ("Content-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value).getBytes(StandardCharsets.UTF_8);
    }

    /** A file part; {@code filenameParam} is the Content-Disposition parameter (e.g. {@code filename="a.jsonl"}) or null. */
    private static byte[] file(String filenameParam, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("Content-Disposition: form-data; name=\"file\"" + (filenameParam == null ? "" : "; " + filenameParam)
                + "\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static byte[] form(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(("--" + BOUNDARY + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.writeBytes(part);
            out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static HttpResponse<String> upload(String to, byte[] body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(to + "/v1/files"))
                .header("content-type", "multipart/form-data; boundary=" + BOUNDARY).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> createBatch(String json) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/batches")).header("content-type", "application/json")
                .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static byte[] content(String fileId) throws Exception {
        HttpResponse<byte[]> response = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/files/" + fileId + "/content")).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    private static String status(String batchId) {
        try {
            return JSON.readTree(get("/v1/batches/" + batchId).body()).get("status").asText();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode ok(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static void assertError(HttpResponse<String> response, int status, String param) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode error = JSON.readTree(response.body()).get("error");
        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
        if (param == null) {
            assertThat(error.get("param").isNull()).isTrue();
        } else {
            assertThat(error.get("param").asText()).isEqualTo(param);
        }
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(condition.getAsBoolean()).as(what).isTrue();
    }

    private static long count(String sql) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql); var rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void update(String sql, String param) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, param);
            assertThat(ps.executeUpdate()).as(sql).isPositive();
        }
    }
}
