package dev.railyard.bench.inflight;

import java.util.List;
import java.util.Optional;

/**
 * The steady-state window of an in-flight run and what the worker sustained in it. The window opens once
 * the ramp-up is over: one latency after the first result, not before the whole first wave (as many
 * results as calls may be in flight) is back, since a cold simulator and worker answer that wave slowly, and not
 * before a warm-up time has passed: the JIT compilers of the worker, simulator and broker took about a third of
 * the machine for the first minute or so (per-thread CPU times), work a long-running service does once. It
 * closes at the last sample with work still waiting on the topic (after that the worker drains and
 * in-flight falls for want of work, not capacity).
 *
 * @param from           the window's first sample
 * @param to             the window's last sample
 * @param medianInFlight the median of the in-flight samples in the window
 * @param minInFlight    the smallest in-flight sample in the window
 * @param jobsPerSecond  results per second between {@code from} and {@code to}
 * @param maxHeapUsed    the largest heap-used sample in the window (garbage included), bytes
 */
record SteadyState(Sample from, Sample to, int medianInFlight, int minInFlight, double jobsPerSecond, long maxHeapUsed) {

    /**
     * One observation of the worker.
     *
     * @param atMs      milliseconds since the worker started
     * @param inFlight  records the worker holds unfinished
     * @param completed results seen on the results topic so far
     * @param heapUsed  heap used, bytes (live objects and not yet collected garbage)
     */
    record Sample(long atMs, int inFlight, long completed, long heapUsed) {
    }

    /**
     * The window of {@code samples} (in time order) of a run of {@code jobs} jobs with up to {@code firstWave}
     * calls in flight; empty when there is none.
     */
    static Optional<SteadyState> of(List<Sample> samples, long jobs, long latencyMs, long firstWave) {
        return of(samples, jobs, latencyMs, firstWave, 0);
    }

    /** As above, opening no earlier than {@code warmupMs} after the worker started. */
    static Optional<SteadyState> of(List<Sample> samples, long jobs, long latencyMs, long firstWave, long warmupMs) {
        Sample firstResult = samples.stream().filter(s -> s.completed() > 0).findFirst().orElse(null);
        if (firstResult == null) {
            return Optional.empty();
        }
        int start = -1;
        int end = -1;
        for (int i = 0; i < samples.size(); i++) {
            Sample s = samples.get(i);
            if (start < 0 && s.atMs() >= firstResult.atMs() + latencyMs && s.completed() >= Math.min(firstWave, jobs)
                    && s.atMs() >= warmupMs) {
                start = i;
            }
            if (s.completed() + s.inFlight() < jobs) {
                end = i;
            }
        }
        if (start < 0 || end <= start) {
            return Optional.empty();
        }
        List<Sample> window = samples.subList(start, end + 1);
        int[] inFlight = window.stream().mapToInt(Sample::inFlight).sorted().toArray();
        int n = inFlight.length;
        int median = n % 2 == 1 ? inFlight[n / 2] : (inFlight[n / 2 - 1] + inFlight[n / 2]) / 2;
        Sample from = window.get(0);
        Sample to = window.get(n - 1);
        double rate = (to.completed() - from.completed()) * 1000.0 / (to.atMs() - from.atMs());
        long maxHeap = window.stream().mapToLong(Sample::heapUsed).max().orElse(0);
        return Optional.of(new SteadyState(from, to, median, inFlight[0], rate, maxHeap));
    }

    /** Seconds the window lasted. */
    double seconds() {
        return (to.atMs() - from.atMs()) / 1000.0;
    }

    /** Throughput over what Little's law allows at the sustained in-flight: 1.0 when no call waits on anything but the provider. */
    double littleRatio(long latencyMs) {
        return medianInFlight == 0 ? 0 : jobsPerSecond / (medianInFlight * 1000.0 / latencyMs);
    }
}
