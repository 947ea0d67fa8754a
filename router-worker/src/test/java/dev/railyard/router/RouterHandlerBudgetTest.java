package dev.railyard.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.railyard.kafka.DeadLetters;
import dev.railyard.router.budget.BudgetStoreException;
import dev.railyard.router.budget.Reservation;
import dev.railyard.router.budget.Reservations;
import dev.railyard.router.policy.RoutingPolicy;
import dev.railyard.schema.Topics;
import dev.railyard.schema.event.ErrorType;
import dev.railyard.schema.event.JobResult;
import dev.railyard.schema.event.Outcome;
import dev.railyard.schema.event.RoutingDecision;
import dev.railyard.schema.validation.JobRequestValidator;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The router's reservation step: a refused reservation rejects the job, a deferred one sends nothing, a store
 * failure fails the batch.
 */
class RouterHandlerBudgetTest {
    static final dev.railyard.config.RailyardConfig config = new dev.railyard.config.ConfigLoader(java.util.Map.of()).loadDefault();
    static final dev.railyard.router.policy.TokenEstimator tokens = new dev.railyard.router.policy.TokenEstimator();
    static final java.time.Instant NOW = java.time.Instant.parse("2025-01-02T03:04:05Z");

    final dev.railyard.schema.EventCodec codec = new dev.railyard.schema.EventCodec();
    final org.apache.kafka.clients.producer.MockProducer<byte[], byte[]> producer = new org.apache.kafka.clients.producer.MockProducer<>(
            false, null, new org.apache.kafka.common.serialization.ByteArraySerializer(), new org.apache.kafka.common.serialization.ByteArraySerializer());
    final RouterHandlerTest records = new RouterHandlerTest();

    final List<String> reservedFor = new ArrayList<>();
    final List<String> reservedTenants = new ArrayList<>();
    final List<RoutingDecision> reservedDecisions = new ArrayList<>();

    RouterHandler handler(Reservations reservations) {
        return new RouterHandler(new RoutingPolicy(config, tokens), new SubmissionCheck(new JobRequestValidator()),
                codec, producer, new DeadLetters(producer), Clock.fixed(NOW, ZoneOffset.UTC), DecisionCounter.none(), reservations);
    }

    CompletableFuture<Void> handle(RouterHandler h, String... jobIds) {
        List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>();
        for (int i = 0; i < jobIds.length; i++) {
            batch.add(records.record(i, records.job(jobIds[i], "gpt-4o-mini", RouterHandlerTest.chat("gpt-4o-mini"))));
        }
        CompletableFuture<Void> done = h.handle(batch).toCompletableFuture();
        while (producer.completeNext()) {
            // acknowledge everything sent
        }
        return done;
    }

    @Test
    void reserves_the_routed_decisions_estimate_before_dispatching() {
        List<String> keys = new ArrayList<>();
        RouterHandler h = handler((job, tenant, key, decision) -> {
            reservedFor.add(job.jobId());
            reservedTenants.add(tenant);
            reservedDecisions.add(decision);
            keys.add(new String(key, java.nio.charset.StandardCharsets.UTF_8));
            return Reservation.reserved();
        });
        assertThat(handle(h, "job-r")).isCompleted();
        assertThat(reservedFor).containsExactly("job-r");
        assertThat(reservedTenants).containsExactly("acme");
        assertThat(reservedDecisions.get(0).deploymentId()).isEqualTo("openai-gpt-4o-mini");
        assertThat(reservedDecisions.get(0).estimatedCost()).isPositive();
        assertThat(keys).containsExactly("k"); // the submitted record's key, kept with a held job
        assertThat(producer.history()).singleElement().satisfies(r -> assertThat(r.topic()).isEqualTo("railyard.dispatch.openai"));
    }

    @Test
    void a_refused_reservation_rejects_the_job_with_budget_exceeded_and_dispatches_nothing() {
        RouterHandler h = handler((job, tenant, key, decision) -> new Reservation.Rejected("budget 'team' is spent"));
        assertThat(handle(h, "job-x")).isCompleted();
        assertThat(producer.history()).singleElement().satisfies(r -> {
            assertThat(r.topic()).isEqualTo(Topics.JOBS_RESULTS);
            JobResult result = codec.decode(r.value(), JobResult.class);
            assertThat(result.jobId()).isEqualTo("job-x");
            assertThat(result.outcome()).isEqualTo(Outcome.REJECTED);
            assertThat(result.error().type()).isEqualTo(ErrorType.BUDGET_EXCEEDED);
            assertThat(result.error().message()).contains("budget 'team' is spent");
            assertThat(result.cost()).isZero();
            assertThat(result.routing().deploymentId()).isEqualTo("openai-gpt-4o-mini");
        });
    }

    @Test
    void an_unreachable_budget_store_fails_the_batch_for_a_retry_instead_of_failing_the_job() {
        RouterHandler h = handler((job, tenant, key, decision) -> {
            if (job.jobId().equals("job-2")) {
                throw new BudgetStoreException("database down", null);
            }
            return Reservation.reserved();
        });
        CompletableFuture<Void> done = handle(h, "job-1", "job-2", "job-3");
        assertThat(done).isCompletedExceptionally();
        // job-1 was already dispatched (its reservation is idempotent on the retry); no job got a failed result.
        assertThat(producer.history()).extracting(r -> r.topic()).containsExactly("railyard.dispatch.openai");
    }

    @Test
    void a_deferred_job_is_neither_dispatched_nor_given_a_result_and_the_batch_completes() {
        RouterHandler h = handler((job, tenant, key, decision) -> job.jobId().equals("job-held")
                ? new Reservation.Deferred("team", "budget 'team' cannot hold it") : Reservation.reserved());
        assertThat(handle(h, "job-held", "job-next")).isCompleted();
        assertThat(producer.history()).singleElement().satisfies(r -> {
            assertThat(r.topic()).isEqualTo("railyard.dispatch.openai");
            assertThat(codec.decode(r.value(), dev.railyard.schema.event.JobDispatched.class).jobId()).isEqualTo("job-next");
        });
    }
}
