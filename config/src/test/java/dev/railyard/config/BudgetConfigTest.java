package dev.railyard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BudgetConfigTest {
    private static final String BASE = """
            providers:
              openai: { base_url: "https://api.openai.com/v1" }
            models:
              gpt-4o-mini: { input_per_million: 0.15, output_per_million: 0.60 }
            deployments:
              - { id: d1, provider: openai, model: gpt-4o-mini }
            """;

    private static RailyardConfig parse(String budgets) {
        return new ConfigLoader(Map.of()).parse(BASE + budgets, "test");
    }

    @Test
    void budgets_are_parsed_with_exact_limits() {
        RailyardConfig config = parse("""
                budgets:
                  - { id: all, scope: global, period: total, limit_usd: 0.1, action: reject }
                  - { id: team-a, scope: tenant, tenant: team-a, period: daily, limit_usd: 12.3456789012345678, action: warn }
                  - { id: mini, scope: model, model: gpt-4o-mini, period: monthly, limit_usd: 5, action: reject }
                  - { id: oai, scope: provider, provider: openai, period: hourly, limit_usd: 1.00, action: reject }
                """);
        assertThat(config.budgets()).containsExactly(
                new BudgetSpec("all", BudgetSpec.Scope.GLOBAL, null, BudgetPeriod.TOTAL, new java.math.BigDecimal("0.1"), BudgetSpec.Action.REJECT),
                new BudgetSpec("team-a", BudgetSpec.Scope.TENANT, "team-a", BudgetPeriod.DAILY, new java.math.BigDecimal("12.3456789012345678"), BudgetSpec.Action.WARN),
                new BudgetSpec("mini", BudgetSpec.Scope.MODEL, "gpt-4o-mini", BudgetPeriod.MONTHLY, new java.math.BigDecimal("5"), BudgetSpec.Action.REJECT),
                new BudgetSpec("oai", BudgetSpec.Scope.PROVIDER, "openai", BudgetPeriod.HOURLY, new java.math.BigDecimal("1"), BudgetSpec.Action.REJECT));
    }

    @Test
    void no_budgets_section_means_no_budgets() {
        assertThat(parse("").budgets()).isEmpty();
        assertThat(new ConfigLoader(Map.of()).loadDefault().budgets()).isEmpty();
    }

    @Test
    void a_job_counts_against_every_budget_whose_scope_matches() {
        RailyardConfig config = parse("""
                budgets:
                  - { id: all, scope: global, period: total, limit_usd: 1, action: reject }
                  - { id: a, scope: tenant, tenant: a, period: daily, limit_usd: 1, action: reject }
                  - { id: b, scope: tenant, tenant: b, period: daily, limit_usd: 1, action: reject }
                  - { id: mini, scope: model, model: gpt-4o-mini, period: daily, limit_usd: 1, action: warn }
                  - { id: oai, scope: provider, provider: openai, period: daily, limit_usd: 1, action: reject }
                """);
        Deployment d1 = config.deployment("d1").orElseThrow();
        assertThat(config.budgetsFor("a", d1)).extracting(BudgetSpec::id).containsExactly("all", "a", "mini", "oai");
        assertThat(config.budgetsFor(null, d1)).extracting(BudgetSpec::id).containsExactly("all", "mini", "oai");
    }

    @Test
    void api_key_project_and_tag_scopes_defer_and_alerts_are_parsed() {
        RailyardConfig config = parse("""
                budgets:
                  - { id: key, scope: api_key, api_key: key_abc, period: daily, limit_usd: 2, action: defer }
                  - id: apollo
                    scope: project
                    project: apollo
                    period: weekly
                    limit_usd: 10
                    action: warn
                    alert_at: [25, 90]
                    alert_webhook: "https://hooks.example.com/budgets"
                  - { id: nightly, scope: tag, tag: nightly, period: total, limit_usd: 3, action: reject, alert_at: [] }
                """);
        assertThat(config.budgets()).containsExactly(
                new BudgetSpec("key", BudgetSpec.Scope.API_KEY, "key_abc", BudgetPeriod.DAILY, new java.math.BigDecimal("2"),
                        BudgetSpec.Action.DEFER, List.of(50, 80, 100), null),
                new BudgetSpec("apollo", BudgetSpec.Scope.PROJECT, "apollo", BudgetPeriod.WEEKLY, new java.math.BigDecimal("10"),
                        BudgetSpec.Action.WARN, List.of(25, 90), "https://hooks.example.com/budgets"),
                new BudgetSpec("nightly", BudgetSpec.Scope.TAG, "nightly", BudgetPeriod.TOTAL, new java.math.BigDecimal("3"),
                        BudgetSpec.Action.REJECT, List.of(), null));
        assertThat(config.budgets().get(0).defers()).isTrue();
        assertThat(config.budgets().get(0).hard()).isTrue();
        assertThat(config.budgets().get(1).hard()).isFalse();
    }

    @Test
    void budgets_for_a_subject_match_api_key_project_tag_model_and_provider() {
        RailyardConfig config = parse("""
                budgets:
                  - { id: all, scope: global, period: total, limit_usd: 1, action: reject }
                  - { id: key, scope: api_key, api_key: key_abc, period: daily, limit_usd: 1, action: defer }
                  - { id: apollo, scope: project, project: apollo, period: daily, limit_usd: 1, action: reject }
                  - { id: nightly, scope: tag, tag: nightly, period: daily, limit_usd: 1, action: warn }
                  - { id: mini, scope: model, model: gpt-4o-mini, period: daily, limit_usd: 1, action: warn }
                  - { id: oai, scope: provider, provider: openai, period: daily, limit_usd: 1, action: reject }
                """);
        assertThat(config.budgetsFor(new BudgetSpec.Subject("a", "key_abc", "apollo", List.of("eval", "nightly"), "gpt-4o-mini", "openai")))
                .extracting(BudgetSpec::id).containsExactly("all", "key", "apollo", "nightly", "mini", "oai");
        assertThat(config.budgetsFor(new BudgetSpec.Subject("a", "key_other", "zeus", List.of("eval"), "gpt-4o", "anthropic")))
                .extracting(BudgetSpec::id).containsExactly("all");
        assertThat(config.budgetsFor(new BudgetSpec.Subject(null, null, null, List.of(), null, null)))
                .extracting(BudgetSpec::id).containsExactly("all");
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            "{ id: x, scope: global, period: daily, limit_usd: 1, action: hold } | budgets[0].action: unknown action 'hold', expected one of [reject, defer, warn]",
            "{ id: x, scope: team, period: daily, limit_usd: 1, action: warn } | budgets[0].scope: unknown scope 'team', expected one of [global, tenant, api_key, project, tag, model, provider]",
            "{ id: x, scope: global, period: yearly, limit_usd: 1, action: warn } | budgets[0].period: unknown period 'yearly', expected one of [hourly, daily, weekly, monthly, total]",
            "{ id: x, scope: global, period: daily, action: warn } | budgets[0].limit_usd: required",
            "{ id: x, scope: global, period: daily, limit_usd: -1, action: warn } | budgets[0].limit_usd: must not be negative",
            "{ id: x, scope: global, period: daily, limit_usd: lots, action: warn } | budgets[0].limit_usd: not a number: 'lots'",
            "{ id: x, scope: tenant, period: daily, limit_usd: 1, action: warn } | budgets[0].tenant: required for a tenant budget",
            "{ id: x, scope: model, model: gpt-5, period: daily, limit_usd: 1, action: warn } | budgets[0].model: 'gpt-5' is not in models",
            "{ id: x, scope: provider, provider: acme, period: daily, limit_usd: 1, action: warn } | budgets[0].provider: unknown provider 'acme'",
            "{ id: x, scope: global, tenant: a, period: daily, limit_usd: 1, action: warn } | budgets[0].tenant: only a tenant budget names a tenant",
            "{ id: x, scope: api_key, period: daily, limit_usd: 1, action: warn } | budgets[0].api_key: required for an api_key budget",
            "{ id: x, scope: project, tag: nightly, period: daily, limit_usd: 1, action: warn } | budgets[0].tag: only a tag budget names a tag (this one has scope project)",
            "{ id: x, scope: tag, period: daily, limit_usd: 1, action: warn } | budgets[0].tag: required for a tag budget",
            "{ id: x, scope: global, period: daily, limit_usd: 1, action: warn, alert: 50 } | budgets[0].alert: unknown budget setting",
            "{ id: x, scope: global, period: daily, limit_usd: 1, action: warn, alert_at: 50 } | budgets[0].alert_at: must be a list of percentages",
            "{ id: x, scope: global, period: daily, limit_usd: 1, action: warn, alert_at: [50, 0] } | budgets[0].alert_at[1]: must be a positive whole percentage, got '0'",
            "{ id: x, scope: global, period: daily, limit_usd: 1, action: warn, alert_at: [50, 12.5] } | budgets[0].alert_at[1]: must be a positive whole percentage, got '12.5'",
            "{ id: x, scope: global, period: daily, limit_usd: 1, action: warn, alert_at: [80, 50] } | budgets[0].alert_at[1]: thresholds must be in ascending order, got 50 after 80",
            "{ id: x, scope: global, period: daily, limit_usd: 1, action: warn, alert_at: [50, 50] } | budgets[0].alert_at[1]: thresholds must be in ascending order",
            "{ id: x, scope: global, period: daily, limit_usd: 1, action: warn, alert_webhook: 'ftp://x/y' } | budgets[0].alert_webhook: must be an http(s) URL, got 'ftp://x/y'",
            "{ id: x, scope: global, period: daily, limit_usd: 1, action: warn, alert_webhook: 'not a url' } | budgets[0].alert_webhook: must be an http(s) URL",
            "{ scope: global, period: daily, limit_usd: 1, action: warn } | budgets[0].id: required",
    })
    void invalid_budgets_are_reported_with_their_key(String budget, String problem) {
        assertThatThrownBy(() -> parse("budgets:\n  - " + budget + "\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(problem);
    }

    @Test
    void budget_ids_are_unique() {
        assertThatThrownBy(() -> parse("""
                budgets:
                  - { id: x, scope: global, period: daily, limit_usd: 1, action: warn }
                  - { id: x, scope: global, period: total, limit_usd: 1, action: warn }
                """)).isInstanceOf(ConfigException.class).hasMessageContaining("budgets[1].id: duplicate budget id 'x'");
    }

    @Test
    void compatibility_constructors_have_no_budgets() {
        RailyardConfig config = parse("");
        RailyardConfig rebuilt = new RailyardConfig(config.providers(), config.models(), config.deployments(), config.retry(), Map.of());
        assertThat(rebuilt.budgets()).isEmpty();
        assertThat(rebuilt.withBudgets(List.of(new BudgetSpec("g", BudgetSpec.Scope.GLOBAL, null, BudgetPeriod.TOTAL,
                java.math.BigDecimal.ONE, BudgetSpec.Action.REJECT))).withRetry(RetryPolicy.DEFAULT).budgets()).hasSize(1);
    }
}
