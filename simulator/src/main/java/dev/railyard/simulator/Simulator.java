package dev.railyard.simulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.railyard.simulator.anthropic.AnthropicApi;
import dev.railyard.simulator.gemini.GeminiApi;
import dev.railyard.simulator.bedrock.BedrockApi;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.InstantSource;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * A provider simulator speaking each provider family's own wire format on one port, at the family's real
 * paths: OpenAI ({@code /v1/chat/completions}, {@code /v1/embeddings}, {@code /v1/models}), Azure OpenAI
 * ({@code /openai/deployments/{deployment}/...}), Anthropic ({@code /v1/messages}), Gemini
 * ({@code /v1beta/models/{model}:generateContent} and friends) and Bedrock ({@code /model/{modelId}/converse},
 * {@code /invoke}, SigV4-verified). All share exact token usage, streaming, latency, per-key rate limits,
 * seeded fault injection and the test directives in prompts (see {@link Directives}), each answering in its
 * family's own bodies, statuses and headers. Latency is a timer, never a sleep, so one event loop serves many
 * thousands of requests a second; the server runs on one event loop per core, so that a load test's many
 * thousands of connections (one per call in flight, over HTTP/1.1) are accepted and answered on all of them.
 */
public final class Simulator implements AutoCloseable {
    private static final long BODY_LIMIT = 64L * 1024 * 1024;
    /**
     * Connections waiting to be accepted: a load test opens one per call in flight at once, and what overflows
     * this queue waits for SYN retransmits (1 s, 3 s, 7 s...). The kernel caps it at net.core.somaxconn.
     */
    private static final int ACCEPT_BACKLOG = 65_535;

    private final Vertx vertx;
    private final SimulatorSettings settings;
    private final String host;
    private final StatsRecorder stats = new StatsRecorder();
    private final Set<Long> holds = ConcurrentHashMap.newKeySet();
    private final int eventLoops = Runtime.getRuntime().availableProcessors();
    private volatile String deployment;
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

    /**
     * Binds the port, with one server instance per core sharing it (Vert.x hands each accepted connection to
     * the next instance, and each instance's requests and timers stay on its own event loop); completes with
     * the port bound. Token vocabularies and Jackson load off the event loop.
     */
    public Future<Integer> start() {
        return vertx.executeBlocking(this::families).compose(families -> {
            Router router = router(families);
            // No WebSocket is ever served: without compression to negotiate, Vert.x leaves out the pipeline handler that
            // looks at every request and response for a WebSocket upgrade.
            HttpServerOptions options = new HttpServerOptions().setTcpNoDelay(true).setAcceptBacklog(ACCEPT_BACKLOG)
                    .setPerFrameWebSocketCompressionSupported(false).setPerMessageWebSocketCompressionSupported(false);
            // Instances share one socket when they listen on the same port: the configured one, or for "any free
            // port" the same negative number, which Vert.x binds once to a random port for all who ask for it.
            // Negative and unique to this simulator, so two simulators on one Vertx never share a port.
            int listen = settings.port() != 0 ? settings.port() : -1 - (System.identityHashCode(this) & 0x3fff_ffff);
            ConcurrentLinkedQueue<HttpServer> servers = new ConcurrentLinkedQueue<>();
            return vertx.deployVerticle(() -> new Listener(options, router, listen, host, servers),
                            new DeploymentOptions().setInstances(eventLoops))
                    .map(id -> {
                        deployment = id;
                        // Every instance reports the shared socket's port; a positive one, whichever answers.
                        port = servers.stream().mapToInt(HttpServer::actualPort).filter(p -> p > 0).findFirst()
                                .orElseThrow(() -> new IllegalStateException("the simulator's server reports no port"));
                        return port;
                    });
        });
    }

    /** One server instance, on the event loop of its verticle. */
    private static final class Listener extends VerticleBase {
        private final HttpServerOptions options;
        private final Handler<HttpServerRequest> handler;
        private final int port;
        private final String host;
        private final ConcurrentLinkedQueue<HttpServer> servers;

        Listener(HttpServerOptions options, Handler<HttpServerRequest> handler, int port, String host,
                 ConcurrentLinkedQueue<HttpServer> servers) {
            this.options = options;
            this.handler = handler;
            this.port = port;
            this.host = host;
            this.servers = servers;
        }

        @Override
        public Future<?> start() {
            return vertx.createHttpServer(options).requestHandler(handler).listen(port, host).onSuccess(servers::add);
        }
    }

    /** Every family's API over one tokenizer and one pipeline (one seeded fault sequence, one set of limits). */
    private Families families() {
        ObjectMapper mapper = new ObjectMapper();
        Tokenizer tokenizer = new Tokenizer();
        Pipeline pipeline = new Pipeline(settings, new RateLimits(settings.requestsPerMinute(), settings.tokensPerMinute(),
                InstantSource.system()));
        return new Families(new OpenAiApi(mapper, settings, tokenizer, pipeline),
                new AnthropicApi(mapper, settings, tokenizer, pipeline),
                new GeminiApi(mapper, settings, tokenizer, pipeline),
                new BedrockApi(mapper, settings, tokenizer, pipeline, InstantSource.system()));
    }

    private record Families(OpenAiApi openAi, AnthropicApi anthropic, GeminiApi gemini, BedrockApi bedrock) {
    }

