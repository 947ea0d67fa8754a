package dev.railyard.router.budget;

import static org.assertj.core.api.Assertions.assertThat;

import dev.railyard.config.BudgetPeriod;
import dev.railyard.config.BudgetSpec;
import dev.railyard.config.BudgetSpec.Scope;
import dev.railyard.config.Deployment;
import dev.railyard.config.ConfigLoader;
import dev.railyard.config.RailyardConfig;
import dev.railyard.schema.event.JobSubmitted;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Which budgets a routed job counts against: its tenant, API key, metadata project and tags, deployment model and provider. */
class BudgetScopeTest {
    static final RailyardConfig CONFIG = new ConfigLoader(Map.of()).parse("""
            providers:
              openai: { base_url: "https://api.openai.com/v1" }
              anthropic: { type: anthropic, base_url: "https://api.anthropic.com" }
            models:
              gpt-4o-mini: { input_per_million: 0.15, output_per_million: 0.60 }
              claude-haiku: { input_per_million: 1, output_per_million: 5 }
            deployments:
              - { id: oai-mini, provider: openai, model: gpt-4o-mini }
              - { id: ant-haiku, provider: anthropic, model: claude-haiku }
            """, "test");

    static final BudgetBook BOOK = new BudgetBook(List.of(
            budget("all", Scope.GLOBAL, null),
            budget("tenant", Scope.TENANT, "acme"),
            budget("key", Scope.API_KEY, "key_abc"),
            budget("project", Scope.PROJECT, "apollo"),
            budget("nightly", Scope.TAG, "nightly"),
            budget("eval", Scope.TAG, "eval"),
            budget("mini", Scope.MODEL, "gpt-4o-mini"),
            budget("anthropic", Scope.PROVIDER, "anthropic")));

    static BudgetSpec budget(String id, Scope scope, String value) {
        return new BudgetSpec(id, scope, value, BudgetPeriod.DAILY, BigDecimal.ONE, BudgetSpec.Action.DEFER);
    }

    static JobSubmitted job(String apiKeyId, Map<String, String> metadata) {
        return new JobSubmitted(1, "e", "j", Instant.EPOCH, "acme", null, null, 0, "/v1/chat/completions", "m", null, null,
                null, metadata, null, apiKeyId);
    }

    static List<String> matching(JobSubmitted job, String tenant, String deployment) {
        Deployment d = CONFIG.deployment(deployment).orElseThrow();
        return BOOK.budgetsFor(SqlReservations.subject(job, tenant, d)).stream().map(BudgetSpec::id).toList();
    }

    @ParameterizedTest(name = "key={0} project={1} tags=''{2}'' on {3} -> {4}")
    @CsvSource(delimiter = '|', nullValues = "null", value = {
            "null    | null   | null                       | oai-mini  | all, mini",
            "key_abc | null   | null                       | oai-mini  | all, key, mini",
            "key_xyz | null   | null                       | oai-mini  | all, mini",
            "null    | apollo | null                       | oai-mini  | all, project, mini",
            "null    | zeus   | null                       | oai-mini  | all, mini",
            "null    | null   | nightly                    | oai-mini  | all, nightly, mini",
            "null    | null   | ' batch , nightly,eval '   | oai-mini  | all, nightly, eval, mini",
            "null    | null   | 'nightly-2, evaluation'    | oai-mini  | all, mini",
            "null    | null   | ',,'                       | ant-haiku | all, anthropic",
            "key_abc | apollo | eval                       | ant-haiku | all, key, project, eval, anthropic",
    })
    void a_job_counts_against_the_budgets_its_key_project_tags_and_deployment_match(
            String key, String project, String tags, String deployment, String expected) {
        Map<String, String> metadata = new HashMap<>();
        if (project != null) {
            metadata.put("project", project);
        }
        if (tags != null) {
            metadata.put("tags", tags);
        }
        List<String> want = new java.util.ArrayList<>(List.of(expected.split(",\\s*")));
        want.add(1, "tenant");
        assertThat(matching(job(key, metadata), "acme", deployment)).containsExactlyElementsOf(want);
    }

    @Test
    void tags_are_split_on_commas_and_trimmed_and_a_job_without_metadata_has_none() {
        Deployment d = CONFIG.deployment("oai-mini").orElseThrow();
        BudgetSpec.Subject s = SqlReservations.subject(job("key_abc", Map.of("tags", " a, b ,,c ", "project", "p")), "t", d);
        assertThat(s).isEqualTo(new BudgetSpec.Subject("t", "key_abc", "p", List.of("a", "b", "c"), "gpt-4o-mini", "openai"));
        assertThat(SqlReservations.subject(job(null, null), null, d))
                .isEqualTo(new BudgetSpec.Subject(null, null, null, List.of(), "gpt-4o-mini", "openai"));
        assertThat(matching(job(null, null), "other-tenant", "oai-mini")).containsExactly("all", "mini");
    }
}
