package dev.railyard.bench.inflight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.railyard.bench.inflight.SteadyState.Sample;
import java.util.List;
import org.junit.jupiter.api.Test;

class SteadyStateTest {
    private static Sample s(long atMs, int inFlight, long completed) {
        return new Sample(atMs, inFlight, completed, atMs * 10);
    }

    @Test
    void windowOpensOneLatencyAfterTheFirstResultAndClosesAtTheLastSampleWithWorkWaiting() {
        // 1,000 jobs, latency 1 s: ramp to 100 in flight, first result at 1.0 s, steady 100 jobs/s, drained by 10 s.
        List<Sample> samples = List.of(
                s(0, 0, 0), s(500, 100, 0), s(1000, 100, 10), s(1500, 100, 60), s(2000, 100, 110),
                s(3000, 98, 210), s(4000, 100, 310), s(5000, 102, 410), s(9000, 100, 810), s(9500, 100, 900),
                s(10_000, 90, 910), s(11_000, 0, 1000));
        SteadyState w = SteadyState.of(samples, 1000, 1000, 100).orElseThrow();
        assertThat(w.from().atMs()).isEqualTo(2000);
        assertThat(w.to().atMs()).isEqualTo(9000); // at 9.5 s, 900 done + 100 in flight: nothing waits
        assertThat(w.seconds()).isEqualTo(7.0);
        assertThat(w.medianInFlight()).isEqualTo(100);
        assertThat(w.minInFlight()).isEqualTo(98);
        assertThat(w.jobsPerSecond()).isCloseTo(100.0, within(1e-9));
        assertThat(w.littleRatio(1000)).isCloseTo(1.0, within(1e-9));
        assertThat(w.maxHeapUsed()).isEqualTo(90_000);
    }

    @Test
    void aSlowFirstWaveKeepsTheWindowClosedUntilAsManyResultsAsCallsInFlightAreBack() {
        // 100 in flight, latency 1 s, but the cold first wave trickles back over 4 s.
        List<Sample> samples = List.of(s(0, 100, 0), s(1000, 100, 5), s(2000, 100, 30), s(3000, 100, 70), s(4000, 100, 100),
                s(5000, 100, 200), s(6000, 100, 300), s(7000, 100, 400));
        SteadyState w = SteadyState.of(samples, 10_000, 1000, 100).orElseThrow();
        assertThat(w.from().atMs()).isEqualTo(4000);
        assertThat(w.jobsPerSecond()).isCloseTo(100.0, within(1e-9));
    }

    @Test
    void theLastSampleWithWorkWaitingEndsTheWindowEvenWhenLaterOnesHoldAsManyInFlight() {
        List<Sample> samples = List.of(s(0, 10, 0), s(100, 10, 1), s(200, 10, 2), s(300, 10, 5), s(400, 10, 90), s(500, 10, 95));
        SteadyState w = SteadyState.of(samples, 100, 100, 1).orElseThrow();
        assertThat(w.from().atMs()).isEqualTo(200);
        assertThat(w.to().atMs()).isEqualTo(300);
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        List<Sample> samples = List.of(s(0, 0, 0), s(100, 4, 1), s(200, 4, 2), s(300, 6, 3), s(400, 8, 4), s(500, 9, 5));
        SteadyState w = SteadyState.of(samples, 1000, 100, 1).orElseThrow();
        assertThat(w.from().atMs()).isEqualTo(200);
        assertThat(w.medianInFlight()).isEqualTo(7); // of 4, 6, 8, 9
        assertThat(w.jobsPerSecond()).isCloseTo(10.0, within(1e-9));
    }

    @Test
    void throughputBelowWhatTheInFlightAllowsShowsInTheRatio() {
        // 200 in flight at 1 s latency would allow 200 jobs/s; only 100 jobs/s came back.
        List<Sample> samples = List.of(s(0, 200, 1), s(1000, 200, 2), s(2000, 200, 102), s(3000, 200, 202));
        SteadyState w = SteadyState.of(samples, 10_000, 1000, 1).orElseThrow();
        assertThat(w.littleRatio(1000)).isCloseTo(0.5, within(1e-9));
    }

    @Test
    void theWindowOpensNoEarlierThanTheWarmUp() {
        // Ramped up after 2 s, but the first 4 s are warm-up: the window runs from the 4 s sample on, at its rate.
        List<Sample> samples = List.of(s(0, 100, 0), s(1000, 100, 100), s(2000, 100, 200), s(3000, 100, 300),
                s(4000, 100, 400), s(5000, 100, 600), s(6000, 100, 800));
        SteadyState w = SteadyState.of(samples, 10_000, 1000, 100, 4000).orElseThrow();
        assertThat(w.from().atMs()).isEqualTo(4000);
        assertThat(w.jobsPerSecond()).isCloseTo(200, within(1e-9));
        assertThat(SteadyState.of(samples, 10_000, 1000, 100, 7000)).isEmpty();
    }

    @Test
    void noWindowWithoutResultsOrWhenTheWorkRanOutWithinALatency() {
        assertThat(SteadyState.of(List.of(s(0, 5, 0), s(1000, 5, 0), s(2000, 5, 0)), 100, 500, 5)).isEmpty();
        assertThat(SteadyState.of(List.of(s(0, 50, 0), s(100, 50, 50), s(200, 0, 100)), 100, 500, 50)).isEmpty();
        assertThat(SteadyState.of(List.of(), 100, 500, 5)).isEmpty();
    }
}