    private Router router(Families families) {
        OpenAiApi api = families.openAi();
        Router router = Router.router(vertx);
        router.route().handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT));
        router.post("/v1/chat/completions").handler(ctx -> deliver(ctx, api.chatCompletions(authorization(ctx), ctx.body().asString())));
        router.post("/v1/embeddings").handler(ctx -> deliver(ctx, api.embeddings(authorization(ctx), ctx.body().asString())));
        router.get("/v1/models").handler(ctx -> deliver(ctx, api.models(authorization(ctx))));
        router.post("/openai/deployments/:deployment/chat/completions").handler(ctx -> deliver(ctx, api.azureChatCompletions(
                ctx.pathParam("deployment"), ctx.request().getParam("api-version"), ctx.request().getHeader("api-key"),
                authorization(ctx), ctx.body().asString())));
        router.post("/openai/deployments/:deployment/embeddings").handler(ctx -> deliver(ctx, api.azureEmbeddings(
                ctx.pathParam("deployment"), ctx.request().getParam("api-version"), ctx.request().getHeader("api-key"),
                authorization(ctx), ctx.body().asString())));
        AnthropicApi anthropic = families.anthropic();
        router.post("/v1/messages").handler(ctx -> deliver(ctx, anthropic.messages(ctx.request().getHeader("x-api-key"),
                authorization(ctx), ctx.request().getHeader("anthropic-version"), ctx.body().asString())));
        GeminiApi gemini = families.gemini();
        // Vert.x paths cannot hold a literal colon, so Gemini's "models/{model}:{method}" is a regex route.
        router.postWithRegex("^/v1beta/models/([^/:]+):([A-Za-z]+)$").handler(ctx -> {
            String key = ctx.request().getHeader("x-goog-api-key");
            deliver(ctx, gemini.call(ctx.pathParam("param0"), ctx.pathParam("param1"),
                    key != null ? key : ctx.request().getParam("key"), ctx.request().getParam("alt"), ctx.body().asString()));
        });
        BedrockApi bedrock = families.bedrock();
        router.postWithRegex("^/model/([^/]+)/(converse|converse-stream|invoke|invoke-with-response-stream)$").handler(ctx -> {
            HttpServerRequest request = ctx.request();
            byte[] body = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
            deliver(ctx, bedrock.call(request.method().name(), request.path(), request.query(),
                    name -> joined(request, name), body, ctx.pathParam("param0"), ctx.pathParam("param1")));
        });
        router.route().last().handler(ctx -> deliver(ctx, api.unknownUrl(ctx.request().method().name(), ctx.request().path())));
        return router;
    }

    /** A header's values joined with commas, as SigV4 canonicalises repeated headers; null when absent. */
    private static String joined(HttpServerRequest request, String name) {
        java.util.List<String> values = request.headers().getAll(name);
        return values.isEmpty() ? null : String.join(",", values);
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
        } else if (reply.streamed()) {
            stream(ctx, reply);
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
        response.setStatusCode(reply.status()).putHeader("content-type", reply.contentType());
        reply.headers().forEach(response::putHeader);
        response.end(Buffer.buffer(reply.body()));
    }

    /**
     * A streamed answer: the latency is spread over the frames, frame i going out at (i + 1) / n of it, on
     * timers. The headers go with the first frame, as a provider sends them when generation starts.
     */
    private void stream(RoutingContext ctx, Reply reply) {
        stats.record(reply.status(), reply.delayMs());
        long gap = reply.delayMs() / reply.frames().size();
        next(ctx, reply, 0, gap);
    }

    private void next(RoutingContext ctx, Reply reply, int index, long gap) {
        if (gap > 0) {
            vertx.setTimer(gap, id -> send(ctx, reply, index, gap));
        } else {
            send(ctx, reply, index, gap);
        }
    }

    private void send(RoutingContext ctx, Reply reply, int index, long gap) {
        HttpServerResponse response = ctx.response();
        if (response.closed() || response.ended()) {
            return; // the client went away mid-stream
        }
        if (index == 0) {
            response.setStatusCode(reply.status()).setChunked(true)
                    .putHeader("content-type", reply.contentType())
                    .putHeader("cache-control", "no-cache");
            reply.headers().forEach(response::putHeader);
        }
        response.write(Buffer.buffer(reply.frames().get(index)));
        if (index + 1 < reply.frames().size()) {
            next(ctx, reply, index + 1, gap);
        } else if (reply.cut()) {
            ctx.request().connection().close(); // a stream that breaks off without its proper end
        } else {
            response.end();
        }
    }

    /** The root every family's paths hang off, e.g. {@code http://127.0.0.1:8090}; valid after {@link #start()}. */
    public String rootUrl() {
        String base = baseUrl();
        return base.substring(0, base.length() - "/v1".length());
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
        String d = deployment;
        deployment = null;
        return d == null ? Future.succeededFuture() : vertx.undeploy(d); // closes its servers
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
                .onSuccess(p -> System.out.println("provider simulator (OpenAI, Azure OpenAI, Anthropic, Gemini, Bedrock) listening on "
                        + simulator.rootUrl()))
                .onFailure(e -> {
                    System.err.println("simulator failed to start: " + e.getMessage());
                    vertx.close().onComplete(x -> System.exit(1));
                });
    }
}
