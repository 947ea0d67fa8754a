package dev.railyard.budget.alert;

import dev.railyard.config.BudgetSpec;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/** Which of a budget's soft thresholds a window's spend has reached. */
public final class Thresholds {
    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    private Thresholds() {
    }

    /**
     * The thresholds {@code t} of {@code budget.alertAt()} with {@code spent >= limit × t / 100}, ascending. Nothing is
     * reached without spend, so a zero limit never alerts for a window that spent nothing.
     */
    public static List<Integer> reached(BudgetSpec budget, BigDecimal spent) {
        List<Integer> out = new ArrayList<>();
        if (spent.signum() <= 0) {
            return out;
        }
        // spent × 100 >= limit × t: exact, no division.
        BigDecimal scaled = spent.multiply(HUNDRED);
        for (int t : budget.alertAt()) {
            if (scaled.compareTo(budget.limitUsd().multiply(BigDecimal.valueOf(t))) >= 0) {
                out.add(t);
            }
        }
        return out;
    }
}
