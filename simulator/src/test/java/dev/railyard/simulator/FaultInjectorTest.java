package dev.railyard.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.railyard.simulator.FaultInjector.Fault;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class FaultInjectorTest {

    @ParameterizedTest
    @CsvSource({
        "0.00, RATE_LIMITED", "0.29, RATE_LIMITED", "0.30, SERVER_ERROR", "0.54, SERVER_ERROR",
        "0.55, OVERLOADED", "0.79, OVERLOADED", "0.80, TIMEOUT", "0.89, TIMEOUT", "0.90, MALFORMED", "0.999, MALFORMED"})
    void weights_split_the_unit_interval(double u, Fault expected) {
        assertThat(FaultInjector.pick(u)).isEqualTo(expected);
    }

    @Test
    void no_faults_at_error_rate_zero() {
        FaultInjector faults = new FaultInjector(SimulatorSettings.defaults());
        for (int i = 0; i < 1_000; i++) {
            assertThat(faults.next()).isEqualTo(Fault.NONE);
        }
    }

    @Test
    void every_request_faults_at_error_rate_one_in_the_configured_mix() {
        FaultInjector faults = new FaultInjector(SimulatorSettings.defaults().withErrorRate(1.0));
        Map<Fault, Integer> counts = new EnumMap<>(Fault.class);
        for (int i = 0; i < 10_000; i++) {
            counts.merge(faults.next(), 1, Integer::sum);
        }
        assertThat(counts).doesNotContainKey(Fault.NONE);
        assertThat(counts.get(Fault.RATE_LIMITED)).isBetween(2_800, 3_200);
        assertThat(counts.get(Fault.SERVER_ERROR)).isBetween(2_300, 2_700);
        assertThat(counts.get(Fault.OVERLOADED)).isBetween(2_300, 2_700);
        assertThat(counts.get(Fault.TIMEOUT)).isBetween(850, 1_150);
        assertThat(counts.get(Fault.MALFORMED)).isBetween(850, 1_150);
    }

    @Test
    void the_same_seed_replays_the_same_faults_and_latencies() {
        SimulatorSettings settings = SimulatorSettings.defaults().withErrorRate(0.3).withLatencyMs(10).withLatencyJitterMs(20);
        assertThat(run(new FaultInjector(settings))).isEqualTo(run(new FaultInjector(settings)));
        assertThat(run(new FaultInjector(settings))).isNotEqualTo(run(new FaultInjector(settings.withSeed(7))));
    }

    @Test
    void latency_stays_within_base_plus_jitter() {
        FaultInjector faults = new FaultInjector(SimulatorSettings.defaults().withLatencyMs(10).withLatencyJitterMs(5));
        for (int i = 0; i < 1_000; i++) {
            assertThat(faults.latencyMs()).isBetween(10L, 15L);
        }
    }

    private static List<Object> run(FaultInjector faults) {
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            out.add(faults.next());
            out.add(faults.latencyMs());
        }
        return out;
    }
}
