package dev.railyard.simulator;

import java.util.Random;

/**
 * Decides, from one seeded random sequence, each request's latency and whether it gets an injected
 * transient error. {@link Random} is thread-safe, and seeded it makes a run reproducible.
 */
final class FaultInjector {
    enum Fault { NONE, RATE_LIMITED, SERVER_ERROR, OVERLOADED, TIMEOUT, MALFORMED }

    // Cumulative weights of the injected faults: 429 30%, 500 25%, 503 25%, timeout 10%, malformed 10%.
    private static final double[] CUMULATIVE = {0.30, 0.55, 0.80, 0.90, 1.00};
    private static final Fault[] FAULTS = {Fault.RATE_LIMITED, Fault.SERVER_ERROR, Fault.OVERLOADED, Fault.TIMEOUT, Fault.MALFORMED};

    private final SimulatorSettings settings;
    private final Random random;

    FaultInjector(SimulatorSettings settings) {
        this.settings = settings;
        this.random = new Random(settings.seed());
    }

    Fault next() {
        if (settings.errorRate() <= 0.0 || random.nextDouble() >= settings.errorRate()) {
            return Fault.NONE;
        }
        return pick(random.nextDouble());
    }

    static Fault pick(double u) {
        for (int i = 0; i < CUMULATIVE.length; i++) {
            if (u < CUMULATIVE[i]) {
                return FAULTS[i];
            }
        }
        return FAULTS[FAULTS.length - 1];
    }

    long latencyMs() {
        long jitter = settings.latencyJitterMs() > 0 ? (long) (random.nextDouble() * (settings.latencyJitterMs() + 1)) : 0;
        return settings.latencyMs() + jitter;
    }
}
