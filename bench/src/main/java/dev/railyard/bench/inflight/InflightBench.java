package dev.railyard.bench.inflight;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.management.GarbageCollectionNotificationInfo;
import dev.railyard.bench.inflight.ResultsTopic.Result;
import dev.railyard.bench.inflight.SteadyState.Sample;
import dev.railyard.config.ConfigLoader;
import dev.railyard.config.RailyardConfig;
import dev.railyard.kafka.KafkaClients;
import dev.railyard.kafka.TopicSetup;
import dev.railyard.provider.ProviderWorkers;
import dev.railyard.schema.DispatchRecords;
import dev.railyard.schema.EventCodec;
import dev.railyard.schema.Topics;
import dev.railyard.schema.event.Endpoint;
import dev.railyard.schema.event.JobDispatched;
import dev.railyard.schema.event.JobSubmitted;
import dev.railyard.schema.event.RailyardEvent;
import dev.railyard.schema.event.RoutingDecision;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.ToLongFunction;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * How many calls one provider-worker JVM sustains in flight, and at what throughput and heap. The simulator
 * and the broker each run in their own JVM ({@link ChildMain}); this JVM runs only {@link ProviderWorkers}
 * for one simulated OpenAI-compatible provider with {@code max_in_flight = N}, consuming a dispatch topic
 * pre-filled with routed jobs. While it runs, the benchmark only samples (in-flight, the results topic's end
 * offsets, heap, CPU); results are read and parsed after the measurement. No PostgreSQL: the provider workers
 * never touch it. Figures are printed, never asserted.
 */
public final class InflightBench {
    private static final String PROVIDER = "openai";
    private static final String DEPLOYMENT = "openai-gpt-4o-mini";
    private static final String MODEL = "gpt-4o-mini";
    private static final int TARGET_IN_FLIGHT = 10_000;
    private static final double TARGET_RATIO = 0.95;
    private static final long MB = 1024 * 1024;
    /** The platform's default for the job topics (results among them); dispatch topics get at least 16. */
    private static final int JOB_TOPIC_PARTITIONS = 4;

    /** CPU ticks of each process and this JVM's GC time at one sample, to apportion the steady state's CPU. */
    private record Usage(long worker, long broker, long simulator, long machineBusy, long machineTotal, long gcMillis,
                         ClientTraffic traffic) {
    }

    /** The heap right after one collection, from the JVM's GC notifications. */
    private record AfterGc(long atMs, long heapUsed) {
    }

    /** The heap held with calls in flight: after a full collection as the steady state ended. */
    private record LiveHeap(long bytes, int inFlight) {
    }

    private InflightBench() {
    }

