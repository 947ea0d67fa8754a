package dev.railyard.provider.contract;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A tiny local HTTP server standing in for a provider: it records every request and answers what the
 * test's responder says. The real-format simulator lives in its own module; this one only needs to
 * capture what the adapters send.
 */
final class FakeProvider implements AutoCloseable {
    record Request(String method, String uri, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue)
                    .findFirst().orElse(null);
        }
    }

    record Answer(int status, Map<String, String> headers, String body) {
    }

    private final HttpServer server;
    final List<Request> requests = new CopyOnWriteArrayList<>();
    private volatile Function<Request, Answer> responder = r -> new Answer(500, Map.of(), "{}");

    FakeProvider(Vertx vertx) throws Exception {
        server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
            Map<String, String> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            req.headers().forEach(h -> headers.put(h.getKey(), h.getValue()));
            Request recorded = new Request(req.method().name(), req.uri(), headers, body.toString());
            requests.add(recorded);
            Answer answer = responder.apply(recorded);
            var response = req.response().setStatusCode(answer.status()).putHeader("content-type", "application/json");
            answer.headers().forEach(response::putHeader);
            response.end(answer.body());
        })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    String root() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    void answer(Function<Request, Answer> responder) {
        this.responder = responder;
    }

    Request last() {
        return requests.get(requests.size() - 1);
    }

    @Override
    public void close() throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
