package dev.railyard.bench;

/** Benchmark parameters: {@code --jobs N --latency-ms L --rate R --pace-seconds S --accept-lines M --config FILE --model NAME}. */
record BenchArgs(int jobs, long latencyMs, int rate, int paceSeconds, int acceptLines, java.nio.file.Path config, String model) {
    static BenchArgs parse(String[] args) {
        int jobs = 10_000;
        long latency = 0;
        int rate = 1_000;
        int pace = 10;
        int accept = 50_000;
        java.nio.file.Path config = null;
        String model = "gpt-4o-mini";
        for (int i = 0; i + 1 < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--jobs" -> jobs = Integer.parseInt(v);
                case "--latency-ms" -> latency = Long.parseLong(v);
                case "--rate" -> rate = Integer.parseInt(v);
                case "--pace-seconds" -> pace = Integer.parseInt(v);
                case "--accept-lines" -> accept = Integer.parseInt(v);
                case "--config" -> config = java.nio.file.Path.of(v);
                case "--model" -> model = v;
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (known: --jobs --latency-ms --rate --pace-seconds --accept-lines --config --model)");
            }
        }
        return new BenchArgs(jobs, latency, rate, pace, accept, config, model);
    }
}
