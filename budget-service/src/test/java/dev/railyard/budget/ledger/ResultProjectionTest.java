package dev.railyard.budget.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.railyard.budget.Results;
import dev.railyard.schema.EventCodec;
import dev.railyard.schema.MalformedEventException;
import dev.railyard.schema.event.Attempt;
import dev.railyard.schema.event.ErrorType;
import dev.railyard.schema.event.JobResult;
import dev.railyard.schema.event.Outcome;
import dev.railyard.schema.event.Usage;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class ResultProjectionTest {
    static final Instant RECORD_TIME = Instant.parse("2025-03-04T06:00:00Z");
    static final Function<String, Optional<String>> providers = d -> Optional.ofNullable(Map.of("dep-a", "prov-a").get(d));
    final EventCodec codec = new EventCodec();

    ResultProjection project(JobResult r) {
        return ResultProjection.of(r, RECORD_TIME, providers, codec.mapper());
    }

    static JobResult with(JobResult r, String tenant, Outcome outcome, Instant occurredAt, List<Attempt> attempts) {
        return new JobResult(r.schemaVersion(), r.eventId(), r.jobId(), occurredAt, tenant, r.batchId(), r.customId(),
                r.endpoint(), outcome, r.model(), r.deploymentId(), r.response(), r.usage(), r.cost(), r.latencyMs(),
                r.timeToFirstTokenMs(), attempts, r.error());
    }

    @Test
    void the_routing_decision_is_kept_on_the_job_row() {
        JobResult r = Results.succeeded("j9", "acme", null, "gpt-4o-mini", List.of(
                Results.billed("j9", 1, 1, "dep-a", "prov-a", "gpt-4o-mini", 10, 5, "0.000004500000")), "hi")
                .withRouting(new dev.railyard.schema.event.RoutingDecision("dep-a", "prov-a", "gpt-4o-mini", 10,
                        new BigDecimal("0.0001"), List.of("dep-b"), 1, "cheapest of 2"));

        String routing = project(r).job().routingJson();

        assertThat(routing).contains("\"deployment_id\":\"dep-a\"", "\"reason\":\"cheapest of 2\"", "dep-b");
        JobResult unrouted = Results.succeeded("j8", "acme", null, "gpt-4o-mini", List.of(
                Results.billed("j8", 1, 1, "dep-a", "prov-a", "gpt-4o-mini", 1, 1, "0.000000750000")), "hi");
        assertThat(project(unrouted).job().routingJson()).isNull();
    }

    @Test
    void only_billed_attempts_become_ledger_entries_and_every_attempt_is_recorded() {
        JobResult r = Results.succeeded("j1", "acme", "b1", "gpt-4o-mini", List.of(
                Results.rateLimited("j1", 1, 1, "dep-a", "prov-a", "gpt-4o-mini"),
                Results.billed("j1", 1, 2, "dep-a", "prov-a", "gpt-4o-mini", 10, 5, "0.000004500000")), "hi");

        ResultProjection p = project(r);

        assertThat(p.attempts()).extracting(ResultProjection.AttemptRow::id).containsExactly("j1:1:1", "j1:1:2");
        assertThat(p.attempts().get(0).promptTokens()).isNull();
        assertThat(p.attempts().get(0).errorJson()).contains("\"type\":\"rate_limited\"", "\"http_status\":429");
        assertThat(p.ledger()).singleElement().isEqualTo(new ResultProjection.LedgerEntry("j1:1:2", "j1", "acme", "b1",
                "gpt-4o-mini", "prov-a", "dep-a", 10, 5, 0, new BigDecimal("0.000004500000"), Results.T0.plusSeconds(12)));
        assertThat(p.job().state()).isEqualTo("succeeded");
        assertThat(p.job().attemptCount()).isEqualTo(2);
        assertThat(p.job().cost()).isEqualByComparingTo("0.0000045");
        assertThat(p.job().promptTokens()).isEqualTo(10);
        assertThat(p.job().responseJson()).isEqualTo("{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"content\":\"hi\"}");
        assertThat(p.job().errorJson()).isNull();
        assertThat(p.job().resultEventId()).isEqualTo(r.eventId());
    }

    @ParameterizedTest
    @EnumSource(Outcome.class)
    void state_is_the_outcome_wire_name(Outcome outcome) {
        JobResult r = with(Results.failed("j", "t", "m", List.of(), ErrorType.INTERNAL), "t", outcome, Results.T0, List.of());
        assertThat(project(r).job().state()).isEqualTo(outcome.code());
    }

    @ParameterizedTest(name = "tenant [{0}] -> {1}")
    @CsvSource({"acme, acme", "'', default", ", default"})
    void results_without_tenant_belong_to_the_default_tenant(String tenant, String expected) {
        List<Attempt> attempts = List.of(Results.billed("j", 1, 1, "dep-a", "prov-a", "m", 1, 1, "0.1"));
        JobResult r = with(Results.succeeded("j", "x", null, "m", attempts, "ok"), tenant, Outcome.SUCCEEDED, Results.T0, attempts);
        ResultProjection p = project(r);
        assertThat(p.job().tenant()).isEqualTo(expected);
        assertThat(p.ledger()).singleElement().extracting(ResultProjection.LedgerEntry::tenant).isEqualTo(expected);
    }

    @Test
    void attempt_without_provider_takes_its_deployments_provider_and_without_start_the_result_time() {
        Attempt a = new Attempt("j:1:1", "dep-a", null, null, 1, 1, null, 10, 200, new Usage(3, 4, 1),
                new BigDecimal("0.5"), true, null);
        JobResult r = with(Results.succeeded("j", "t", null, "m", List.of(a), "ok"), "t", Outcome.SUCCEEDED, Results.T0, List.of(a));

        ResultProjection.LedgerEntry e = project(r).ledger().get(0);
        assertThat(e.provider()).isEqualTo("prov-a");
        assertThat(e.model()).isEqualTo("m");
        assertThat(e.cachedPromptTokens()).isEqualTo(1);
        assertThat(e.occurredAt()).isEqualTo(Results.T0);

        ResultProjection noTime = project(with(r, "t", Outcome.SUCCEEDED, null, List.of(a)));
        assertThat(noTime.ledger().get(0).occurredAt()).isEqualTo(RECORD_TIME);
        assertThat(noTime.job().finishedAt()).isEqualTo(RECORD_TIME);
    }

    @Test
    void failed_result_keeps_its_error_as_snake_case_json_and_a_missing_model_as_empty() {
        JobResult r = Results.failed("j", "t", null, List.of(), ErrorType.MODEL_NOT_FOUND);
        ResultProjection p = project(r);
        assertThat(p.job().errorJson()).isEqualTo(
                "{\"type\":\"model_not_found\",\"message\":\"it failed\",\"http_status\":500,\"provider_body\":\"{\\\"error\\\":\\\"boom\\\"}\"}");
        assertThat(p.job().model()).isEmpty();
        assertThat(p.job().responseJson()).isNull();
        assertThat(p.ledger()).isEmpty();
        assertThat(p.attempts()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "no job id      | job_id is missing",
            "no outcome     | outcome is missing",
            "no attempt id  | attempts[0] has no attempt_id",
    })
    void results_missing_what_every_row_needs_are_malformed(String problem, String message) {
        Attempt nameless = new Attempt(null, "dep-a", "prov-a", "m", 1, 1, Results.T0, 1, 200, Usage.NONE, BigDecimal.ZERO, false, null);
        JobResult base = Results.failed("j", "t", "m", List.of(), ErrorType.INTERNAL);
        JobResult r = switch (problem) {
            case "no job id" -> new JobResult(1, "e", null, Results.T0, "t", null, null, "/v1/embeddings", Outcome.FAILED,
                    "m", null, null, null, BigDecimal.ZERO, 0, null, List.of(), null);
            case "no outcome" -> with(base, "t", null, Results.T0, List.of());
            default -> with(base, "t", Outcome.FAILED, Results.T0, List.of(nameless));
        };
        assertThatThrownBy(() -> project(r)).isInstanceOf(MalformedEventException.class).hasMessage(message);
    }
}
