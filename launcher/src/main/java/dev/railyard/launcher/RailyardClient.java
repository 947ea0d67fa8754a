package dev.railyard.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

/** A small client of Railyard's REST API, used by the CLI, the benchmarks and the end-to-end tests. */
public final class RailyardClient {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final ObjectMapper json = new ObjectMapper();
    private final String baseUrl;
    private final String apiKey;

    /** Without an API key: for an open API (no key configured, docs/auth.md). */
    public RailyardClient(String baseUrl) {
        this(baseUrl, null);
    }

    /** @param apiKey sent as {@code Authorization: Bearer} on every request, or null for none */
    public RailyardClient(String baseUrl, String apiKey) {
        this.baseUrl = baseUrl;
        this.apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey.strip();
    }

    /** Submits an OpenAI batch input file (JSONL); returns the batch object. */
    public JsonNode submitBatch(byte[] jsonl) {
        HttpResponse<byte[]> r = send(HttpRequest.newBuilder(uri("/v1/batches"))
                .header("Content-Type", "application/jsonl")
                .POST(HttpRequest.BodyPublishers.ofByteArray(jsonl)));
        return expectJson(r, "submit batch");
    }

    /**
     * Uploads a file as OpenAI's Files API takes it ({@code POST /v1/files}, multipart: {@code purpose}, {@code file});
     * returns the file object.
     */
    public JsonNode uploadFile(Path file, String purpose) {
        String boundary = "railyard-" + java.util.UUID.randomUUID();
        String name = file.getFileName().toString().replace("\"", "");
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\n" + purpose + "\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name + "\"\r\n"
                + "Content-Type: application/jsonl\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try {
            HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofByteArray(head),
                    HttpRequest.BodyPublishers.ofFile(file), HttpRequest.BodyPublishers.ofByteArray(tail));
            return expectJson(send(HttpRequest.newBuilder(uri("/v1/files"))
                    .header("Content-Type", "multipart/form-data; boundary=" + boundary).POST(body)), "upload file");
        } catch (java.io.FileNotFoundException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * What a batch input (JSONL) or one request (JSON) would cost if submitted now ({@code POST /v1/estimates});
     * nothing is submitted.
     */
    public JsonNode estimate(byte[] body, boolean jsonl) {
        HttpResponse<byte[]> r = send(HttpRequest.newBuilder(uri("/v1/estimates"))
                .header("Content-Type", jsonl ? "application/jsonl" : "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
        return expectJson(r, "estimate");
    }

    public JsonNode batch(String id) {
        return expectJson(send(HttpRequest.newBuilder(uri("/v1/batches/" + id)).GET()), "get batch");
    }

    public JsonNode get(String path) {
        return expectJson(send(HttpRequest.newBuilder(uri(path)).GET()), "GET " + path);
    }

    /** POSTs a JSON body; returns the JSON answer. */
    public JsonNode post(String path, JsonNode body) {
        return expectJson(send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))), "POST " + path);
    }

    public JsonNode delete(String path) {
        return expectJson(send(HttpRequest.newBuilder(uri(path)).DELETE()), "DELETE " + path);
    }

    /** Streams {@code path} into {@code file}; returns the HTTP status. */
    public int download(String path, Path file) {
        try {
            return http.send(authorized(HttpRequest.newBuilder(uri(path))).timeout(Duration.ofMinutes(5)).GET().build(),
                    HttpResponse.BodyHandlers.ofFile(file)).statusCode();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private URI uri(String path) {
        return URI.create(baseUrl + path);
    }

    private HttpRequest.Builder authorized(HttpRequest.Builder request) {
        return apiKey == null ? request : request.header("Authorization", "Bearer " + apiKey);
    }

    private HttpResponse<byte[]> send(HttpRequest.Builder request) {
        try {
            return http.send(authorized(request).timeout(Duration.ofMinutes(2)).build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private JsonNode expectJson(HttpResponse<byte[]> r, String what) {
        try {
            JsonNode body = json.readTree(r.body());
            if (r.statusCode() >= 300) {
                throw new ApiException(r.statusCode(), what + " failed: HTTP " + r.statusCode() + " " + body);
            }
            return body;
        } catch (IOException e) {
            throw new ApiException(r.statusCode(), what + " failed: HTTP " + r.statusCode() + " (body is not JSON)");
        }
    }

    /** The API answered with an error. */
    public static final class ApiException extends RuntimeException {
        private final int status;

        ApiException(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }
}
