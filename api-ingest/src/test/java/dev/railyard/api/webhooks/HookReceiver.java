package dev.railyard.api.webhooks;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A webhook receiver for tests on 127.0.0.1: records every request to {@code /hooks/{name}} and answers with the
 * statuses scripted for that name (then 204). An optional probe runs (off the event loop) when a request arrives,
 * before the answer, to capture what the platform showed at that moment.
 */
final class HookReceiver implements AutoCloseable {
    record Received(String hook, Map<String, String> headers, String body, Object probed) {
        String header(String name) {
            return headers.get(name);
        }
    }

    private final Vertx vertx;
    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, Deque<Integer>> scripts = new ConcurrentHashMap<>();
    private final Map<String, Callable<Object>> probes = new ConcurrentHashMap<>();

    HookReceiver(Vertx vertx) throws Exception {
        this.vertx = vertx;
        Router router = Router.router(vertx);
        router.post("/hooks/:name").handler(BodyHandler.create(false)).handler(ctx -> {
            String name = ctx.pathParam("name");
            Map<String, String> headers = new ConcurrentHashMap<>();
            ctx.request().headers().forEach(h -> headers.put(h.getKey().toLowerCase(Locale.ROOT), h.getValue()));
            String body = ctx.body().asString();
            Callable<Object> probe = probes.get(name);
            vertx.executeBlocking(() -> probe == null ? "" : probe.call(), false).onComplete(ar -> {
                received.add(new Received(name, headers, body, ar.succeeded() ? ar.result() : ar.cause()));
                Deque<Integer> script = scripts.get(name);
                Integer status;
                synchronized (this) {
                    status = script == null ? null : script.pollFirst();
                }
                int code = status == null ? 204 : status;
                if (code / 100 == 3) {
                    ctx.response().putHeader("location", "/hooks/" + name + "-redirected");
                }
                ctx.response().setStatusCode(code).end();
            });
        });
        server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    int port() {
        return server.actualPort();
    }

    String url(String name) {
        return "http://127.0.0.1:" + port() + "/hooks/" + name;
    }

    /** The next requests to {@code name} are answered with these statuses, in order; later ones with 204. */
    synchronized void answer(String name, Integer... statuses) {
        scripts.put(name, new ArrayDeque<>(List.of(statuses)));
    }

    void probe(String name, Callable<Object> probe) {
        probes.put(name, probe);
    }

    List<Received> to(String name) {
        return received.stream().filter(r -> r.hook().equals(name)).toList();
    }

    @Override
    public void close() throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
