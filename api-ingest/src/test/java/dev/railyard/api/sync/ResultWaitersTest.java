package dev.railyard.api.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class ResultWaitersTest {
    private final ResultWaiters waiters = new ResultWaiters();

    @Test
    void an_outcome_completes_its_waiter_once_and_stops_tracking_the_job() {
        CompletableFuture<Finished> promise = waiters.register("job_a");
        Finished outcome = new Finished("job_a", "succeeded", "{}", null);

        waiters.finish(outcome);
        waiters.finish(new Finished("job_a", "failed", null, null));

        assertThat(promise).isCompletedWithValue(outcome);
        assertThat(waiters.waitingFor("job_a")).isFalse();
        assertThat(waiters.size()).isZero();
    }

    @Test
    void outcomes_of_jobs_nobody_waits_for_are_dropped() {
        waiters.finish(new Finished("job_nobody", "succeeded", "{}", null));

        assertThat(waiters.waitingFor("job_nobody")).isFalse();
        assertThat(waiters.size()).isZero();
    }

    @Test
    void a_forgotten_waiter_is_not_completed() {
        CompletableFuture<Finished> promise = waiters.register("job_b");

        waiters.forget("job_b");
        waiters.finish(new Finished("job_b", "succeeded", "{}", null));

        assertThat(promise).isNotDone();
    }

    @Test
    void once_results_cannot_be_read_every_waiter_fails_now_and_later() {
        CompletableFuture<Finished> before = waiters.register("job_c");

        waiters.breakAll(new IllegalStateException("listener stopped"));
        CompletableFuture<Finished> after = waiters.register("job_d");

        assertThat(before).isCompletedExceptionally();
        assertThat(after).isCompletedExceptionally();
        assertThat(waiters.size()).isZero();
    }
}
