package dev.railyard.provider.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.railyard.config.Deployment;
import dev.railyard.config.ProviderConfig;
import dev.railyard.config.RateLimit;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Admission against RPM/TPM buckets, pauses and deadlines, on manual time (nothing here waits on the wall clock's pace). */
class QuotasTest {
    private final ManualTime time = new ManualTime();
    private final Quotas quotas = new Quotas(new LocalBucketStore(time), new LocalPauseBoard(), time);
    private final List<String> admitted = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        quotas.close();
    }

    static Deployment deployment(RateLimit limits) {
        return new Deployment("d1", "p1", "gpt-4o-mini", "gpt-4o-mini", List.of(), 0.5, 1000, 0, 1, limits);
    }

    static ProviderConfig provider(RateLimit limits) {
        return new ProviderConfig("p1", "openai-compatible", "http://127.0.0.1:1", "k", false, false,
                Duration.ofSeconds(5), 8, Map.of(), limits);
    }

    private Future<Permit> admit(String name, Deployment d, ProviderConfig p, long tokens, Instant deadline) {
        return quotas.admit(d, p, tokens, deadline).onSuccess(permit -> admitted.add(name));
    }

    /** Waits (really) for the pump thread to catch up with manual time. */
    private static void eventually(BooleanSupplier condition) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new AssertionError("condition not met in 20 s");
            }
            Thread.sleep(5);
        }
    }

    /** Gives the pump a chance to (wrongly) admit more, so "still N" is a real check. */
    private static void settle() throws InterruptedException {
        Thread.sleep(300);
    }

    @Test
    void without_limits_or_pauses_a_call_is_admitted_at_once() {
        Future<Permit> f = quotas.admit(deployment(RateLimit.NONE), provider(RateLimit.NONE), 500, null);
        assertThat(f.succeeded()).isTrue();
        assertThat(quotas.waiting()).isZero();
    }

    @Test
    void requests_per_minute_admit_one_per_refill_in_arrival_order_and_never_a_burst() throws Exception {
        Deployment d = deployment(new RateLimit(60, 0)); // one a second, holding at most one
        ProviderConfig p = provider(RateLimit.NONE);
        for (int i = 0; i < 5; i++) {
            admit("job-" + i, d, p, 10, null);
        }
        settle();
        assertThat(admitted).as("buckets start empty").isEmpty();
        time.advance(Duration.ofSeconds(1));
        eventually(() -> admitted.size() == 1);
        time.advance(Duration.ofSeconds(10)); // ten seconds idle still earn only one second's worth
        eventually(() -> admitted.size() == 2);
        settle();
        assertThat(admitted).hasSize(2);
        time.advance(Duration.ofSeconds(1));
        eventually(() -> admitted.size() == 3);
        assertThat(admitted).containsExactly("job-0", "job-1", "job-2");
        assertThat(quotas.waiting()).isEqualTo(2);
    }

    @Test
    void tokens_per_minute_charge_the_estimate_and_the_usage_corrects_it() throws Exception {
        Deployment d = deployment(new RateLimit(0, 1200)); // 20 tokens a second, holding at most 100
        ProviderConfig p = provider(RateLimit.NONE);
        Future<Permit> first = admit("a", d, p, 100, null);
        admit("b", d, p, 60, null);
        settle(); // the bucket is made (empty) at its first use
        time.advance(Duration.ofSeconds(6)); // full: 100
        eventually(() -> admitted.size() == 1);
        settle();
        assertThat(admitted).as("b waits: a took all 100").containsExactly("a");
        quotas.settle(first.result(), 20); // used 20 of the 100 charged: 80 come back, enough for b
        eventually(() -> admitted.size() == 2);
        assertThat(admitted).containsExactly("a", "b");
    }

    @Test
    void a_call_larger_than_the_bucket_still_runs_and_the_next_ones_pay_its_debt() throws Exception {
        Deployment d = deployment(new RateLimit(0, 1200)); // capacity 100 tokens
        ProviderConfig p = provider(RateLimit.NONE);
        admit("big", d, p, 300, null);
        admit("small", d, p, 10, null);
        settle();
        time.advance(Duration.ofSeconds(5));
        eventually(() -> admitted.size() == 1);
        time.advance(Duration.ofSeconds(5)); // refills 100 tokens, but 200 are owed
        settle();
        assertThat(admitted).containsExactly("big");
        time.advance(Duration.ofSeconds(11));
        eventually(() -> admitted.size() == 2);
    }

    @Test
    void the_provider_key_limit_binds_across_deployments_and_a_refusal_takes_nothing() throws Exception {
        Deployment d = deployment(new RateLimit(600, 0)); // 10 a second for the deployment
        ProviderConfig p = provider(new RateLimit(60, 0)); // but 1 a second for the key
        for (int i = 0; i < 3; i++) {
            admit("job-" + i, d, p, 10, null);
        }
        settle();
        time.advance(Duration.ofSeconds(1));
        eventually(() -> admitted.size() == 1);
        settle();
        assertThat(admitted).hasSize(1);
        time.advance(Duration.ofSeconds(1));
        eventually(() -> admitted.size() == 2);
    }

    @Test
    void a_pause_holds_the_deployment_even_with_quota_left_until_it_ends() throws Exception {
        Deployment d = deployment(RateLimit.NONE);
        ProviderConfig p = provider(RateLimit.NONE);
        quotas.pause(d, Duration.ofSeconds(30), "429 from d1");
        eventually(() -> quotas.pausedUntil(d, p).isAfter(time.instant()));
        admit("held", d, p, 10, null);
        settle();
        assertThat(admitted).isEmpty();
        time.advance(Duration.ofSeconds(29));
        settle();
        assertThat(admitted).isEmpty();
        time.advance(Duration.ofSeconds(2));
        eventually(() -> admitted.size() == 1);
    }

    @Test
    void a_job_whose_deadline_comes_while_it_waits_fails_as_expired_and_does_not_block_the_next() throws Exception {
        Deployment d = deployment(new RateLimit(60, 0));
        ProviderConfig p = provider(RateLimit.NONE);
        List<Throwable> failures = new ArrayList<>();
        quotas.admit(d, p, 10, time.instant().plusMillis(500)).onFailure(failures::add);
        admit("patient", d, p, 10, null);
        settle();
        time.advance(Duration.ofSeconds(1));
        eventually(() -> admitted.size() == 1);
        assertThat(failures).singleElement().isInstanceOf(QuotaWaitExpired.class);
        assertThat(failures.get(0).getMessage()).contains("d1");
    }

    @Test
    void each_call_that_waits_for_quota_is_reported_once() throws Exception {
        List<String> waits = new CopyOnWriteArrayList<>();
        try (Quotas reporting = new Quotas(new LocalBucketStore(time), new LocalPauseBoard(), time,
                (deployment, paused) -> waits.add(deployment + (paused ? ":pause" : ":quota")))) {
            Deployment d = deployment(new RateLimit(60, 0)); // one a second; buckets start empty, so the first call waits
            ProviderConfig p = provider(RateLimit.NONE);
            reporting.admit(d, p, 10, null).onSuccess(permit -> admitted.add("job-0"));
            reporting.admit(d, p, 10, null).onSuccess(permit -> admitted.add("job-1"));
            settle(); // the pump sleeps and asks again several times while manual time stands still
            assertThat(waits).containsExactly("d1:quota");
            time.advance(Duration.ofSeconds(1));
            eventually(() -> admitted.size() == 1);
            settle(); // the second call now heads the line and waits for the next refill
            assertThat(waits).containsExactly("d1:quota", "d1:quota");
        }
    }

    @Test
    void a_call_held_by_a_providers_pause_is_reported_as_a_pause() throws Exception {
        List<String> waits = new CopyOnWriteArrayList<>();
        try (Quotas reporting = new Quotas(new LocalBucketStore(time), new LocalPauseBoard(), time,
                (deployment, paused) -> waits.add(deployment + (paused ? ":pause" : ":quota")))) {
            Deployment d = deployment(RateLimit.NONE);
            ProviderConfig p = provider(RateLimit.NONE);
            Future<Permit> first = reporting.admit(d, p, 10, null);
            assertThat(first.succeeded()).isTrue();
            reporting.pause(d, Duration.ofSeconds(30), "429 from d1");
            eventually(() -> reporting.pausedUntil(d, p).isAfter(time.instant()));
            reporting.admit(d, p, 10, null).onSuccess(permit -> admitted.add("held"));
            settle();
            assertThat(waits).containsExactly("d1:pause");
            time.advance(Duration.ofSeconds(31));
            eventually(() -> admitted.size() == 1);
            assertThat(waits).containsExactly("d1:pause");
        }
    }
}
