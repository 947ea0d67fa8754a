package dev.railyard.bench.inflight;

import java.util.Map;
import java.util.TreeMap;

/**
 * Parameters of {@code bench/run inflight}: {@code --in-flight N --latency-ms L --jobs J --tenants T --sample-ms S
 * --warmup-s W --http2 --kafka KEY=VALUE}.
 *
 * @param inFlight   the provider's {@code max_in_flight}: the calls one worker may have open at once
 * @param latencyMs  the simulator's latency per call
 * @param jobs       dispatch records pre-filled on the provider's topic; enough for several latencies of steady state
 * @param tenants    tenants the jobs are spread over, round-robin (the dispatch key is tenant and priority class,
 *                   so they decide how many partitions of the dispatch topic carry work)
 * @param sampleMs   how often in-flight, completions and heap are sampled
 * @param warmupS    seconds after the worker started before the steady-state window may open (JIT warm-up)
 * @param http2      call the simulator over HTTP/2 (provider option {@code http2: true}) instead of HTTP/1.1
 * @param kafka      Kafka client properties for the worker's clients, over Railyard's own (to try a setting out)
 */
record InflightArgs(int inFlight, long latencyMs, int jobs, int tenants, long sampleMs, long warmupS, boolean http2,
                    Map<String, String> kafka) {
    static final String USAGE = "bench/run inflight [--in-flight N] [--latency-ms L] [--jobs J] [--tenants T] [--sample-ms S] [--warmup-s W] [--http2]"
            + " [--kafka KEY=VALUE]...";

    InflightArgs {
        if (inFlight < 1 || latencyMs < 1 || jobs < 1 || tenants < 1 || sampleMs < 10 || warmupS < 0) {
            throw new IllegalArgumentException("in-flight, latency, jobs and tenants must be positive, sample-ms at least 10,"
                    + " warmup-s not negative; usage: " + USAGE);
        }
        kafka = Map.copyOf(kafka);
    }

    static InflightArgs parse(String[] args) {
        int inFlight = 10_000;
        long latency = 2_000;
        int jobs = 450_000;
        int tenants = 4;
        long sample = 250;
        long warmup = 60;
        Map<String, String> kafka = new TreeMap<>();
        boolean http2 = false;
        for (int i = 0; i < args.length; i += 2) {
            if (args[i].equals("--http2")) {
                http2 = true;
                i--; // a flag: no value follows
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + args[i] + " lacks its value; usage: " + USAGE);
            }
            String v = args[i + 1];
            switch (args[i]) {
                case "--in-flight" -> inFlight = Integer.parseInt(v);
                case "--latency-ms" -> latency = Long.parseLong(v);
                case "--jobs" -> jobs = Integer.parseInt(v);
                case "--tenants" -> tenants = Integer.parseInt(v);
                case "--sample-ms" -> sample = Long.parseLong(v);
                case "--warmup-s" -> warmup = Long.parseLong(v);
                case "--kafka" -> {
                    int eq = v.indexOf('=');
                    if (eq < 1) {
                        throw new IllegalArgumentException("--kafka takes KEY=VALUE, got '" + v + "'; usage: " + USAGE);
                    }
                    kafka.put(v.substring(0, eq), v.substring(eq + 1));
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "; usage: " + USAGE);
            }
        }
        return new InflightArgs(inFlight, latency, jobs, tenants, sample, warmup, http2, kafka);
    }
}
