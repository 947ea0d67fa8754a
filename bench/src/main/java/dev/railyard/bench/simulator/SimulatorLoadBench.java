package dev.railyard.bench.simulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.management.OperatingSystemMXBean;
import dev.railyard.config.ProviderConfig;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The simulator's CPU per OpenAI chat completion: a simulator at latency 0 in a JVM of its own, driven over
 * {@code --connections} keep-alive HTTP/1.1 connections (one request outstanding on each) with the chat
 * requests the provider worker sends in {@code bench/run inflight}: one user message naming its job, max_tokens
 * 64, gpt-4o-mini. After a warm-up, each round prints requests/s and the simulator JVM's process CPU per request
 * ({@link OperatingSystemMXBean#getProcessCpuTime}, read inside that JVM); then the medians. Figures are
 * printed, never asserted: throughput depends on what else the machine runs, CPU per request much less.
 */
public final class SimulatorLoadBench {
    /** A batch's shared system prompt, for {@code --system-prompt}. */
    static final String SYSTEM_PROMPT = "You are a concise analyst for a logistics company. Answer in plain English, in at "
            + "most three sentences, without lists or headings. If the question is ambiguous, state the assumption you "
            + "make before answering. Prefer concrete figures to adjectives, and never invent a figure you were not given.";

    private final ObjectMapper mapper = new ObjectMapper();
    private final SimulatorLoadArgs args;
    private final HttpClientAgent client;
    private final String url;
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong next = new AtomicLong();
    private volatile boolean running = true;
    /** Paced mode: connections with no request outstanding, and requests sent; touched on the pacing context only. */
    private int idle;
    private long sent;

    private SimulatorLoadBench(SimulatorLoadArgs args, HttpClientAgent client, String url) {
        this.args = args;
        this.client = client;
        this.url = url;
        this.idle = args.connections();
    }

    private record Round(double requestsPerSecond, double simulatorCpuMsPerRequest, double userMsPerRequest,
                         double kernelMsPerRequest) {
    }

    public static void main(String[] args) throws Exception {
        SimulatorLoadArgs a = SimulatorLoadArgs.parse(args);
        System.out.printf("railyard bench simulator: OpenAI chat completions at latency 0 over %d connections, %s, %s;"
                        + " %d s warm-up, %d rounds of %d s; %d cores%n", a.connections(),
                a.rate() > 0 ? "paced at " + a.rate() + " requests/s" : "unpaced (each answer sends the next request)",
                a.systemPrompt() ? "a shared system prompt and a user message per job" : "one user message per job",
                a.warmupS(), a.rounds(), a.seconds(), Runtime.getRuntime().availableProcessors());
        try (SimulatorProcess simulator = SimulatorProcess.start(a.childOptions())) {
            Vertx vertx = Vertx.vertx();
            HttpClientAgent client = vertx.httpClientBuilder()
                    .with(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true))
                    .with(new PoolOptions().setHttp1MaxSize(a.connections()))
                    .build();
            new SimulatorLoadBench(a, client, simulator.rootUrl() + "/v1/chat/completions").run(vertx, simulator);
            client.close().await(10, TimeUnit.SECONDS);
            vertx.close().await(10, TimeUnit.SECONDS);
        }
        System.exit(0);
    }

    private void run(Vertx vertx, SimulatorProcess simulator) throws Exception {
        SimulatorLoadArgs a = args;
        if (a.rate() > 0) {
            // One context sends every request and hears every answer, so the pacing state needs no lock.
            Context pacing = vertx.getOrCreateContext();
            long start = System.nanoTime();
            pacing.runOnContext(v -> vertx.setPeriodic(1, id -> pace(start, id, vertx)));
        } else {
            for (int i = 0; i < a.connections(); i++) {
                send();
            }
        }
        Thread.sleep(TimeUnit.SECONDS.toMillis(a.warmupS()));
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        List<Round> rounds = new ArrayList<>();
        for (int r = 1; r <= a.rounds(); r++) {
            SimulatorProcess.Usage u0 = simulator.usage();
            long done0 = completed.get();
            long client0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            Thread.sleep(TimeUnit.SECONDS.toMillis(a.seconds()));
            SimulatorProcess.Usage u1 = simulator.usage();
            long done1 = completed.get();
            long client1 = os.getProcessCpuTime();
            double seconds = (System.nanoTime() - t0) / 1e9;
            long answered = u1.answered() - u0.answered();
            Round round = new Round((done1 - done0) / seconds, (u1.cpuNanos() - u0.cpuNanos()) / 1e6 / answered,
                    (u1.userTicks() - u0.userTicks()) * 10.0 / answered, (u1.kernelTicks() - u0.kernelTicks()) * 10.0 / answered);
            rounds.add(round);
            System.out.printf("  round %d: %.0f requests/s; simulator CPU %.4f ms per request (user %.4f, kernel %.4f), %.2f cores;"
                            + " load generator %.4f ms per request%n", r, round.requestsPerSecond(), round.simulatorCpuMsPerRequest(),
                    round.userMsPerRequest(), round.kernelMsPerRequest(), (u1.cpuNanos() - u0.cpuNanos()) / 1e9 / seconds,
                    (client1 - client0) / 1e6 / Math.max(1, done1 - done0));
        }
        running = false;
        System.out.printf("median: %.0f requests/s, simulator CPU %.4f ms per request (user %.4f, kernel %.4f);"
                        + " %d answers, %d failed requests%n",
                median(rounds.stream().mapToDouble(Round::requestsPerSecond).toArray()),
                median(rounds.stream().mapToDouble(Round::simulatorCpuMsPerRequest).toArray()),
                median(rounds.stream().mapToDouble(Round::userMsPerRequest).toArray()),
                median(rounds.stream().mapToDouble(Round::kernelMsPerRequest).toArray()), completed.get(), failed.get());
    }

    /** Paced mode, every millisecond: sends what the rate makes due since the start, on the idle connections. */
    private void pace(long start, long timer, Vertx vertx) {
        if (!running) {
            vertx.cancelTimer(timer);
            return;
        }
        long due = (System.nanoTime() - start) * args.rate() / 1_000_000_000L;
        while (sent < due && idle > 0) {
            idle--;
            sent++;
            send();
        }
        sent = Math.max(sent, due - args.rate()); // at most a second behind: a simulator that falls behind is not flooded
    }

    /** One request; unpaced, its answer sends the next on the same connection while the benchmark runs. */
    private void send() {
        boolean systemPrompt = args.systemPrompt();
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url)
                .putHeader("Content-Type", "application/json").putHeader("Accept", "application/json")
                .putHeader("Authorization", "Bearer " + ProviderConfig.SIMULATOR_API_KEY).setIdleTimeout(30_000);
        Buffer body = Buffer.buffer(body(next.getAndIncrement(), systemPrompt));
        client.request(options)
                .compose(request -> request.send(body))
                .compose(response -> response.body().map(b -> response.statusCode()))
                .onComplete(result -> {
                    if (result.succeeded() && result.result() == 200) {
                        completed.incrementAndGet();
                    } else {
                        failed.incrementAndGet();
                    }
                    if (args.rate() > 0) {
                        idle++;
                    } else if (running) {
                        send();
                    }
                });
    }

    /** The chat request the provider worker sends for {@code InflightBench}'s job {@code i} (its bytes, field order included). */
    private byte[] body(long i, boolean systemPrompt) {
        ObjectNode body = mapper.createObjectNode().put("model", "gpt-4o-mini").put("max_tokens", 64);
        ArrayNode messages = body.putArray("messages");
        if (systemPrompt) {
            messages.addObject().put("role", "system").put("content", SYSTEM_PROMPT);
        }
        messages.addObject().put("role", "user")
                .put("content", "Benchmark job " + i + ": summarise the benefits of asynchronous batch processing.");
        try {
            return mapper.writeValueAsBytes(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