    public static void main(String[] args) throws Exception {
        InflightArgs a = InflightArgs.parse(args);
        Path dir = Files.createTempDirectory("railyard-bench-inflight-");
        String logs = System.getProperty("railyard.log.file", dir.resolve("bench.log").toString());
        System.out.printf("railyard bench inflight: one provider worker (%s, simulated), max_in_flight %d, simulator latency %d ms,"
                + " %d jobs of %d tenants pre-filled%n", PROVIDER, a.inFlight(), a.latencyMs(), a.jobs(), a.tenants());
        System.out.printf("  open files: %s; simulator and broker run in their own JVMs; max heap of the worker JVM %d MB%n",
                openFilesLimit(), Runtime.getRuntime().maxMemory() / MB);
        try (ChildJvm broker = ChildJvm.start("broker", logs + ".broker", "broker", dir.resolve("kafka").toString());
             ChildJvm simulator = ChildJvm.start("simulator", logs + ".simulator", "simulator", Long.toString(a.latencyMs()))) {
            KafkaClients clients = new KafkaClients(broker.address());
            TopicSetup.forPlatform(clients, JOB_TOPIC_PARTITIONS, (short) 1).ensure(List.of(PROVIDER)); // as the platform lays them out
            long t = System.nanoTime();
            prefill(clients, a.jobs(), a.tenants());
            System.out.printf("  pre-filled %d dispatch records in %.1f s%n", a.jobs(), (System.nanoTime() - t) / 1e9);
            if (a.http2()) {
                System.out.println("  the provider called over HTTP/2 (h2c, option http2: true)");
            }
            if (!a.kafka().isEmpty()) {
                System.out.println("  the worker's Kafka clients with " + a.kafka() + " over Railyard's settings");
            }
            run(a, config(dir, simulator.address(), a.inFlight(), a.http2()), clients,
                    new KafkaClients(broker.address(), "railyard", a.kafka()), broker, simulator);
        } finally {
            deleteTree(dir); // the broker's log of a full run is hundreds of MB
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /**
     * One OpenAI-compatible provider with {@code max_in_flight} set, served by the simulator at {@code simulatorRoot},
     * and the one model the jobs ask for; written as a railyard.yaml, read as the launcher reads one.
     */
    static RailyardConfig config(Path dir, String simulatorRoot, int maxInFlight, boolean http2) throws IOException {
        Path file = dir.resolve("railyard-inflight.yaml");
        Files.writeString(file, """
                providers:
                  %s:
                    type: openai-compatible
                    base_url: https://api.openai.invalid/v1   # replaced by the simulator (no API key)
                    simulate_without_key: true
                    timeout_ms: 120000
                    max_in_flight: %d
                    http2: %s
                models:
                  %s:
                    kind: chat
                    input_per_million: 0.15
                    output_per_million: 0.60
                    context_window: 128000
                    capabilities: [chat]
                deployments:
                  - { id: %s, provider: %s, model: %s }
                """.formatted(PROVIDER, maxInFlight, http2, MODEL, DEPLOYMENT, PROVIDER, MODEL));
        return new ConfigLoader(Map.of()).load(file).withSimulator(simulatorRoot);
    }

    /**
     * Routed jobs as the router writes them: a chat request of a bulk batch, already decided for the provider's
     * deployment, keyed and headed by tenant and priority class ({@link DispatchRecords}).
     */
    private static void prefill(KafkaClients clients, int jobs, int tenants) {
        EventCodec codec = new EventCodec();
        String topic = Topics.dispatch(PROVIDER);
        try (KafkaProducer<byte[], byte[]> producer = clients.producer("bench-prefill")) {
            for (int i = 0; i < jobs; i++) {
                ObjectNode body = codec.mapper().createObjectNode().put("model", MODEL).put("max_tokens", 64);
                ArrayNode messages = body.putArray("messages");
                messages.addObject().put("role", "user")
                        .put("content", "Benchmark job " + i + ": summarise the benefits of asynchronous batch processing.");
                String jobId = UUID.randomUUID().toString();
                String tenant = "bench-" + (i % tenants);
                Instant now = Instant.now();
                JobSubmitted job = new JobSubmitted(RailyardEvent.CURRENT_SCHEMA_VERSION, UUID.randomUUID().toString(), jobId,
                        now, tenant, "bench-inflight-" + tenant, "inflight-" + i, i / tenants + 1, Endpoint.CHAT_COMPLETIONS.path(),
                        MODEL, body, DispatchRecords.BULK, null, null, null);
                RoutingDecision decision = new RoutingDecision(DEPLOYMENT, PROVIDER, MODEL, 20, new BigDecimal("0.0001"),
                        List.of(), 1, "bench: pre-routed");
                JobDispatched dispatched = new JobDispatched(RailyardEvent.CURRENT_SCHEMA_VERSION, UUID.randomUUID().toString(),
                        jobId, now, job, decision);
                ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, null, DispatchRecords.key(job), codec.encode(dispatched));
                DispatchRecords.headers(job).forEach((name, value) -> record.headers().add(name, value));
                producer.send(record);
            }
            producer.flush();
        }
    }

    private static void run(InflightArgs a, RailyardConfig config, KafkaClients clients, KafkaClients workerClients,
                            ChildJvm broker, ChildJvm simulator) throws Exception {
        ConcurrentLinkedQueue<AfterGc> afterGc = new ConcurrentLinkedQueue<>();
        List<Sample> samples = new ArrayList<>();
        List<Usage> usage = new ArrayList<>();
        LiveHeap live = null;
        String produceLatency = "n/a";
        try (ResultsTopic results = ResultsTopic.open(clients)) {
            Vertx vertx = Vertx.vertx();
            ProviderWorkers workers = new ProviderWorkers(config, workerClients, vertx);
            long t0 = System.nanoTime();
            long wall0 = System.currentTimeMillis();
            listenToGc(afterGc, t0);
            long deadline = t0 + Duration.ofSeconds(a.jobs() * a.latencyMs() / a.inFlight() / 1000 * 4 + 180).toNanos();
            double elapsed;
            try {
                workers.start();
                long next = System.nanoTime();
                long written = 0;
                while (written < a.jobs() && System.nanoTime() < deadline) {
                    next += a.sampleMs() * 1_000_000;
                    Thread.sleep(Math.max(0, (next - System.nanoTime()) / 1_000_000));
                    written = results.written();
                    Sample s = new Sample((System.nanoTime() - t0) / 1_000_000, workers.inFlight(), written,
                            ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
                    samples.add(s);
                    long[] machine = CpuTime.machineTicks();
                    usage.add(new Usage(CpuTime.processTicks(ProcessHandle.current().pid()), CpuTime.processTicks(broker.pid()),
                            CpuTime.processTicks(simulator.pid()), machine[0], machine[1], gcMillis(), ClientTraffic.now()));
                    if (samples.size() % Math.max(1, 2000 / a.sampleMs()) == 0) {
                        System.err.printf("  %5.1f s: %d in flight, %d results%n", s.atMs() / 1000.0, s.inFlight(), s.completed());
                    }
                    if (live == null && s.completed() > 0 && s.completed() + s.inFlight() >= a.jobs()) {
                        produceLatency = ClientTraffic.produceLatency(); // before the drain, which sends little
                        // The steady state just ended (nothing left on the topic) with the calls still open: the heap
                        // that survives a full collection now is what they hold. The pause only delays the drain.
                        System.gc();
                        live = new LiveHeap(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), s.inFlight());
                    }
                }
                elapsed = (System.nanoTime() - t0) / 1e9;
            } finally {
                workers.close();
                vertx.close().toCompletionStage().toCompletableFuture().get();
            }
            System.gc();
            long idleHeap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            List<Result> all = results.readAll();
            report(a, samples, usage, List.copyOf(afterGc), all, wall0, elapsed, live, idleHeap, produceLatency);
        }
    }

    private static void report(InflightArgs a, List<Sample> samples, List<Usage> usage, List<AfterGc> afterGc, List<Result> all,
                               long wall0, double elapsed, LiveHeap live, long idleHeap, String produceLatency) {
        long succeeded = all.stream().filter(Result::succeeded).count();
        String failure = all.stream().filter(r -> !r.succeeded()).map(Result::failure).findFirst().map(f -> "; first: " + f).orElse("");
        System.out.printf("run: %d of %d results in %.1f s (%d succeeded, %d other%s)%n", all.size(), a.jobs(), elapsed,
                succeeded, all.size() - succeeded, failure);
        samples.stream().filter(s -> s.completed() > 0).findFirst().ifPresent(first -> System.out.printf(
                "  ramp-up: first result at %.1f s, first wave (%d results) back at %s%n", first.atMs() / 1000.0,
                Math.min(a.inFlight(), a.jobs()), samples.stream().filter(s -> s.completed() >= Math.min(a.inFlight(), a.jobs()))
                        .findFirst().map(s -> String.format("%.1f s", s.atMs() / 1000.0)).orElse("never")));
        Optional<SteadyState> found = SteadyState.of(samples, a.jobs(), a.latencyMs(), a.inFlight(), a.warmupS() * 1000);
        if (found.isEmpty()) {
            System.out.println("steady state: none (no result, or the work ran out before the first wave of calls was back,"
                    + " one latency had passed since the first result and the warm-up was over; raise --jobs)");
            return;
        }
        SteadyState w = found.get();
        int from = samples.indexOf(w.from());
        int to = samples.indexOf(w.to());
        double target = a.inFlight() * 1000.0 / a.latencyMs();
        System.out.printf("steady state: %.1f s (%.1f s to %.1f s after the workers started, %d samples every %d ms)%n",
                w.seconds(), w.from().atMs() / 1000.0, w.to().atMs() / 1000.0, to - from + 1, a.sampleMs());
        System.out.printf("  sustained in-flight: median %d, min %d (max_in_flight %d)%n", w.medianInFlight(), w.minInFlight(), a.inFlight());
        System.out.printf("  throughput: %.0f jobs/s = %.3f x sustained in-flight / latency (%.0f jobs/s); %.3f x max_in_flight / latency (%.0f jobs/s)%n",
                w.jobsPerSecond(), w.littleRatio(a.latencyMs()), w.medianInFlight() * 1000.0 / a.latencyMs(),
                w.jobsPerSecond() / target, target);
        List<Result> window = all.stream()
                .filter(r -> r.callMs() >= 0 && r.producedAtMs() >= wall0 + w.from().atMs() && r.producedAtMs() <= wall0 + w.to().atMs())
                .toList();
        if (!window.isEmpty()) {
            double inFlightMs = w.jobsPerSecond() == 0 ? 0 : w.medianInFlight() * 1000.0 / w.jobsPerSecond();
            System.out.printf("  per job (%d results of the window), ms: call p50 %s (simulator latency %d), mean %.0f;"
                            + " call end -> result to producer p50 %s; time in flight by Little's law %.0f%n",
                    window.size(), percentiles(window, Result::callMs), a.latencyMs(),
                    window.stream().mapToLong(Result::callMs).average().orElse(0),
                    percentiles(window, r -> r.producedAtMs() - r.callStartedAtMs() - r.callMs()), inFlightMs);
        }
        long[] gcHeap = afterGc.stream().filter(g -> g.atMs() >= w.from().atMs() && g.atMs() <= w.to().atMs())
                .mapToLong(AfterGc::heapUsed).sorted().toArray();
        System.out.printf("  heap: %s; after each GC in the steady state %s; max used %d MB (sampled, garbage included);"
                        + " %d MB after System.gc() at the end, nothing in flight%n",
                live == null ? "n/a" : live.bytes() / MB + " MB live with " + live.inFlight() + " in flight (System.gc() as the steady state ended)",
                gcHeap.length == 0 ? "no GC" : gcHeap.length + " GCs, " + gcHeap[0] / MB + ".." + gcHeap[gcHeap.length - 1] / MB + " MB",
                w.maxHeapUsed() / MB, idleHeap / MB);
        Usage u0 = usage.get(from);
        Usage u1 = usage.get(to);
        double ticks = w.seconds() * 100; // USER_HZ ticks in the window, per core
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf("  CPU in the steady state, in cores (machine has %d): worker JVM %.2f (GC %.0f%% of the window), simulator %.2f,"
                        + " broker %.2f; whole machine %.2f busy (other users included)%n",
                cores, (u1.worker() - u0.worker()) / ticks, 100.0 * (u1.gcMillis() - u0.gcMillis()) / (w.seconds() * 1000),
                (u1.simulator() - u0.simulator()) / ticks, (u1.broker() - u0.broker()) / ticks,
                u1.machineTotal() == u0.machineTotal() ? 0.0
                        : cores * (double) (u1.machineBusy() - u0.machineBusy()) / (u1.machineTotal() - u0.machineTotal()));
        long jobsInWindow = w.to().completed() - w.from().completed();
        if (jobsInWindow > 0) {
            // CPU per job hardly depends on how much of the machine others leave us, unlike jobs/s.
            System.out.printf("  CPU per job in the steady state: worker %.3f ms, simulator %.3f ms, broker %.3f ms%n",
                    (u1.worker() - u0.worker()) * 10.0 / jobsInWindow, (u1.simulator() - u0.simulator()) * 10.0 / jobsInWindow,
                    (u1.broker() - u0.broker()) * 10.0 / jobsInWindow);
        }
        System.out.println("  the worker's Kafka traffic in the steady state: " + u1.traffic().since(u0.traffic(), w.seconds())
                + "; as the steady state ended, " + produceLatency);
        boolean met = w.medianInFlight() >= TARGET_IN_FLIGHT && w.littleRatio(a.latencyMs()) >= TARGET_RATIO;
        System.out.printf("target (sustained in-flight >= %d, throughput >= %.2f x in-flight / latency): %s%n",
                TARGET_IN_FLIGHT, TARGET_RATIO, met ? "met" : "NOT met");
    }

    private static String percentiles(List<Result> results, ToLongFunction<Result> field) {
        long[] v = results.stream().mapToLong(field).sorted().toArray();
        return v[v.length / 2] + ", p90 " + v[(int) (v.length * 0.9)] + ", p99 " + v[Math.min(v.length - 1, (int) (v.length * 0.99))];
    }

    private static void listenToGc(ConcurrentLinkedQueue<AfterGc> afterGc, long t0) {
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener((notification, handback) -> {
                    if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
                        var info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
                        long used = info.getGcInfo().getMemoryUsageAfterGc().values().stream().mapToLong(MemoryUsage::getUsed).sum();
                        afterGc.add(new AfterGc((System.nanoTime() - t0) / 1_000_000, used));
                    }
                }, null, null);
            }
        }
    }

    private static long gcMillis() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(GarbageCollectorMXBean::getCollectionTime).sum();
    }

    private static String openFilesLimit() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String[] f = line.substring("Max open files".length()).trim().split("\\s+");
                    return "limit " + f[0] + " (soft) / " + f[1] + " (hard)";
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return "limit unknown";
    }
}
