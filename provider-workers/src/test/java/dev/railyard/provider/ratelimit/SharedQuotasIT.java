package dev.railyard.provider.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.railyard.config.Deployment;
import dev.railyard.config.ProviderConfig;
import dev.railyard.config.RateLimit;
import dev.railyard.infra.testing.SharedInfrastructure;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Two workers' quotas (separate stores, as in two JVMs) drawing from one PostgreSQL bucket and pause board. */
@ExtendWith(SharedInfrastructure.class)
class SharedQuotasIT {

    private static void eventually(BooleanSupplier condition) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new AssertionError("condition not met in 30 s");
            }
            Thread.sleep(10);
        }
    }

    @Test
    void two_workers_share_one_requests_per_minute_bucket(SharedInfrastructure.Servers servers) throws Exception {
        ManualTime time = new ManualTime();
        Deployment d = QuotasTest.deployment(new RateLimit(60, 0)); // one a second between them
        Deployment shared = new Deployment("it-" + UUID.randomUUID(), d.provider(), d.model(), d.providerModel(),
                List.of(), 0.5, 1000, 0, 1, d.limits());
        ProviderConfig p = QuotasTest.provider(RateLimit.NONE);
        List<String> admitted = new CopyOnWriteArrayList<>();
        try (Quotas one = new Quotas(new PostgresBucketStore(servers.dataSource(), time), new LocalPauseBoard(), time);
             Quotas two = new Quotas(new PostgresBucketStore(servers.dataSource(), time), new LocalPauseBoard(), time)) {
            for (int i = 0; i < 3; i++) {
                one.admit(shared, p, 1, null).onSuccess(x -> admitted.add("one"));
                two.admit(shared, p, 1, null).onSuccess(x -> admitted.add("two"));
            }
            Thread.sleep(500); // both have met the (empty) bucket
            assertThat(admitted).isEmpty();
            for (int second = 1; second <= 4; second++) {
                time.advance(Duration.ofSeconds(1));
                int expected = second;
                eventually(() -> admitted.size() == expected);
                Thread.sleep(300); // room for a wrong extra admission on the other worker
                assertThat(admitted).as("after %d s", second).hasSize(second);
            }
            assertThat(one.waiting() + two.waiting()).isEqualTo(2);
        }
    }

    @Test
    void a_pause_written_by_one_worker_holds_the_other(SharedInfrastructure.Servers servers) throws Exception {
        String scope = "deployment:it-" + UUID.randomUUID();
        Instant until = Instant.now().plusSeconds(60).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        try (PostgresPauseBoard one = new PostgresPauseBoard(servers.dataSource(), Duration.ofMillis(50));
             PostgresPauseBoard two = new PostgresPauseBoard(servers.dataSource(), Duration.ofMillis(50))) {
            assertThat(two.pausedUntil(scope)).isEqualTo(Instant.EPOCH);
            one.pause(scope, until, "429 from test");
            one.pause(scope, until.minusSeconds(30), "an earlier end never shortens it");
            eventually(() -> two.pausedUntil(scope).equals(until));
            Thread.sleep(200);
            assertThat(two.pausedUntil(scope)).isEqualTo(until);
        }
    }
}
