package dev.railyard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Routing attributes of deployments and the routes section. */
class RouteConfigTest {
    private static final String BASE = """
            providers:
              openai: { base_url: "http://openai.test/v1" }
              azure: { base_url: "http://azure.test/v1" }
            models:
              gpt-4o-mini: { input_per_million: 0.15, output_per_million: 0.60, context_window: 128000 }
              gpt-4o: { input_per_million: 2.50, output_per_million: 10.00 }
              te3s: { kind: embedding, input_per_million: 0.02 }
            deployments:
              - { id: mini, provider: openai, model: gpt-4o-mini }
              - { id: azure-mini, provider: azure, model: gpt-4o-mini, tags: [eu, zdr], quality: 0.7, expected_latency_ms: 400, context_window: 32000, weight: 3 }
              - { id: big, provider: openai, model: gpt-4o }
              - { id: emb, provider: openai, model: te3s }
            """;
    private static final String ROUTES = BASE + """
            routes:
              summarize-cheap:
                targets: [gpt-4o-mini, big]
                weights: { cost: 2, latency: 1, quality: 0.5 }
                require_tags: [eu]
                fallback_on_content_filter: big
                split:
                  by: metadata.user
                  variants: { gpt-4o-mini: 90, big: 10 }
              plain:
                targets: [big]
            """;

    static RailyardConfig parse(String yaml) {
        return new ConfigLoader(Map.of()).parse(yaml, "test");
    }

    @Test
    void deployments_carry_routing_attributes_with_defaults() {
        RailyardConfig config = parse(BASE);
        Deployment azure = config.deployment("azure-mini").orElseThrow();
        assertThat(azure.tags()).containsExactly("eu", "zdr");
        assertThat(azure.quality()).isEqualTo(0.7);
        assertThat(azure.expectedLatencyMs()).isEqualTo(400);
        assertThat(azure.contextWindow(config.model("gpt-4o-mini").orElseThrow())).isEqualTo(32_000);
        assertThat(azure.weight()).isEqualTo(3);
        Deployment mini = config.deployment("mini").orElseThrow();
        assertThat(mini).isEqualTo(new Deployment("mini", "openai", "gpt-4o-mini", "gpt-4o-mini"));
        assertThat(mini.contextWindow(config.model("gpt-4o-mini").orElseThrow())).isEqualTo(128_000);
        assertThat(config.routes()).isEmpty();
    }

    @Test
    void routes_are_parsed_with_targets_weights_tags_fallback_and_split() {
        RailyardConfig config = parse(ROUTES);
        RouteSpec route = config.route("summarize-cheap").orElseThrow();
        assertThat(route.targets()).containsExactly("gpt-4o-mini", "big");
        assertThat(route.weights()).isEqualTo(new RouteSpec.Weights(2, 1, 0.5));
        assertThat(route.requireTags()).containsExactly("eu");
        assertThat(route.fallbackOnContentFilter()).isEqualTo("big");
        assertThat(route.split().by()).isEqualTo("metadata.user");
        assertThat(route.split().metadataKey()).contains("user");
        assertThat(route.split().variants()).containsExactly(new RouteSpec.Variant("gpt-4o-mini", 90), new RouteSpec.Variant("big", 10));
        RouteSpec plain = config.route("plain").orElseThrow();
        assertThat(plain.weights()).isEqualTo(RouteSpec.Weights.CHEAPEST);
        assertThat(plain.requireTags()).isEmpty();
        assertThat(plain.fallbackOnContentFilter()).isNull();
        assertThat(plain.split()).isNull();
        assertThat(config.withSimulator("http://127.0.0.1:1").routes()).isEqualTo(config.routes());
    }

    @Test
    void a_target_is_every_deployment_of_a_model_or_one_deployment() {
        RailyardConfig config = parse(BASE);
        assertThat(config.deploymentsOfTarget("gpt-4o-mini")).extracting(Deployment::id).containsExactly("mini", "azure-mini");
        assertThat(config.deploymentsOfTarget("azure-mini")).extracting(Deployment::id).containsExactly("azure-mini");
        assertThat(config.deploymentsOfTarget("nope")).isEmpty();
    }

