package dev.railyard.bench;

import dev.railyard.launcher.Platform;
import dev.railyard.launcher.PlatformSettings;
import dev.railyard.launcher.RailyardClient;
import dev.railyard.simulator.SimulatorSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The foundation benchmark: everything in one JVM on the embedded broker and database, against the simulator.
 * Prints end-to-end throughput (submitted → result durable in PostgreSQL), platform overhead percentiles at a
 * paced rate, the acceptance time of a large batch, and peak RSS.
 */
public final class Bench {
    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        BenchArgs a = BenchArgs.parse(args);
        Path dir = Files.createTempDirectory("railyard-bench-");
        System.out.printf("railyard bench: %d jobs of %s, simulator latency %d ms, paced rate %d jobs/s for %d s, acceptance batch %d lines%n",
                a.jobs(), a.model(), a.latencyMs(), a.rate(), a.paceSeconds(), a.acceptLines());
        SimulatorSettings sim = SimulatorSettings.defaults().withLatencyMs(a.latencyMs());
        try (Platform platform = Platform.start(PlatformSettings.embedded(dir).withSimulator(sim).withConfigFile(a.config()))) {
            RailyardClient client = new RailyardClient(platform.apiBaseUrl());
            // Warm-up: JIT, connections, consumer group joins.
            runBatch(platform, client, jsonl("warm", 2000, a.model()));

            if (a.jobs() > 0) {
                long t0 = System.nanoTime();
                String batchId = runBatch(platform, client, jsonl("tput", a.jobs(), a.model()));
                double seconds = (System.nanoTime() - t0) / 1e9;
                System.out.printf("throughput: %d jobs in %.2f s = %.0f jobs/s end to end (submit -> result durable in PostgreSQL)%n",
                        a.jobs(), seconds, a.jobs() / seconds);
                printOverhead("  per-job (all submitted at once, includes queueing)", platform, List.of(batchId), a.latencyMs());
                printStages(platform, List.of(batchId));
                printRouterStage(platform, batchId, a.model());
            }
            if (a.rate() > 0) {
                List<String> batches = new ArrayList<>();
                int perTick = Math.max(1, a.rate() / 10);
                long start = System.nanoTime();
                for (int tick = 0; tick < a.paceSeconds() * 10; tick++) {
                    long due = start + tick * 100_000_000L;
                    while (System.nanoTime() < due) {
                        Thread.sleep(1);
                    }
                    batches.add(client.submitBatch(jsonl("paced" + tick, perTick, a.model())).path("id").asText());
                }
                for (String b : batches) {
                    awaitTerminal(platform, b, perTick);
                }
                printOverhead("overhead at " + a.rate() + " jobs/s", platform, batches, a.latencyMs());
                printStages(platform, batches);
            }
            if (a.acceptLines() > 0) {
                byte[] big = jsonl("accept", a.acceptLines(), a.model());
                long t0 = System.nanoTime();
                String id = client.submitBatch(big).path("id").asText();
                double ms = (System.nanoTime() - t0) / 1e6;
                System.out.printf("acceptance: %d-line batch (%.1f MB) accepted in %.0f ms%n", a.acceptLines(), big.length / 1e6, ms);
                awaitTerminal(platform, id, a.acceptLines());
            }
            System.out.printf("peak RSS: %d MB (whole JVM: broker, database client, services, simulator)%n", peakRssKb() / 1024);
        }
        System.out.println("note: PostgreSQL runs as a separate process; its memory is not in the RSS figure.");
    }

    private static String runBatch(Platform platform, RailyardClient client, byte[] jsonl) throws Exception {
        var batch = client.submitBatch(jsonl);
        String id = batch.path("id").asText();
        awaitTerminal(platform, id, batch.path("request_counts").path("total").asLong());
        return id;
    }

    private static void awaitTerminal(Platform platform, String batchId, long total) throws Exception {
        while (terminal(platform, batchId) < total) {
            Thread.sleep(20);
        }
    }

    private static long terminal(Platform platform, String batchId) throws SQLException {
        try (Connection c = platform.dataSource().getConnection();
             PreparedStatement st = c.prepareStatement("select count(*) from jobs where batch_id = ? and state <> 'queued'")) {
            st.setString(1, batchId);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Per job: time from accepted (created_at) to result durable (finished_at), minus the simulator's latency. */
    private static void printOverhead(String label, Platform platform, List<String> batchIds, long latencyMs) throws SQLException {
        try (Connection c = platform.dataSource().getConnection();
             PreparedStatement st = c.prepareStatement("""
                     select percentile_cont(array[0.5, 0.99]) within group (order by extract(epoch from (finished_at - created_at)) * 1000)
                     from jobs where batch_id = any(?)""")) {
            st.setArray(1, c.createArrayOf("text", batchIds.toArray()));
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                Double[] p = (Double[]) rs.getArray(1).getArray();
                System.out.printf("%s: p50 %.1f ms, p99 %.1f ms (end to end minus %d ms simulator latency)%n",
                        label, p[0] - latencyMs, p[1] - latencyMs, latencyMs);
            }
        }
    }

    /** Where the time goes: accepted → call started (ingest, router, dispatch), call, result → durable (ledger). */
    private static void printStages(Platform platform, List<String> batchIds) throws SQLException {
        try (Connection c = platform.dataSource().getConnection();
             PreparedStatement st = c.prepareStatement("""
                     with first_attempt as (
                         select a.job_id, min(a.started_at) as started, max(a.recorded_at) as recorded
                         from attempts a join jobs j on j.id = a.job_id where j.batch_id = any(?) group by a.job_id)
                     select percentile_cont(0.5) within group (order by extract(epoch from (f.started - j.created_at)) * 1000),
                            percentile_cont(0.99) within group (order by extract(epoch from (f.started - j.created_at)) * 1000),
                            percentile_cont(0.5) within group (order by extract(epoch from (j.finished_at - f.started)) * 1000),
                            percentile_cont(0.99) within group (order by extract(epoch from (j.finished_at - f.started)) * 1000),
                            percentile_cont(0.5) within group (order by extract(epoch from (f.recorded - j.finished_at)) * 1000),
                            percentile_cont(0.99) within group (order by extract(epoch from (f.recorded - j.finished_at)) * 1000)
                     from jobs j join first_attempt f on f.job_id = j.id""")) {
            st.setArray(1, c.createArrayOf("text", batchIds.toArray()));
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                System.out.printf("  stages p50/p99 ms: accepted->call %.0f/%.0f, call->result %.0f/%.0f, result->durable %.0f/%.0f%n",
                        rs.getDouble(1), rs.getDouble(2), rs.getDouble(3), rs.getDouble(4), rs.getDouble(5), rs.getDouble(6));
            }
        }
    }

    /** accepted -> dispatched: the time from the job row to the router's dispatch record (its Kafka timestamp). */
    private static void printRouterStage(Platform platform, String batchId, String model) throws SQLException {
        java.util.Map<String, Long> created = new java.util.HashMap<>();
        try (Connection c = platform.dataSource().getConnection();
             PreparedStatement st = c.prepareStatement("select id, (extract(epoch from created_at) * 1000)::bigint from jobs where batch_id = ?")) {
            st.setString(1, batchId);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    created.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        List<Long> delays = new ArrayList<>();
        String topic = dev.railyard.schema.Topics.dispatch(platform.config().deploymentsOf(model).get(0).provider());
        var codec = new dev.railyard.schema.EventCodec();
        try (var consumer = platform.kafkaClients().consumer("bench-" + System.nanoTime(), 5000)) {
            var partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new org.apache.kafka.common.TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            var end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (var r : consumer.poll(java.time.Duration.ofMillis(200))) {
                    // Dispatch records are keyed by tenant and class: the job id is in the value.
                    Long t = created.get(codec.decode(r.value(), dev.railyard.schema.event.JobDispatched.class).jobId());
                    if (t != null) {
                        delays.add(r.timestamp() - t);
                    }
                }
            }
        }
        delays.sort(null);
        if (!delays.isEmpty()) {
            System.out.printf("  accepted->dispatched p50 %d ms, p99 %d ms (%d jobs)%n", delays.get(delays.size() / 2),
                    delays.get((int) (delays.size() * 0.99)), delays.size());
        }
    }

    private static long peakRssKb() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    static byte[] jsonl(String prefix, int n, String model) {
        StringBuilder sb = new StringBuilder(n * 200);
        for (int i = 0; i < n; i++) {
            sb.append("{\"custom_id\":\"").append(prefix).append('-').append(i)
                    .append("\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"").append(model)
                    .append("\",\"max_tokens\":64,")
                    .append("\"messages\":[{\"role\":\"user\",\"content\":\"Benchmark job ").append(i)
                    .append(": summarise the benefits of asynchronous batch processing.\"}]}}\n");
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
}
