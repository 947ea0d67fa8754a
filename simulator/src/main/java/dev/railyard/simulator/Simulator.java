package dev.railyard.simulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * An OpenAI-compatible provider simulator: {@code POST /v1/chat/completions}, {@code POST /v1/embeddings},
 * {@code GET /v1/models}, with OpenAI's response and error shapes, exact token usage, latency and
 * seeded error injection, and test directives in prompts (see {@link Directives}). Latency is a timer,
 * never a sleep, so one event loop serves many thousands of requests a second.
 */
public final class Simulator implements AutoCloseable {
    private static final long BODY_LIMIT = 64L * 1024 * 1024;

    private final Vertx vertx;
    private final SimulatorSettings settings;
    private final String host;
    private final StatsRecorder stats = new StatsRecorder();
    private final Set<Long> holds = ConcurrentHashMap.newKeySet();
    private volatile HttpServer server;
    private volatile int port = -1;

    /** Listens on 127.0.0.1. */
    public Simulator(Vertx vertx, SimulatorSettings settings) {
        this(vertx, settings, "127.0.0.1");
    }

    /** @param host the interface to bind, e.g. {@code 0.0.0.0} in a container */
    public Simulator(Vertx vertx, SimulatorSettings settings, String host) {
        this.vertx = vertx;
        this.settings = settings;
        this.host = host;
    }

    /** Binds the port; completes with the port bound. Token vocabularies and Jackson load off the event loop. */
    public Future<Integer> start() {
        return vertx.executeBlocking(() -> new OpenAiApi(new ObjectMapper(), settings, new Tokenizer()))
                .compose(api -> vertx.createHttpServer(new HttpServerOptions().setTcpNoDelay(true))
                        .requestHandler(router(api))
                        .listen(settings.port(), host))
                .map(s -> {
                    server = s;
                    port = s.actualPort();
                    return port;
                });
    }

    private Router router(OpenAiApi api) {
        Router router = Router.router(vertx);
        router.route().handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT));
        router.post("/v1/chat/completions").handler(ctx -> deliver(ctx, api.chatCompletions(authorization(ctx), ctx.body().asString())));
        router.post("/v1/embeddings").handler(ctx -> deliver(ctx, api.embeddings(authorization(ctx), ctx.body().asString())));
        router.get("/v1/models").handler(ctx -> deliver(ctx, api.models(authorization(ctx))));
        router.route().last().handler(ctx -> deliver(ctx, api.unknownUrl(ctx.request().method().name(), ctx.request().path())));
        return router;
    }

    private static String authorization(RoutingContext ctx) {
        return ctx.request().getHeader("Authorization");
    }

    private void deliver(RoutingContext ctx, Reply reply) {
        if (reply.dropped()) {
            // An injected timeout: say nothing, then hang up, as a stuck upstream does.
            stats.record(SimulatorStats.NO_ANSWER, 0);
            long timer = vertx.setTimer(reply.holdMs(), id -> {
                holds.remove(id);
                ctx.request().connection().close();
            });
            holds.add(timer);
        } else if (reply.delayMs() > 0) {
            vertx.setTimer(reply.delayMs(), id -> write(ctx, reply));
        } else {
            write(ctx, reply);
        }
    }

    private void write(RoutingContext ctx, Reply reply) {
        stats.record(reply.status(), reply.delayMs());
        HttpServerResponse response = ctx.response();
        if (response.closed() || response.ended()) {
            return; // the client gave up waiting
        }
        response.setStatusCode(reply.status())
                .putHeader("content-type", "application/json")
                .putHeader("x-request-id", Ids.requestId())
                .putHeader("openai-processing-ms", Long.toString(reply.delayMs()))
                .putHeader("openai-version", "2020-10-01");
        reply.headers().forEach(response::putHeader);
        response.end(Buffer.buffer(reply.body()));
    }

    /** The OpenAI base URL clients use, e.g. {@code http://127.0.0.1:8090/v1}; valid after {@link #start()}. */
    public String baseUrl() {
        if (port < 0) {
            throw new IllegalStateException("the simulator is not started");
        }
        String shown = "0.0.0.0".equals(host) ? "127.0.0.1" : host;
        return "http://" + shown + ":" + port + "/v1";
    }

    public int port() {
        return port;
    }

    public SimulatorSettings settings() {
        return settings;
    }

    public SimulatorStats stats() {
        return stats.snapshot();
    }

    /** Stops listening; held (timed-out) requests are dropped. */
    public Future<Void> stop() {
        holds.forEach(vertx::cancelTimer);
        holds.clear();
        HttpServer s = server;
        return s == null ? Future.succeededFuture() : s.close();
    }

    /** Stops; waits for the port to close unless called on a Vert.x thread, which must not block. */
    @Override
    public void close() {
        Future<Void> stopped = stop();
        if (!Context.isOnVertxThread()) {
            try {
                stopped.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                // closing is best effort: the port is released when the process ends
            }
        }
    }

    /** Runs the simulator alone: {@code java dev.railyard.simulator.Simulator [port]} (default 8090). */
    public static void main(String[] args) {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8090;
        Vertx vertx = Vertx.vertx();
        Simulator simulator = new Simulator(vertx, SimulatorSettings.defaults().withPort(port));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            simulator.close();
            vertx.close();
        }));
        simulator.start()
                .onSuccess(p -> System.out.println("OpenAI-compatible simulator listening on " + simulator.baseUrl()))
                .onFailure(e -> {
                    System.err.println("simulator failed to start: " + e.getMessage());
                    vertx.close().onComplete(x -> System.exit(1));
                });
    }
}
