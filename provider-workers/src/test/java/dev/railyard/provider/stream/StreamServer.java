package dev.railyard.provider.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A local HTTP server that streams scripted answers, and counts the TCP connections it has open (so a
 * test can prove clients close what they abandon). Vert.x's HTTP server reports a connection only once
 * a request arrives on it, so the server sits behind a TCP relay that counts every accepted socket. The first path segment picks the script, so an
 * adapter pointed at {@code baseUrl() + "/stall"} gets the {@code stall} script on every endpoint.
 */
public final class StreamServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** How an answer ends after its slices. */
    public enum Ending {
        /** The body ends properly. */
        END,
        /** Nothing more is ever sent; the connection stays open. */
        STALL,
        /** The connection is closed mid-body. */
        CLOSE,
        /** A keep-alive comment every few milliseconds, forever: never idle, never done. */
        DRIP,
        /** Not even the status line is ever sent. */
        HANG_BEFORE_HEADERS
    }

    /** A scripted answer: the body's bytes in slices, each written after {@code gapMs}. */
    public record Reply(int status, Map<String, String> headers, List<byte[]> slices, long gapMs, Ending ending) {
        public static Reply sse(String body, int sliceBytes, Ending ending) {
            return new Reply(200, Map.of("content-type", "text/event-stream"), StreamServer.slices(body, sliceBytes), 1, ending);
        }

        public static Reply json(int status, String body) {
            return new Reply(status, Map.of("content-type", "application/json"), List.of(body.getBytes(StandardCharsets.UTF_8)), 0, Ending.END);
        }
    }

    private final Vertx vertx;
    private final HttpServer server;
    private final NetServer relay;
    private final NetClient relayClient;
    private final Map<String, Reply> scripts = new ConcurrentHashMap<>();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger opened = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicReference<JsonNode> lastBody = new AtomicReference<>();
    private final AtomicReference<String> lastUri = new AtomicReference<>();
    private final Map<String, String> lastHeaders = new ConcurrentHashMap<>();

    private StreamServer(Vertx vertx) {
        this.vertx = vertx;
        this.server = vertx.createHttpServer();
        server.requestHandler(this::handle);
        this.relayClient = vertx.createNetClient();
        this.relay = vertx.createNetServer();
        relay.connectHandler(this::relay);
    }

    public static StreamServer start(Vertx vertx) throws Exception {
        StreamServer s = new StreamServer(vertx);
        s.server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        s.relay.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return s;
    }

    /** Joins an accepted socket to the HTTP server; whichever side closes, the other is closed too. */
    private void relay(NetSocket front) {
        open.incrementAndGet();
        opened.incrementAndGet();
        front.pause();
        AtomicReference<NetSocket> backRef = new AtomicReference<>();
        front.closeHandler(v -> {
            open.decrementAndGet();
            NetSocket back = backRef.get();
            if (back != null) {
                back.close();
            }
        });
        relayClient.connect(server.actualPort(), "127.0.0.1").onComplete(connected -> {
            if (connected.failed()) {
                front.close();
                return;
            }
            NetSocket back = connected.result();
            backRef.set(back);
            back.closeHandler(v -> front.close());
            front.handler(back::write);
            back.handler(front::write);
            front.resume();
        });
    }

    /** The byte slices of {@code text}, {@code size} bytes each: cuts fall inside lines and characters. */
    public static List<byte[]> slices(String text, int size) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < bytes.length; i += size) {
            out.add(java.util.Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + size)));
        }
        return out;
    }

    public StreamServer on(String script, Reply reply) {
        scripts.put(script, reply);
        return this;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + relay.actualPort();
    }

    public String url(String script) {
        return baseUrl() + "/" + script;
    }

    /** TCP connections open right now. */
    public int openConnections() {
        return open.get();
    }

    /** TCP connections accepted so far. */
    public int connectionsOpened() {
        return opened.get();
    }

    public int requests() {
        return requests.get();
    }

    public JsonNode lastBody() {
        return lastBody.get();
    }

    public String lastUri() {
        return lastUri.get();
    }

    public String lastHeader(String name) {
        return lastHeaders.get(name.toLowerCase(java.util.Locale.ROOT));
    }

    private void handle(HttpServerRequest request) {
        requests.incrementAndGet();
        String path = request.path();
        String script = path.length() > 1 ? path.substring(1).split("/", 2)[0] : "";
        Reply reply = scripts.get(script);
        request.body().onSuccess(body -> {
            lastUri.set(request.uri());
            request.headers().forEach(h -> lastHeaders.put(h.getKey().toLowerCase(java.util.Locale.ROOT), h.getValue()));
            try {
                lastBody.set(body.length() == 0 ? null : JSON.readTree(body.getBytes()));
            } catch (Exception e) {
                lastBody.set(null);
            }
            if (reply == null) {
                request.response().setStatusCode(404).end();
                return;
            }
            if (reply.ending() == Ending.HANG_BEFORE_HEADERS) {
                return;
            }
            HttpServerResponse response = request.response().setStatusCode(reply.status()).setChunked(true);
            reply.headers().forEach(response::putHeader);
            write(request, response, reply, 0);
        });
    }

    private void write(HttpServerRequest request, HttpServerResponse response, Reply reply, int slice) {
        if (response.closed() || response.ended()) {
            return;
        }
        if (slice < reply.slices().size()) {
            response.write(Buffer.buffer(reply.slices().get(slice)));
            if (reply.gapMs() <= 0) {
                write(request, response, reply, slice + 1);
            } else {
                vertx.setTimer(reply.gapMs(), id -> write(request, response, reply, slice + 1));
            }
            return;
        }
        switch (reply.ending()) {
            case END -> response.end();
            case CLOSE -> request.connection().close();
            case DRIP -> drip(response);
            default -> {
                // STALL: nothing more, ever
            }
        }
    }

    private void drip(HttpServerResponse response) {
        if (response.closed()) {
            return;
        }
        response.write(": keep-alive\n\n");
        vertx.setTimer(5, id -> drip(response));
    }

    @Override
    public void close() throws Exception {
        relay.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        relayClient.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
