package dev.railyard.router.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.railyard.schema.event.DeploymentHealthSnapshot.Circuit;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every transition of the circuit under the default policy (open at 5 failures in a row or at 50 % of
 * at least 20 attempts; open 30 s; 3 probes). A script is a list of steps: {@code F} a failure,
 * {@code S} a success, {@code F*5} five of them, {@code +30s} time passing.
 */
class CircuitBreakerTest {
    /** The transition table is written for a streak threshold of 5 (the defaults use 10). */
    static final CircuitPolicy FIVE_IN_A_ROW = new CircuitPolicy(20, 0.5, 5, java.time.Duration.ofSeconds(30), 3);

    static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

    /** Runs a script the way the aggregator does: window counts since the circuit last closed. */
    static final class Run {
        final MutableClock clock = new MutableClock(T0);
        final CircuitBreaker breaker = new CircuitBreaker(FIVE_IN_A_ROW, clock);
        int requests;
        int failures;

        Run play(String script) {
            for (String step : script.trim().split("\\s+")) {
                if (step.isEmpty()) {
                    continue;
                }
                if (step.startsWith("+")) {
                    clock.advance(Duration.ofSeconds(Long.parseLong(step.substring(1, step.length() - 1))));
                    continue;
                }
                int times = step.contains("*") ? Integer.parseInt(step.substring(step.indexOf('*') + 1)) : 1;
                for (int i = 0; i < times; i++) {
                    boolean failed = step.charAt(0) == 'F';
                    requests++;
                    failures += failed ? 1 : 0;
                    Circuit before = breaker.state();
                    if (breaker.record(failed, requests, failures) == Circuit.CLOSED && before != Circuit.CLOSED) {
                        requests = 0;
                        failures = 0;
                    }
                }
            }
            return this;
        }
    }

    @ParameterizedTest(name = "{0}: {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            starts closed                                  |                      | CLOSED
            four failures in a row stay closed             | F*4                  | CLOSED
            five failures in a row open                    | F*5                  | OPEN
            a success resets the streak                    | F*4 S F*4            | CLOSED
            half of 19 attempts is too few to judge        | F S F S F S F S F S F S F S F S F S F | CLOSED
            half of 20 attempts opens                      | S F S F S F S F S F S F S F S F S F S F | OPEN
            a success never opens even at half failures    | F S F S F S F S F S F S F S F S F S F S | CLOSED
            the next failure after that opens              | F S F S F S F S F S F S F S F S F S F S F | OPEN
            nine of twenty failing stays closed            | S*11 F S F S F S F S F S F S F S F S F | CLOSED
            open stays open until the period ends          | F*5 +29s             | OPEN
            open becomes half open after 30 s              | F*5 +30s             | HALF_OPEN
            answers to earlier work while open change nothing | F*5 S*4           | OPEN
            failures while open do not extend the period   | F*5 +20s F*3 +10s    | HALF_OPEN
            two probe successes stay half open             | F*5 +30s S S         | HALF_OPEN
            three probe successes close                    | F*5 +30s S S S       | CLOSED
            a failed probe opens again                     | F*5 +30s S F         | OPEN
            a failed probe restarts the open period        | F*5 +30s F +29s      | OPEN
            and half opens after another full period       | F*5 +30s F +30s      | HALF_OPEN
            closed after probes needs a fresh streak       | F*5 +30s S*3 F*4     | CLOSED
            closed after probes opens on a new streak      | F*5 +30s S*3 F*5     | OPEN
            """)
    void transitions(String behaviour, String script, Circuit expected) {
        assertThat(new Run().play(script == null ? "" : script).breaker.state()).as(behaviour).isEqualTo(expected);
    }

    @Test
    void records_when_it_opened_and_the_failure_streak() {
        Run run = new Run().play("F*4 +10s F");
        assertThat(run.breaker.openedAt()).isEqualTo(T0.plusSeconds(10));
        assertThat(run.breaker.consecutiveFailures()).isEqualTo(5);

        run.play("+30s F");
        assertThat(run.breaker.openedAt()).isEqualTo(T0.plusSeconds(40));
        assertThat(run.breaker.state()).isEqualTo(Circuit.OPEN);
    }

    @Test
    void never_opened_has_no_open_time() {
        Run run = new Run().play("F S F");
        assertThat(run.breaker.openedAt()).isNull();
        assertThat(run.breaker.consecutiveFailures()).isEqualTo(1);
    }

    @Test
    void a_custom_policy_opens_sooner_and_recovers_faster() {
        MutableClock clock = new MutableClock(T0);
        CircuitBreaker b = new CircuitBreaker(new CircuitPolicy(20, 0.5, 2, Duration.ofSeconds(1), 1), clock);
        b.record(true, 1, 1);
        assertThat(b.record(true, 2, 2)).isEqualTo(Circuit.OPEN);
        clock.advance(Duration.ofSeconds(1));
        assertThat(b.state()).isEqualTo(Circuit.HALF_OPEN);
        assertThat(b.record(false, 3, 2)).isEqualTo(Circuit.CLOSED);
    }

    @ParameterizedTest
    @CsvSource({"0, 0.5, 5, 30, 3", "20, 0, 5, 30, 3", "20, 1.5, 5, 30, 3", "20, 0.5, 0, 30, 3", "20, 0.5, 5, 0, 3", "20, 0.5, 5, 30, 0"})
    void rejects_a_policy_that_could_never_or_always_open(int minRequests, double rate, int streak, long openSeconds, int probes) {
        assertThatThrownBy(() -> new CircuitPolicy(minRequests, rate, streak, Duration.ofSeconds(openSeconds), probes))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
