package dev.railyard.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.MultipartField;
import com.openai.core.http.HttpResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.models.batches.Batch;
import com.openai.models.batches.BatchCreateParams;
import com.openai.models.batches.BatchListPage;
import com.openai.models.batches.BatchListParams;
import com.openai.models.files.FileCreateParams;
import com.openai.models.files.FileDeleted;
import com.openai.models.files.FileListParams;
import com.openai.models.files.FileObject;
import com.openai.models.files.FilePurpose;
import dev.railyard.infra.testing.SharedInfrastructure;
import dev.railyard.simulator.SimulatorSettings;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Files and Batches API driven by the official OpenAI Java client against a running platform (simulated
 * providers answering after 1 s, 32 calls at a time, so a large batch is still running when it is cancelled), with every response
 * checked strictly against OpenAI's OpenAPI schemas.
 */
@ExtendWith(SharedInfrastructure.class)
class FilesAndBatchesOpenAiIT {
    private static final Duration WAIT = Duration.ofMinutes(3);
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static Platform platform;
    private static OpenAIClient openai;
    private static OpenApiCheck spec;

    @BeforeAll
    static void start(SharedInfrastructure.Servers servers, @TempDir Path dir) {
        Path config = dir.resolve("railyard.yaml");
        try (InputStream in = FilesAndBatchesOpenAiIT.class.getResourceAsStream("/files-batches-railyard.yaml")) {
            Files.write(config, in.readAllBytes());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        platform = Platform.start(PlatformSettings.embedded(dir)
                .withExternal(servers.bootstrapServers(), servers.jdbcUrl(), servers.dbUser(), servers.dbPassword())
                .withConfigFile(config)
                .withSimulator(new SimulatorSettings(0, 1000, 0, 0.0, 10, 2500, 42)));
        openai = OpenAIOkHttpClient.builder()
                .baseUrl(platform.apiBaseUrl() + "/v1")
                .apiKey("not-checked")
                .responseValidation(true) // the client itself refuses a response missing a required field
                .maxRetries(0)
                .build();
        spec = OpenApiCheck.load();
    }

    @AfterAll
    static void stop() {
        if (openai != null) {
            openai.close();
        }
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void uploads_from_bytes_a_path_and_a_named_stream_then_lists_retrieves_downloads_and_deletes(@TempDir Path dir)
            throws Exception {
        byte[] content = jsonl("bytes", 3, List.of()).getBytes(StandardCharsets.UTF_8);
        Path path = dir.resolve("requests.jsonl");
        Files.write(path, jsonl("path", 2, List.of()).getBytes(StandardCharsets.UTF_8));

        FileObject fromBytes = openai.files().create(FileCreateParams.builder().file(content).purpose(FilePurpose.BATCH).build());
        FileObject fromPath = openai.files().create(FileCreateParams.builder().file(path).purpose(FilePurpose.BATCH).build());
        FileObject named = openai.files().create(FileCreateParams.builder()
                .file(MultipartField.<InputStream>builder().value(new ByteArrayInputStream(content)).filename("named.jsonl").build())
                .purpose(FilePurpose.USER_DATA).build());

        assertThat(fromBytes.id()).startsWith("file-");
        assertThat(fromBytes.bytes()).isEqualTo(content.length);
        assertThat(fromBytes.filename()).isEqualTo("upload.jsonl"); // the part had no filename
        assertThat(fromBytes.purpose()).isEqualTo(FileObject.Purpose.BATCH);
        assertThat(fromPath.filename()).isEqualTo("requests.jsonl");
        assertThat(fromPath.bytes()).isEqualTo(Files.size(path));
        assertThat(named.filename()).isEqualTo("named.jsonl");
        assertThat(named.purpose()).isEqualTo(FileObject.Purpose.USER_DATA);

        FileObject retrieved = openai.files().retrieve(fromPath.id());
        assertThat(retrieved.id()).isEqualTo(fromPath.id());
        assertThat(retrieved.createdAt()).isEqualTo(fromPath.createdAt());
        try (HttpResponse download = openai.files().content(fromBytes.id())) {
            assertThat(download.body().readAllBytes()).isEqualTo(content);
        }

        List<String> batchFiles = openai.files().list(FileListParams.builder().purpose("batch").build())
                .autoPager().stream().map(FileObject::id).toList();
        assertThat(batchFiles).contains(fromBytes.id(), fromPath.id()).doesNotContain(named.id());
        List<String> oldestFirst = openai.files().list(FileListParams.builder().order(FileListParams.Order.ASC).build())
                .autoPager().stream().map(FileObject::id).toList();
        assertThat(oldestFirst.indexOf(fromBytes.id())).isLessThan(oldestFirst.indexOf(fromPath.id()));
        var page = openai.files().list(FileListParams.builder().limit(1).after(named.id()).build());
        assertThat(page.data()).singleElement().extracting(FileObject::id).isEqualTo(fromPath.id());
        assertThat(page.hasMore()).hasValue(true);

        FileDeleted deleted = openai.files().delete(fromBytes.id());
        assertThat(deleted.id()).isEqualTo(fromBytes.id());
        assertThat(deleted.deleted()).isTrue();
        assertThatThrownBy(() -> openai.files().retrieve(fromBytes.id())).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> openai.files().content(fromBytes.id()).close()).isInstanceOf(NotFoundException.class);
    }

    @Test
    void a_batch_from_an_uploaded_file_completes_with_output_and_error_files_and_every_timestamp() throws Exception {
        // Twelve good lines and one whose method is wrong: the bad line is reported, the others run.
        String input = jsonl("ok", 12, List.of("{\"custom_id\":\"bad\",\"method\":\"GET\",\"url\":\"/v1/chat/completions\",\"body\":{}}"));
        FileObject file = openai.files().create(FileCreateParams.builder()
                .file(input.getBytes(StandardCharsets.UTF_8)).purpose(FilePurpose.BATCH).build());

        Batch created = openai.batches().create(BatchCreateParams.builder()
                .inputFileId(file.id())
                .endpoint(BatchCreateParams.Endpoint.V1_CHAT_COMPLETIONS)
                .completionWindow(BatchCreateParams.CompletionWindow._24H)
                .metadata(BatchCreateParams.Metadata.builder().putAdditionalProperty("team", JsonValue.from("search")).build())
                .build());
        assertThat(created.status()).isEqualTo(Batch.Status.IN_PROGRESS);
        assertThat(created.inputFileId()).isEqualTo(file.id());
        assertThat(created.requestCounts()).hasValueSatisfying(c -> assertThat(c.total()).isEqualTo(13));
        assertThat(created.outputFileId()).isEmpty();

        Batch done = awaitStatus(created.id(), Set.of(Batch.Status.COMPLETED));
        assertThat(done.requestCounts()).hasValueSatisfying(c -> {
            assertThat(c.total()).isEqualTo(13);
            assertThat(c.completed()).isEqualTo(12);
            assertThat(c.failed()).isEqualTo(1);
        });
        assertThat(done.createdAt()).isPositive();
        assertThat(done.inProgressAt()).isPresent();
        assertThat(done.expiresAt()).hasValueSatisfying(t -> assertThat(t).isEqualTo(done.createdAt() + 24 * 3600));
        assertThat(done.finalizingAt()).isPresent();
        assertThat(done.completedAt()).hasValueSatisfying(t -> assertThat(t).isGreaterThanOrEqualTo(done.finalizingAt().get()));
        assertThat(done.cancellingAt()).isEmpty();
        assertThat(done.metadata()).hasValueSatisfying(m -> assertThat(m._additionalProperties().get("team"))
                .isEqualTo(JsonValue.from("search")));

        List<JsonNode> output = lines(download(done.outputFileId().orElseThrow()));
        assertThat(output).extracting(l -> l.get("custom_id").asText())
                .containsExactlyInAnyOrderElementsOf(customIds("ok", 12));
        assertThat(output).allSatisfy(l -> assertThat(l.get("response").get("status_code").asInt()).isEqualTo(200));
        List<JsonNode> errors = lines(download(done.errorFileId().orElseThrow()));
        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e.get("custom_id").asText()).isEqualTo("bad");
            assertThat(e.get("error").get("code").asText()).isEqualTo("invalid_method");
        });
        FileObject outputFile = openai.files().retrieve(done.outputFileId().get());
        assertThat(outputFile.purpose()).isEqualTo(FileObject.Purpose.BATCH_OUTPUT);
        assertThat(outputFile.bytes()).isEqualTo(download(outputFile.id()).length);
    }

    @Test
    void cancelling_a_large_batch_ends_the_jobs_not_started_and_reports_the_started_ones() throws Exception {
        int n = 2000;
        FileObject file = openai.files().create(FileCreateParams.builder()
                .file(jsonl("big", n, List.of()).getBytes(StandardCharsets.UTF_8)).purpose(FilePurpose.BATCH).build());
        long answeredBefore = platform.simulator().stats().totalRequests();
        Batch created = openai.batches().create(BatchCreateParams.builder().inputFileId(file.id())
                .endpoint(BatchCreateParams.Endpoint.V1_CHAT_COMPLETIONS)
                .completionWindow(BatchCreateParams.CompletionWindow._24H).build());
        // Some jobs have reached the provider before the cancel: they must finish and be reported.
        awaitTrue(() -> platform.simulator().stats().totalRequests() > answeredBefore, "the first calls of the batch");

        Batch cancelling = openai.batches().cancel(created.id());
        assertThat(cancelling.status()).isEqualTo(Batch.Status.CANCELLING);
        assertThat(cancelling.cancellingAt()).isPresent();
        assertThat(cancelling.cancelledAt()).isEmpty();

        Batch cancelled = awaitStatus(created.id(), Set.of(Batch.Status.CANCELLED));
        assertThat(cancelled.cancelledAt()).isPresent();
        assertThat(cancelled.completedAt()).isEmpty();
        Map<String, Long> states = jobStates(created.id());
        assertThat(states.keySet()).as("job states %s", states).isSubsetOf("succeeded", "cancelled");
        long succeeded = states.getOrDefault("succeeded", 0L);
        long notStarted = states.getOrDefault("cancelled", 0L);
        assertThat(succeeded).as("started before the cancel and reported").isPositive();
        assertThat(notStarted).as("never started").isPositive();
        assertThat(succeeded + notStarted).isEqualTo(n);
        assertThat(cancelled.requestCounts()).hasValueSatisfying(c -> {
            assertThat(c.total()).isEqualTo(n);
            assertThat(c.completed()).isEqualTo(succeeded);
            assertThat(c.failed()).isEqualTo(notStarted);
        });
        assertThat(lines(download(cancelled.outputFileId().orElseThrow()))).hasSize((int) succeeded);
        List<JsonNode> errors = lines(download(cancelled.errorFileId().orElseThrow()));
        assertThat(errors).hasSize((int) notStarted)
                .allSatisfy(e -> assertThat(e.get("error").get("code").asText()).isEqualTo("cancelled"));
        // Nothing was billed for the jobs that never started, and no reservation is left open.
        assertThat(count("select count(*) from attempts a join jobs j on j.id = a.job_id"
                + " where j.batch_id = ? and j.state = 'cancelled'", created.id())).isZero();
        assertThat(count("select count(*) from budget_reservations r join jobs j on j.id = r.job_id"
                + " where j.batch_id = ? and r.settled_at is null", created.id())).isZero();

        assertThatThrownBy(() -> openai.batches().cancel(created.id()))
                .isInstanceOf(com.openai.errors.OpenAIServiceException.class)
                .satisfies(e -> assertThat(((com.openai.errors.OpenAIServiceException) e).statusCode()).isEqualTo(409));
    }

    @Test
    void lists_batches_newest_first_with_after_and_limit() {
        FileObject file = openai.files().create(FileCreateParams.builder()
                .file(jsonl("page", 1, List.of()).getBytes(StandardCharsets.UTF_8)).purpose(FilePurpose.BATCH).build());
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(openai.batches().create(BatchCreateParams.builder().inputFileId(file.id())
                    .endpoint(BatchCreateParams.Endpoint.V1_CHAT_COMPLETIONS)
                    .completionWindow(BatchCreateParams.CompletionWindow._24H).build()).id());
        }

        BatchListPage first = openai.batches().list(BatchListParams.builder().limit(2).build());
        assertThat(first.data()).extracting(Batch::id).containsExactly(ids.get(2), ids.get(1));
        assertThat(first.hasNextPage()).isTrue();
        BatchListPage second = openai.batches().list(BatchListParams.builder().limit(2).after(ids.get(1)).build());
        assertThat(second.data()).extracting(Batch::id).startsWith(ids.get(0));
        // The client's own paging follows after=last_id.
        assertThat(first.nextPage().data()).extracting(Batch::id).startsWith(ids.get(0));
    }

    @Test
    void refuses_bad_batch_requests_naming_the_field() {
        assertThatThrownBy(() -> openai.batches().create(BatchCreateParams.builder().inputFileId("file-missing")
                .endpoint(BatchCreateParams.Endpoint.V1_CHAT_COMPLETIONS)
                .completionWindow(BatchCreateParams.CompletionWindow._24H).build()))
                .isInstanceOfSatisfying(BadRequestException.class,
                        e -> assertThat(e.param()).hasValue("input_file_id"));
        FileObject file = openai.files().create(FileCreateParams.builder()
                .file(jsonl("bad", 1, List.of()).getBytes(StandardCharsets.UTF_8)).purpose(FilePurpose.BATCH).build());
        assertThatThrownBy(() -> openai.batches().create(BatchCreateParams.builder().inputFileId(file.id())
                .endpoint(BatchCreateParams.Endpoint.V1_RESPONSES)
                .completionWindow(BatchCreateParams.CompletionWindow._24H).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.param()).hasValue("endpoint"));
        assertThatThrownBy(() -> openai.files().create(FileCreateParams.builder().file(new byte[] {'x'})
                .purpose(FilePurpose.FINE_TUNE).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.param()).hasValue("purpose"));
    }

    @Test
    void every_files_and_batches_response_passes_the_openapi_schema_strictly() throws Exception {
        String base = platform.apiBaseUrl();
        String boundary = "railyard-check";
        byte[] upload = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n--" + boundary
                + "\r\nContent-Disposition: form-data; name=\"file\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                + jsonl("spec", 2, List.of()) + "\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        JsonNode file = send(HttpRequest.newBuilder(URI.create(base + "/v1/files"))
                .header("content-type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(upload)));
        conforms("OpenAIFile", file);
        String fileId = file.get("id").asText();
        conforms("OpenAIFile", get(base + "/v1/files/" + fileId));
        conforms("ListFilesResponse", get(base + "/v1/files?limit=2"));
        conforms("ListFilesResponse", get(base + "/v1/files?purpose=batch_output&limit=1&order=asc"));

        JsonNode batch = send(HttpRequest.newBuilder(URI.create(base + "/v1/batches"))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"input_file_id\":\"" + fileId + "\",\"endpoint\":\"/v1/chat/completions\","
                        + "\"completion_window\":\"24h\",\"metadata\":{\"k\":\"v\"}}")));
        conforms("Batch", batch);
        String batchId = batch.get("id").asText();
        conforms("Batch", awaitJson(base + "/v1/batches/" + batchId, b -> "completed".equals(b.path("status").asText())));
        conforms("ListBatchesResponse", get(base + "/v1/batches?limit=3"));
        JsonNode done = get(base + "/v1/batches/" + batchId);
        conforms("OpenAIFile", get(base + "/v1/files/" + done.get("output_file_id").asText()));

        JsonNode second = send(HttpRequest.newBuilder(URI.create(base + "/v1/batches"))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"input_file_id\":\"" + fileId + "\",\"endpoint\":\"/v1/chat/completions\","
                        + "\"completion_window\":\"24h\"}")));
        conforms("Batch", send(HttpRequest.newBuilder(URI.create(base + "/v1/batches/" + second.get("id").asText() + "/cancel"))
                .POST(HttpRequest.BodyPublishers.noBody())));
        conforms("Batch", awaitJson(base + "/v1/batches/" + second.get("id").asText(),
                b -> "cancelled".equals(b.path("status").asText())));
        conforms("DeleteFileResponse", send(HttpRequest.newBuilder(URI.create(base + "/v1/files/" + fileId)).DELETE()));
    }

    private static void conforms(String component, JsonNode body) {
        assertThat(spec.problems(component, body)).as("%s against %s", body, component).isEmpty();
    }

    private static JsonNode get(String url) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(url)).GET());
    }

    private static JsonNode send(HttpRequest.Builder request) throws Exception {
        var response = HTTP.send(request.timeout(Duration.ofSeconds(60)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("%s", response.body()).isEqualTo(200);
        return E2e.JSON.readTree(response.body());
    }

    private static JsonNode awaitJson(String url, Predicate<JsonNode> done) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        JsonNode body = get(url);
        while (!done.test(body) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            body = get(url);
        }
        assertThat(done.test(body)).as("%s", body).isTrue();
        return body;
    }

    private static Batch awaitStatus(String batchId, Set<Batch.Status> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        Batch batch = openai.batches().retrieve(batchId);
        while (!wanted.contains(batch.status()) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            batch = openai.batches().retrieve(batchId);
        }
        assertThat(batch.status()).as("%s", batch).isIn(wanted);
        return batch;
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(condition.getAsBoolean()).as(what).isTrue();
    }

    private static byte[] download(String fileId) throws Exception {
        try (HttpResponse response = openai.files().content(fileId)) {
            return response.body().readAllBytes();
        }
    }

    private static List<JsonNode> lines(byte[] content) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : new String(content, StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                out.add(E2e.JSON.readTree(line));
            }
        }
        return out;
    }

    /** {@code n} chat requests with custom ids {@code prefix-0..n-1}, then {@code extra} lines. */
    private static String jsonl(String prefix, int n, List<String> extra) {
        StringBuilder sb = new StringBuilder();
        for (String id : customIds(prefix, n)) {
            sb.append("{\"custom_id\":\"").append(id).append("\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",")
                    .append("\"body\":{\"model\":\"gpt-4o-mini\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"")
                    .append(id).append("\"}]}}\n");
        }
        extra.forEach(l -> sb.append(l).append('\n'));
        return sb.toString();
    }

    private static List<String> customIds(String prefix, int n) {
        return IntStream.range(0, n).mapToObj(i -> prefix + "-" + i).toList();
    }

    private static Map<String, Long> jobStates(String batchId) throws Exception {
        try (Connection c = platform.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("select state, count(*) from jobs where batch_id = ? group by state")) {
            ps.setString(1, batchId);
            try (ResultSet rs = ps.executeQuery()) {
                Map<String, Long> out = new java.util.HashMap<>();
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getLong(2));
                }
                return out;
            }
        }
    }

    private static long count(String sql, String param) throws Exception {
        try (Connection c = platform.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, param);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