    @Test
    void a_split_without_variants_weights_each_target_by_its_deployments() {
        RouteSpec route = parse(BASE + """
                routes:
                  ab:
                    targets: [gpt-4o-mini, big]
                    split: { by: tenant }
                """).route("ab").orElseThrow();
        assertThat(route.split().variants()).containsExactly(new RouteSpec.Variant("gpt-4o-mini", 4), new RouteSpec.Variant("big", 1));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{ cost: 1 }                  | 1 | 0 | 0",
            "{ latency: 1 }               | 0 | 1 | 0",
            "{ quality: 2, cost: 0.5 }    | 0.5 | 0 | 2",
            "{ cost: 0, latency: 3 }      | 0 | 3 | 0",
    })
    void cost_counts_by_default_only_when_no_weight_is_given(String weights, double cost, double latency, double quality) {
        RouteSpec route = parse(BASE + "routes:\n  r:\n    targets: [big]\n    weights: " + weights + "\n").route("r").orElseThrow();
        assertThat(route.weights()).isEqualTo(new RouteSpec.Weights(cost, latency, quality));
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            // deployments
            "tags: [eu, zdr]|tags: eu|deployments[1].tags: must be a list",
            "quality: 0.7|quality: 1.5|deployments[1].quality: must be a number from 0 to 1, got '1.5'",
            "quality: 0.7|quality: -0.1|deployments[1].quality: must be a number from 0 to 1",
            "quality: 0.7|quality: good|deployments[1].quality: must be a number from 0 to 1",
            "expected_latency_ms: 400|expected_latency_ms: 0|deployments[1].expected_latency_ms: must be a positive integer",
            "context_window: 32000|context_window: -5|deployments[1].context_window: must be a positive integer",
            "weight: 3|weight: 0|deployments[1].weight: must be a positive number, got '0'",
            // routes
            "targets: [gpt-4o-mini, big]|targets: [gpt-4o-mini, gpt-9]|routes.summarize-cheap.targets[1]: unknown target 'gpt-9', expected a model name or a deployment id",
            "targets: [gpt-4o-mini, big]|targets: []|routes.summarize-cheap.targets: at least one target is required",
            "targets: [gpt-4o-mini, big]|targets: [gpt-4o-mini, emb]|routes.summarize-cheap.targets: mixes chat and embedding models",
            "targets: [big]|tragets: [big]|routes.plain.tragets: unknown setting",
            "targets: [big]|tragets: [big]|routes.plain.targets: required",
            "cost: 2, latency: 1|cost: -2, latency: 1|routes.summarize-cheap.weights.cost: must be a non-negative number, got '-2'",
            "latency: 1, quality: 0.5|latency: fast, quality: 0.5|routes.summarize-cheap.weights.latency: must be a non-negative number",
            "{ cost: 2, latency: 1, quality: 0.5 }|{ cost: 0, latency: 0 }|routes.summarize-cheap.weights: at least one of cost, latency and quality must be positive",
            "{ cost: 2, latency: 1, quality: 0.5 }|{ cost: 1, speed: 1 }|routes.summarize-cheap.weights.speed: unknown setting",
            "require_tags: [eu]|require_tags: eu|routes.summarize-cheap.require_tags: must be a list",
            "fallback_on_content_filter: big|fallback_on_content_filter: claude|routes.summarize-cheap.fallback_on_content_filter: unknown target 'claude'",
            "by: metadata.user|by: user|routes.summarize-cheap.split.by: must be tenant, job_id or metadata.<key>, got 'user'",
            "by: metadata.user|by: metadata.|routes.summarize-cheap.split.by: must be tenant, job_id or metadata.<key>",
            "big: 10 }|big: 0 }|routes.summarize-cheap.split.variants.big: weight must be a positive number, got '0'",
            "big: 10 }|big: -1 }|routes.summarize-cheap.split.variants.big: weight must be a positive number",
            "big: 10 }|gpt-4o: 10 }|routes.summarize-cheap.split.variants.gpt-4o: not one of the route's targets [gpt-4o-mini, big]",
            "variants: { gpt-4o-mini: 90, big: 10 }|variants: {}|routes.summarize-cheap.split.variants: must map route targets to positive weights",
            "plain:|bad name!:|routes.bad name!: route names are letters",
    })
    void invalid_routing_settings_are_reported_with_their_key(String from, String to, String expected) {
        assertThat(ROUTES).contains(from);
        String broken = ROUTES.replace(from, to);
        assertThatThrownBy(() -> parse(broken))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(expected);
    }

    @Test
    void a_route_that_is_not_a_mapping_is_reported() {
        assertThatThrownBy(() -> parse(BASE + "routes:\n  r: [big]\n"))
                .isInstanceOfSatisfying(ConfigException.class,
                        e -> assertThat(e.problems()).isEqualTo(List.of("routes.r: must be a mapping with targets")));
    }

    @Test
    void route_names_in_a_requested_model_are_recognised_by_their_prefix() {
        assertThat(RouteSpec.nameIn("route:summarize-cheap")).contains("summarize-cheap");
        assertThat(RouteSpec.nameIn("gpt-4o-mini")).isEmpty();
        assertThat(RouteSpec.nameIn(null)).isEmpty();
    }
}
