package dev.railyard.router.budget;

import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/** Awaits a condition on state (polled), failing after a generous timeout. */
public final class Eventually {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private Eventually() {
    }

    public static void await(String what, BooleanSupplier condition) {
        Instant deadline = Instant.now().plus(TIMEOUT);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("not within " + TIMEOUT.toSeconds() + " s: " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted awaiting " + what, e);
            }
        }
    }
}
