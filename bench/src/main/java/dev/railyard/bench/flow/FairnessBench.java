package dev.railyard.bench.flow;

import dev.railyard.api.Ids;
import dev.railyard.api.jobs.JobPublisher;
import dev.railyard.api.jobs.JobStore;
import dev.railyard.api.jobs.NewJob;
import dev.railyard.api.jobs.Priority;
import dev.railyard.launcher.Platform;
import dev.railyard.launcher.PlatformSettings;
import dev.railyard.launcher.RailyardClient;
import dev.railyard.schema.EventCodec;
import dev.railyard.schema.Topics;
import dev.railyard.simulator.SimulatorSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.TopicPartition;

/**
 * Issue 4, fairness: tenant A submits one large bulk batch, and a few seconds later, with a backlog standing,
 * tenant B submits a handful of jobs. Prints the queue wait (job accepted → first attempt started) p50/p95 of
 * B's jobs and of A's, and when B's last job finished relative to A's batch.
 *
 * <p>The REST API resolves every request to the tenant {@code default} for now (api-ingest's TenantResolver), so
 * A's batch goes through the API as tenant {@code default} and B's jobs are accepted the way the API accepts a
 * single job — the same {@link JobStore} insert and {@link JobPublisher} record, with tenant {@code tenant-b} —
 * without the HTTP hop.
 *
 * <p>Usage: {@code FairnessBench [--a-jobs 20000] [--b-jobs 10] [--b-after-s 5] [--latency-ms 500]
 * [--max-in-flight 256] [--b-priority bulk|standard|interactive]}
 */
public final class FairnessBench {
    private static final String MODEL = "gpt-4o-mini";
    private static final String TENANT_B = "tenant-b";

    private FairnessBench() {
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = FlowSupport.args(argv);
        int aJobs = (int) FlowSupport.number(args, "a-jobs", 20_000);
        int bJobs = (int) FlowSupport.number(args, "b-jobs", 10);
        long bAfterMs = FlowSupport.number(args, "b-after-s", 5) * 1000;
        long latencyMs = FlowSupport.number(args, "latency-ms", 500);
        long maxInFlight = FlowSupport.number(args, "max-in-flight", 256);
        String bPriority = args.getOrDefault("b-priority", Priority.BULK);
        System.out.printf("fairness bench: tenant A (default) %d bulk jobs in one batch, tenant B %d %s jobs %d s after A's batch is accepted; "
                        + "simulator latency %d ms, provider max_in_flight %d%n",
                aJobs, bJobs, bPriority, bAfterMs / 1000, latencyMs, maxInFlight);
        var config = FlowSupport.writeConfig(config(maxInFlight));
        SimulatorSettings sim = SimulatorSettings.defaults().withLatencyMs(latencyMs);
        try (Platform platform = Platform.start(PlatformSettings.embedded(Files.createTempDirectory("railyard-fairness-"))
                .withSimulator(sim).withConfigFile(config))) {
            RailyardClient client = new RailyardClient(platform.apiBaseUrl());
            long t0 = System.currentTimeMillis();
            String batchA = client.submitBatch(FlowSupport.jsonl("tenant-a", aJobs, MODEL)).path("id").asText();
            long accepted = System.currentTimeMillis();
            System.out.printf("  A's batch accepted in %d ms%n", accepted - t0);
            // B arrives while A's backlog is being worked off: some seconds after A's batch is accepted.
            Thread.sleep(bAfterMs);

            EventCodec codec = new EventCodec();
            JobStore store = new JobStore(platform.dataSource(), codec.mapper());
            Ids ids = new Ids();
            List<NewJob> bs = new ArrayList<>();
            try (var producer = platform.kafkaClients().producer("bench-tenant-b")) {
                JobPublisher publisher = new JobPublisher(producer, codec, Clock.systemUTC());
                for (int i = 0; i < bJobs; i++) {
                    String body = "{\"model\":\"" + MODEL + "\",\"max_tokens\":32,\"messages\":[{\"role\":\"user\",\"content\":\"Tenant B job "
                            + i + ": one line on fairness.\"}]}";
                    NewJob job = new NewJob(ids.jobId(), TENANT_B, null, null, 0, "/v1/chat/completions", MODEL, body, bPriority,
                            null, null, null, Instant.now().truncatedTo(ChronoUnit.MICROS));
                    store.insert(job);
                    bs.add(job);
                }
                var report = publisher.publish(bs).join();
                if (!report.ok()) {
                    throw new IllegalStateException("tenant B's jobs not published: " + report.firstError());
                }
            }
            long bSubmitted = System.currentTimeMillis();
            System.out.printf("  B's %d jobs accepted %.1f s after A's batch was accepted; A's jobs finished by then: %d%n",
                    bJobs, (bSubmitted - accepted) / 1000.0, FlowSupport.terminal(platform, "batch_id = ?", batchA));
            FlowSupport.awaitTerminal(platform, bJobs, 30 * 60_000L, "tenant = ?", TENANT_B);
            long aDoneWhenBDone = FlowSupport.terminal(platform, "batch_id = ?", batchA);
            FlowSupport.awaitTerminal(platform, aJobs, 30 * 60_000L, "batch_id = ?", batchA);

            printWaits(platform, "tenant B", "j.tenant = ?", TENANT_B);
            printWaits(platform, "tenant A (all)", "j.batch_id = ?", batchA);
            printWaits(platform, "tenant A, accepted before B, first attempt after B accepted", "j.batch_id = ? and f.started >= ?",
                    batchA, new java.sql.Timestamp(bSubmitted));
            printRouterStage(platform, batchA);
            try (Connection c = platform.dataSource().getConnection();
                 PreparedStatement st = c.prepareStatement("""
                         select extract(epoch from (select max(finished_at) from jobs where tenant = ?) - min(created_at)),
                                extract(epoch from max(finished_at) - min(created_at)),
                                extract(epoch from (select max(finished_at) from jobs where tenant = ?)
                                                   - (select min(created_at) from jobs where tenant = ?))
                         from jobs where batch_id = ?""")) {
                st.setString(1, TENANT_B);
                st.setString(2, TENANT_B);
                st.setString(3, TENANT_B);
                st.setString(4, batchA);
                try (ResultSet rs = st.executeQuery()) {
                    rs.next();
                    System.out.printf("B's last job finished %.1f s after A's batch was accepted (%.1f s after B's first was accepted); "
                                    + "A's batch finished after %.1f s; %d of A's %d jobs had finished when B's last did (%.1f %%)%n",
                            rs.getDouble(1), rs.getDouble(3), rs.getDouble(2), aDoneWhenBDone, aJobs, 100.0 * aDoneWhenBDone / aJobs);
                }
            }
        }
    }

