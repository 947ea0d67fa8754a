package dev.railyard.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Starts simulators and talks to them over real HTTP, for the family tests. */
public final class SimClient {
    public static final ObjectMapper JSON = new ObjectMapper();
    public static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private SimClient() {
    }

    public static Simulator start(Vertx vertx, SimulatorSettings settings) throws Exception {
        Simulator s = new Simulator(vertx, settings);
        s.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        return s;
    }

    public static String root(Simulator s) {
        return "http://127.0.0.1:" + s.port();
    }

    /** A POST to {@code path} with these header name/value pairs. */
    public static HttpResponse<String> post(Simulator s, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(root(s) + path)).timeout(Duration.ofSeconds(10))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            req.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(req.build(), HttpResponse.BodyHandlers.ofString());
    }

    public static JsonNode json(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }

    public static JsonNode json(String text) throws IOException {
        return JSON.readTree(text);
    }

    /** One server-sent event: its {@code event:} name (null when unnamed) and its {@code data:}. */
    public record Event(String name, String data) {
    }

    /** Parses a {@code text/event-stream} body, with LF or CRLF line ends. */
    public static List<Event> events(String body) {
        List<Event> events = new ArrayList<>();
        for (String block : body.replace("\r\n", "\n").split("\n\n")) {
            String name = null;
            StringBuilder data = new StringBuilder();
            for (String line : block.split("\n")) {
                if (line.startsWith("event:")) {
                    name = line.substring(6).trim();
                } else if (line.startsWith("data:")) {
                    data.append(data.length() > 0 ? "\n" : "").append(line.substring(5).trim());
                }
            }
            if (name != null || data.length() > 0) {
                events.add(new Event(name, data.toString()));
            }
        }
        return events;
    }
}
