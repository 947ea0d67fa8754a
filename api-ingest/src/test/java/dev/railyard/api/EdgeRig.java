package dev.railyard.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import dev.railyard.config.ConfigLoader;
import dev.railyard.config.RailyardConfig;
import dev.railyard.infra.Database;
import dev.railyard.infra.testing.SharedInfrastructure;
import dev.railyard.kafka.KafkaClients;
import dev.railyard.kafka.TopicSetup;
import dev.railyard.schema.db.Migrations;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * An api-ingest on a database of its own, created for the test class on the shared PostgreSQL server: API keys made
 * here must not end the open API that every other test class (and module) relies on. Kafka is the shared broker.
 */
public final class EdgeRig implements AutoCloseable {
    public static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    public final HikariDataSource db;
    public final KafkaClients clients;
    public final Vertx vertx;
    public final ApiIngest api;
    public final String base;

    private EdgeRig(HikariDataSource db, KafkaClients clients, Vertx vertx, ApiIngest api, String base) {
        this.db = db;
        this.clients = clients;
        this.vertx = vertx;
        this.api = api;
        this.base = base;
    }

    public static EdgeRig start(SharedInfrastructure.Servers servers, ApiSettings settings, List<Consumer<Router>> extraRoutes) throws Exception {
        String name = "edge_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = servers.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("create database " + name);
        }
        String url = servers.jdbcUrl().replaceFirst("^(jdbc:postgresql://[^/]+/)[^?]*", "$1" + name);
        HikariDataSource db = Database.pool(url, servers.dbUser(), servers.dbPassword(), 8, name);
        new Migrations(db).migrate();
        RailyardConfig config = new ConfigLoader(Map.of()).loadDefault();
        KafkaClients clients = new KafkaClients(servers.bootstrapServers());
        new TopicSetup(clients, 4, (short) 1).ensure(config.providers().keySet());
        Vertx vertx = Vertx.vertx();
        ApiIngest api = new ApiIngest(settings, config, clients, db, vertx, extraRoutes);
        int port = api.start().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        return new EdgeRig(db, clients, vertx, api, "http://127.0.0.1:" + port);
    }

    public static ApiSettings settings() {
        return new ApiSettings("127.0.0.1", 0, ApiSettings.DEFAULT_MAX_BODY_BYTES);
    }

    // ---- HTTP ---------------------------------------------------------------------------------------------------

    public HttpRequest.Builder request(String path, String key) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return b;
    }

    public HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    public CompletableFuture<HttpResponse<String>> sendAsync(HttpRequest.Builder request) {
        return HTTP.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> get(String path, String key) throws Exception {
        return send(request(path, key).GET());
    }

    public HttpResponse<String> delete(String path, String key) throws Exception {
        return send(request(path, key).DELETE());
    }

    public HttpResponse<String> post(String path, String key, String contentType, String body) throws Exception {
        return send(request(path, key).header("content-type", contentType).POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /**
     * {@code POST /v1/files} as a multipart form (purpose batch); the boundary differs per call, as clients' do.
     *
     * @param idempotencyKey sent as {@code Idempotency-Key}, or null
     */
    public HttpResponse<String> upload(String key, String idempotencyKey, String filename, String content) throws Exception {
        String boundary = "rig-" + UUID.randomUUID();
        String form = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename + "\"\r\n"
                + "Content-Type: application/jsonl\r\n\r\n" + content + "\r\n--" + boundary + "--\r\n";
        HttpRequest.Builder request = request("/v1/files", key).header("content-type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(form));
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        return send(request);
    }

    /** Creates a key through the admin API; returns the answer (with the one-time {@code secret}). */
    public JsonNode createKey(String adminSecret, String tenant, Integer rpm, String... scopes) throws Exception {
        var body = JSON.createObjectNode().put("tenant", tenant).put("name", "test " + tenant);
        var array = body.putArray("scopes");
        for (String s : scopes) {
            array.add(s);
        }
        if (rpm != null) {
            body.put("requests_per_minute", rpm);
        }
        HttpResponse<String> created = post("/v1/admin/keys", adminSecret, "application/json", body.toString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return JSON.readTree(created.body());
    }

    public static JsonNode json(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body());
    }

    public static String errorCode(HttpResponse<String> response) throws Exception {
        return json(response).path("error").path("code").asText();
    }

    // ---- SQL ----------------------------------------------------------------------------------------------------

    public String queryString(String sql, Object... params) throws Exception {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as(sql).isTrue();
                return rs.getString(1);
            }
        }
    }

    public long count(String sql, Object... params) throws Exception {
        return Long.parseLong(queryString(sql, params));
    }

    public void update(String sql, Object... params) throws Exception {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            ps.executeUpdate();
        }
    }

    @Override
    public void close() throws Exception {
        api.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        db.close();
    }
}
