package dev.railyard.budget;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A webhook endpoint for tests: records every request to {@code /hooks/{name}}; a name registered with
 * {@link #failFirst} answers 500 that many times before answering 204.
 */
final class WebhookReceiver implements AutoCloseable {
    record Delivery(String hook, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name);
        }
    }

    private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
    private final HttpServer server;

    WebhookReceiver(Vertx vertx) throws Exception {
        Router router = Router.router(vertx);
        router.post("/hooks/:name").handler(BodyHandler.create(false)).handler(ctx -> {
            String name = ctx.pathParam("name");
            Map<String, String> headers = new ConcurrentHashMap<>();
            ctx.request().headers().forEach(h -> headers.put(h.getKey().toLowerCase(java.util.Locale.ROOT), h.getValue()));
            deliveries.add(new Delivery(name, headers, ctx.body().asString()));
            AtomicInteger fail = failures.get(name);
            ctx.response().setStatusCode(fail != null && fail.getAndDecrement() > 0 ? 500 : 204).end();
        });
        server = vertx.createHttpServer().requestHandler(router).listen(0).toCompletionStage().toCompletableFuture().get();
    }

    String url(String name) {
        return "http://127.0.0.1:" + server.actualPort() + "/hooks/" + name;
    }

    void failFirst(String name, int times) {
        failures.put(name, new AtomicInteger(times));
    }

    List<Delivery> to(String name) {
        return deliveries.stream().filter(d -> d.hook().equals(name)).toList();
    }

    @Override
    public void close() throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get();
    }
}