    /** Queue wait: accepted (jobs.created_at) → first attempt started (min attempts.started_at). */
    private static void printWaits(Platform platform, String label, String condition, Object... params) throws SQLException {
        try (Connection c = platform.dataSource().getConnection();
             PreparedStatement st = c.prepareStatement("""
                     with f as (select a.job_id, min(a.started_at) as started from attempts a group by a.job_id)
                     select count(*),
                            percentile_cont(0.5) within group (order by extract(epoch from (f.started - j.created_at)) * 1000),
                            percentile_cont(0.95) within group (order by extract(epoch from (f.started - j.created_at)) * 1000),
                            max(extract(epoch from (f.started - j.created_at)) * 1000)
                     from jobs j join f on f.job_id = j.id where """ + " " + condition)) {
            for (int i = 0; i < params.length; i++) {
                st.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                System.out.printf("  queue wait %s: p50 %.0f ms, p95 %.0f ms, max %.0f ms (%d jobs)%n",
                        label, rs.getDouble(2), rs.getDouble(3), rs.getDouble(4), rs.getLong(1));
            }
        }
    }

    /**
     * Where B's wait is spent: accepted → the router's dispatch record (its Kafka timestamp), per tenant, and the
     * dispatch partition each tenant's records landed on (dispatch records are keyed by tenant and class).
     */
    private static void printRouterStage(Platform platform, String batchA) throws SQLException {
        Map<String, Long> created = new HashMap<>();
        Map<String, String> tenantOf = new HashMap<>();
        try (Connection c = platform.dataSource().getConnection();
             PreparedStatement st = c.prepareStatement(
                     "select id, tenant, (extract(epoch from created_at) * 1000)::bigint from jobs where batch_id = ? or tenant = ?")) {
            st.setString(1, batchA);
            st.setString(2, TENANT_B);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    created.put(rs.getString(1), rs.getLong(3));
                    tenantOf.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        Map<String, List<Long>> delays = new TreeMap<>();
        Map<String, Set<Integer>> partitions = new TreeMap<>();
        String topic = Topics.dispatch(platform.config().deploymentsOf(MODEL).get(0).provider());
        try (var consumer = platform.kafkaClients().consumer("bench-" + System.nanoTime(), 5000)) {
            var all = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(all);
            consumer.seekToBeginning(all);
            var end = consumer.endOffsets(all);
            while (all.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (var r : consumer.poll(Duration.ofMillis(200))) {
                    String key = new String(r.key(), StandardCharsets.UTF_8);
                    // Keys are tenant:priority; the job id is in the value. Match on the value's job id.
                    String id = jobIdOf(r.value());
                    Long t = id == null ? null : created.get(id);
                    if (t != null && r.timestamp() >= t) {
                        String tenant = tenantOf.get(id);
                        delays.computeIfAbsent(tenant, k -> new ArrayList<>()).add(r.timestamp() - t);
                        partitions.computeIfAbsent(tenant + " (key " + key + ")", k -> new TreeSet<>()).add(r.partition());
                    }
                }
            }
        }
        for (var e : delays.entrySet()) {
            List<Long> d = e.getValue();
            d.sort(null);
            System.out.printf("  accepted->dispatched %s: p50 %d ms, p95 %d ms, max %d ms (%d dispatch records)%n", e.getKey(),
                    d.get(d.size() / 2), d.get((int) (d.size() * 0.95)), d.get(d.size() - 1), d.size());
        }
        System.out.printf("  dispatch partitions by key: %s%n", partitions);
    }

    private static String jobIdOf(byte[] value) {
        String s = new String(value, StandardCharsets.UTF_8);
        int i = s.indexOf("\"job_id\":\"");
        if (i < 0) {
            return null;
        }
        int from = i + "\"job_id\":\"".length();
        return s.substring(from, s.indexOf('"', from));
    }

    private static String config(long maxInFlight) {
        return """
                providers:
                  openai:
                    type: openai-compatible
                    base_url: https://api.openai.com/v1
                    simulate_without_key: true
                    timeout_ms: 60000
                    max_in_flight: %d
                models:
                  gpt-4o-mini:
                    owned_by: openai
                    kind: chat
                    input_per_million: 0.15
                    output_per_million: 0.60
                    context_window: 128000
                    capabilities: [chat]
                deployments:
                  - { id: openai-gpt-4o-mini, provider: openai, model: gpt-4o-mini }
                """.formatted(maxInFlight);
    }
}
