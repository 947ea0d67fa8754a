package dev.railyard.router.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.railyard.config.ConfigLoader;
import dev.railyard.config.Deployment;
import dev.railyard.config.RailyardConfig;
import dev.railyard.config.RouteSpec;
import dev.railyard.schema.EventCodec;
import dev.railyard.schema.event.ErrorType;
import dev.railyard.schema.event.JobError;
import dev.railyard.schema.event.JobSubmitted;
import dev.railyard.schema.event.RoutingDecision;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Routes: candidates from targets, filters with reasons, weighted scoring, fallbacks and sticky splits. */
class RoutingPolicyRoutesTest {
    static final String CONFIG = """
            providers:
              openai: { base_url: "http://openai.test/v1" }
              azure: { base_url: "http://azure.test/v1" }
              gemini: { type: gemini, base_url: "http://gemini.test" }
            models:
              gpt-4o-mini: { owned_by: openai, input_per_million: 0.15, output_per_million: 0.60, context_window: 128000, capabilities: [chat, tools, vision, json_schema] }
              gpt-4o: { owned_by: openai, input_per_million: 2.50, output_per_million: 10.00, context_window: 128000, capabilities: [chat, tools, vision, json_schema] }
              gemini-flash: { owned_by: google, input_per_million: 0.10, output_per_million: 0.40, context_window: 1000000, capabilities: [chat, vision, audio, json_object] }
              small-llama: { owned_by: meta, input_per_million: 0.05, output_per_million: 0.05, context_window: 8192, capabilities: [chat] }
              te3s: { owned_by: openai, kind: embedding, input_per_million: 0.02, context_window: 8191, capabilities: [embeddings] }
            deployments:
              - { id: openai-mini, provider: openai, model: gpt-4o-mini, quality: 0.6, expected_latency_ms: 800 }
              - { id: azure-mini, provider: azure, model: gpt-4o-mini, tags: [eu], quality: 0.6, expected_latency_ms: 1200 }
              - { id: openai-4o, provider: openai, model: gpt-4o, quality: 0.9, expected_latency_ms: 2000 }
              - { id: gemini-flash, provider: gemini, model: gemini-flash, tags: [eu], quality: 0.5, expected_latency_ms: 400 }
              - { id: llama, provider: openai, model: small-llama, quality: 0.3, expected_latency_ms: 1500, context_window: 4096 }
              - { id: emb, provider: openai, model: te3s }
            routes:
              cheap: { targets: [gpt-4o-mini, gpt-4o, gemini-flash, small-llama] }
              fast: { targets: [gpt-4o-mini, gpt-4o, gemini-flash, small-llama], weights: { latency: 1 } }
              best: { targets: [gpt-4o-mini, gpt-4o, gemini-flash, small-llama], weights: { quality: 1 } }
              balanced: { targets: [gpt-4o-mini, gpt-4o, gemini-flash, small-llama], weights: { cost: 1, quality: 1 } }
              eu: { targets: [gpt-4o-mini, gemini-flash, gpt-4o], require_tags: [eu] }
              pinned: { targets: [azure-mini, llama] }
              ab:
                targets: [gpt-4o-mini, gemini-flash]
                split: { by: metadata.user, variants: { gpt-4o-mini: 70, gemini-flash: 30 } }
              ab-tenant:
                targets: [gpt-4o-mini, gemini-flash]
                split: { by: tenant, variants: { gpt-4o-mini: 1, gemini-flash: 1 } }
              vectors: { targets: [te3s] }
            """;
    static final RailyardConfig config = new ConfigLoader(Map.of()).parse(CONFIG, "test");
    static final TokenEstimator tokens = new TokenEstimator();
    static final EventCodec codec = new EventCodec();
    static final RoutingPolicy policy = new RoutingPolicy(config, tokens);

    static final String HELLO = "{\"role\":\"user\",\"content\":\"Hello, world!\"}";
    static final String IMAGE = "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Hello, world!\"},{\"type\":\"image_url\",\"image_url\":{\"url\":\"http://x\"}}]}";
    static final String AUDIO = "{\"role\":\"user\",\"content\":[{\"type\":\"input_audio\",\"input_audio\":{\"data\":\"x\",\"format\":\"wav\"}}]}";
    static final String TOOLS = ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]";

    static JobSubmitted job(String endpoint, String model, String body, String jobId, String tenant, Map<String, String> metadata) {
        JsonNode node = codec.tree(body.getBytes());
        return new JobSubmitted(1, "e1", jobId, Instant.EPOCH, tenant, null, null, 0, endpoint, model, node, null, null, metadata, null);
    }

    /** A chat job for a model or route: {@code message} is one message, {@code extra} more body fields. */
    static JobSubmitted chat(String model, String message, String extra) {
        return job("/v1/chat/completions", model, "{\"model\":\"" + model + "\",\"messages\":[" + message + "]" + extra + "}",
                "job-1", "acme", null);
    }

    static RoutingDecision routed(Route route) {
        assertThat(route).isInstanceOf(Route.Routed.class);
        return ((Route.Routed) route).decision();
    }

    static JobError unroutable(Route route) {
        assertThat(route).isInstanceOf(Route.Unroutable.class);
        return ((Route.Unroutable) route).error();
    }

    static List<String> ids(String spaceSeparated) {
        return spaceSeparated == null ? List.of() : Arrays.asList(spaceSeparated.trim().split(" +"));
    }

    @ParameterizedTest(name = "route:{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            // cost at 4 prompt + 1024 output tokens: llama 51.4, gemini 410, minis 615 (tie: config order), 4o 10250 micro-dollars
            "cheap    | llama        | gemini-flash openai-mini azure-mini openai-4o",
            // p50: gemini 400, openai-mini 800, azure-mini 1200, llama 1500, 4o 2000
            "fast     | gemini-flash | openai-mini azure-mini llama openai-4o",
            // 1 - quality: 4o 0.1, minis 0.4, gemini 0.5, llama 0.7
            "best     | openai-4o    | openai-mini azure-mini gemini-flash llama",
            // cost/max + (1 - quality): minis 0.06 + 0.4, gemini 0.04 + 0.5, llama 0.005 + 0.7, 4o 1 + 0.1
            "balanced | openai-mini  | azure-mini gemini-flash llama openai-4o",
            // a target may be a deployment id
            "pinned   | llama        | azure-mini",
    })
    void weights_change_the_winner_and_the_rest_are_fallbacks_best_first(String route, String winner, String fallbacks) {
        RoutingDecision d = routed(policy.decide(chat("route:" + route, HELLO, "")));
        assertThat(d.deploymentId()).isEqualTo(winner);
        assertThat(d.fallbacks()).containsExactlyElementsOf(ids(fallbacks));
        assertThat(d.route()).isEqualTo(route);
        assertThat(d.variant()).isNull();
        assertThat(d.rejected()).isEmpty();
        assertThat(d.scores().keySet()).containsExactlyElementsOf(
                java.util.stream.Stream.concat(java.util.stream.Stream.of(winner), ids(fallbacks).stream()).toList());
        assertThat(d.reason()).startsWith("route " + route + ": ").contains("; chose " + winner + " score ");
    }

    @Test
    void candidates_are_the_targets_deployments_in_target_order_each_once() {
        RoutingDecision d = routed(policy.decide(chat("route:eu", HELLO, "")));
        assertThat(d.candidates()).containsExactly("openai-mini", "azure-mini", "gemini-flash", "openai-4o");
    }

    @Test
    void the_reason_names_the_route_candidates_rejections_choice_score_terms_and_estimate() {
        RoutingDecision d = routed(policy.decide(chat("route:eu", IMAGE, "")));
        // azure-mini 615.0 and gemini 410.0 micro-dollars: gemini scores 410 / 615
        assertThat(d.reason()).isEqualTo("route eu: 4 candidates, 2 rejected (openai-mini: lacks tags [eu], openai-4o: lacks tags [eu]);"
                + " chose gemini-flash score 0.67 (cost 0.67) at $0.000410 estimated");
        assertThat(d.rejected()).containsExactly(new RoutingDecision.Rejection("openai-mini", "lacks tags [eu]"),
                new RoutingDecision.Rejection("openai-4o", "lacks tags [eu]"));
        assertThat(d.scores()).containsExactly(Map.entry("gemini-flash", 0.6667), Map.entry("azure-mini", 1.0));
        assertThat(d.fallbacks()).containsExactly("azure-mini");
        assertThat(d.provider()).isEqualTo("gemini");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "image       | IMAGE |        | gemini-flash | llama: lacks vision",
            "tools       | HELLO | TOOLS  | openai-mini  | gemini-flash: lacks tools; llama: lacks tools",
            "json_schema | HELLO | SCHEMA | openai-mini  | gemini-flash: lacks json_schema; llama: lacks json_schema",
            "json_object | HELLO | OBJECT | gemini-flash | llama: lacks json_object",
            "audio       | AUDIO |        | gemini-flash | openai-mini: lacks audio; azure-mini: lacks audio; openai-4o: lacks audio; llama: lacks audio",
            "image+tools | IMAGE | TOOLS  | openai-mini  | gemini-flash: lacks tools; llama: lacks vision, tools",
    })
    void candidates_lacking_a_needed_capability_are_rejected_with_the_reason(String name, String message, String extra,
                                                                            String winner, String rejections) {
        String msg = switch (message) {
            case "IMAGE" -> IMAGE;
            case "AUDIO" -> AUDIO;
            default -> HELLO;
        };
        String more = extra == null ? "" : switch (extra) {
            case "TOOLS" -> TOOLS;
            case "SCHEMA" -> ",\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"x\",\"schema\":{}}}";
            default -> ",\"response_format\":{\"type\":\"json_object\"}";
        };
        RoutingDecision d = routed(policy.decide(chat("route:cheap", msg, more)));
        assertThat(d.deploymentId()).isEqualTo(winner);
        assertThat(String.join("; ", d.rejected().stream().map(r -> r.deploymentId() + ": " + r.reason()).toList()))
                .isEqualTo(rejections);
        assertThat(d.fallbacks()).doesNotContainAnyElementsOf(d.rejected().stream().map(RoutingDecision.Rejection::deploymentId).toList());
    }

    @ParameterizedTest(name = "max_tokens {0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            // llama's deployment overrides its model's 8192 with 4096
            "4092    | llama        | ''",
            "4093    | gemini-flash | llama: context window 4096 < 4097 tokens needed (4 prompt + 4093 output)",
            "127996  | gemini-flash | llama: context window 4096 < 128000 tokens needed (4 prompt + 127996 output)",
            "127997  | gemini-flash | openai-mini: context window 128000 < 128001 tokens needed (4 prompt + 127997 output); azure-mini: context window 128000 < 128001 tokens needed (4 prompt + 127997 output); openai-4o: context window 128000 < 128001 tokens needed (4 prompt + 127997 output); llama: context window 4096 < 128001 tokens needed (4 prompt + 127997 output)",
    })
    void candidates_whose_context_window_is_smaller_than_prompt_plus_output_are_rejected(int maxTokens, String winner, String rejections) {
        RoutingDecision d = routed(policy.decide(chat("route:cheap", HELLO, ",\"max_tokens\":" + maxTokens)));
        assertThat(d.deploymentId()).isEqualTo(winner);
        assertThat(String.join("; ", d.rejected().stream().map(r -> r.deploymentId() + ": " + r.reason()).toList()))
                .isEqualTo(rejections);
    }

    @Test
    void other_families_estimate_the_prompt_at_three_point_six_characters_a_token() {
        String text = "x".repeat(36_000); // o200k packs runs of x tightly; the estimate for llama is 10,000 tokens
        String message = "{\"role\":\"user\",\"content\":\"" + text + "\"}";
        RoutingDecision d = routed(policy.decide(chat("route:pinned", message, ",\"max_tokens\":1")));
        assertThat(d.deploymentId()).isEqualTo("azure-mini");
        assertThat(d.rejected()).containsExactly(new RoutingDecision.Rejection("llama",
                "context window 4096 < 10001 tokens needed (10000 prompt + 1 output)"));
        assertThat(d.estimatedPromptTokens()).isEqualTo(tokens.count(text));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "cheap | AUDIO_TOOLS | invalid_request         | route cheap: no deployment can serve this request; all 5 candidates were rejected: openai-mini: lacks audio; azure-mini: lacks audio; openai-4o: lacks audio; gemini-flash: lacks tools; llama: lacks audio, tools",
            "eu    | AUDIO_TOOLS | invalid_request         | route eu: no deployment can serve this request; all 4 candidates were rejected: openai-mini: lacks audio; azure-mini: lacks audio; gemini-flash: lacks tools; openai-4o: lacks audio",
            "cheap | HUGE        | context_length_exceeded | route cheap: no deployment can serve this request; all 5 candidates were rejected: openai-mini: context window 128000 < 2000004 tokens needed (4 prompt + 2000000 output); azure-mini: context window 128000 < 2000004 tokens needed (4 prompt + 2000000 output); openai-4o: context window 128000 < 2000004 tokens needed (4 prompt + 2000000 output); gemini-flash: context window 1000000 < 2000004 tokens needed (4 prompt + 2000000 output); llama: context window 4096 < 2000004 tokens needed (4 prompt + 2000000 output)",
            "eu    | AUDIO_HUGE  | context_length_exceeded | route eu: no deployment can serve this request; all 4 candidates were rejected: openai-mini: lacks audio; azure-mini: lacks audio; gemini-flash: context window 1000000 < 2000000 tokens needed (0 prompt + 2000000 output); openai-4o: lacks audio",
    })
    void a_job_no_candidate_survives_fails_with_every_reason_and_the_furthest_filters_error(String route, String request,
                                                                                            String type, String message) {
        JobSubmitted job = switch (request) {
            case "AUDIO_TOOLS" -> chat("route:" + route, AUDIO, TOOLS);
            case "HUGE" -> chat("route:" + route, HELLO, ",\"max_tokens\":2000000");
            default -> chat("route:" + route, AUDIO, ",\"max_tokens\":2000000");
        };
        JobError error = unroutable(policy.decide(job));
        assertThat(error.type().code()).isEqualTo(type);
        assertThat(error.message()).isEqualTo(message);
    }

    @Test
    void an_unavailable_deployment_is_rejected_and_live_latency_replaces_the_expected_one() {
        DeploymentHealth health = new DeploymentHealth() {
            @Override
            public boolean available(String deploymentId) {
                return !deploymentId.equals("openai-mini");
            }

            @Override
            public long latencyP50Millis(Deployment d) {
                return d.id().equals("gemini-flash") ? 5_000 : d.expectedLatencyMs();
            }
        };
        RoutingPolicy live = new RoutingPolicy(config, tokens, d -> config.model(d.model()).orElseThrow(), health, BudgetGate.allowAll());
        RoutingDecision d = routed(live.decide(chat("route:fast", HELLO, "")));
        assertThat(d.deploymentId()).isEqualTo("azure-mini");
        assertThat(d.fallbacks()).containsExactly("llama", "openai-4o", "gemini-flash");
        assertThat(d.rejected()).containsExactly(new RoutingDecision.Rejection("openai-mini", "unavailable"));
    }

    @Test
    void budget_refusals_reject_candidates_and_fail_the_job_as_over_budget_when_they_were_the_last_ones() {
        BudgetGate noExpensive = (job, d, cost) -> cost.compareTo(new java.math.BigDecimal("0.0005")) > 0
                ? Optional.of("tenant " + job.tenant() + " budget: $" + cost.stripTrailingZeros().toPlainString() + " estimated exceeds $0.0005 left")
                : Optional.empty();
        RoutingPolicy gated = new RoutingPolicy(config, tokens, d -> config.model(d.model()).orElseThrow(),
                DeploymentHealth.expected(), noExpensive);
        RoutingDecision d = routed(gated.decide(chat("route:eu", HELLO, "")));
        assertThat(d.deploymentId()).isEqualTo("gemini-flash");
        assertThat(d.rejected()).extracting(RoutingDecision.Rejection::deploymentId).containsExactly("openai-mini", "azure-mini", "openai-4o");
        assertThat(d.rejected().get(1).reason()).isEqualTo("tenant acme budget: $0.000615 estimated exceeds $0.0005 left");

        JobError error = unroutable(gated.decide(chat("route:pinned", HELLO, ",\"max_tokens\":5000")));
        assertThat(error.type()).isEqualTo(ErrorType.BUDGET_EXCEEDED);
        assertThat(error.message()).contains("azure-mini: tenant acme budget", "llama: context window 4096");
    }

    @Test
    void an_unknown_route_is_model_not_found_naming_the_configured_routes() {
        JobError error = unroutable(policy.decide(chat("route:nope", HELLO, "")));
        assertThat(error.type()).isEqualTo(ErrorType.MODEL_NOT_FOUND);
        assertThat(error.message()).isEqualTo("route 'nope' is not configured; routes available: ab, ab-tenant, balanced, best, cheap, eu, fast, pinned, vectors");
    }

    @Test
    void a_plain_model_name_still_means_the_deployments_of_that_model_and_is_filtered_too() {
        RoutingDecision d = routed(policy.decide(chat("gpt-4o-mini", HELLO, "")));
        assertThat(d.candidates()).containsExactly("openai-mini", "azure-mini");
        assertThat(d.route()).isNull();
        JobError error = unroutable(policy.decide(chat("gpt-4o-mini", AUDIO, "")));
        assertThat(error.type()).isEqualTo(ErrorType.INVALID_REQUEST);
        assertThat(error.message()).isEqualTo("model gpt-4o-mini: no deployment can serve this request; all 2 candidates were rejected:"
                + " openai-mini: lacks audio; azure-mini: lacks audio");
    }

    @Test
    void embedding_routes_check_each_input_against_the_window_not_their_sum() {
        String input = "\"" + "word ".repeat(100) + "\"";
        String many = "[" + String.join(",", java.util.Collections.nCopies(100, input)) + "]";
        RoutingDecision d = routed(policy.decide(job("/v1/embeddings", "route:vectors",
                "{\"model\":\"route:vectors\",\"input\":" + many + "}", "j", "acme", null)));
        assertThat(d.deploymentId()).isEqualTo("emb");
        assertThat(d.estimatedPromptTokens()).isGreaterThan(8191);

        String huge = "\"" + "word ".repeat(9000) + "\"";
        JobError error = unroutable(policy.decide(job("/v1/embeddings", "route:vectors",
                "{\"model\":\"route:vectors\",\"input\":[\"hi\"," + huge + "]}", "j", "acme", null)));
        assertThat(error.type()).isEqualTo(ErrorType.CONTEXT_LENGTH_EXCEEDED);
        assertThat(error.message()).startsWith("route vectors: no deployment can serve this request; the only candidate was rejected: emb: context window 8191 < ");
    }

    @Test
    void a_chat_route_cannot_serve_embeddings() {
        JobError error = unroutable(policy.decide(job("/v1/embeddings", "route:cheap", "{\"model\":\"route:cheap\",\"input\":\"hi\"}", "j", "acme", null)));
        assertThat(error.type()).isEqualTo(ErrorType.INVALID_REQUEST);
        assertThat(error.message()).contains("openai-mini: lacks embeddings", "llama: lacks embeddings");
    }

    static JobSubmitted abJob(String user, String message) {
        return job("/v1/chat/completions", "route:ab", "{\"model\":\"route:ab\",\"messages\":[" + message + "]}",
                "job-" + user + "-" + message.length(), "acme", user == null ? null : Map.of("user", user));
    }

    @Test
    void a_split_assigns_about_its_weights_over_ten_thousand_ids() {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 10_000; i++) {
            RoutingDecision d = routed(policy.decide(abJob("user-" + i, HELLO)));
            counts.merge(d.variant(), 1, Integer::sum);
        }
        assertThat(counts).containsOnlyKeys("gpt-4o-mini", "gemini-flash");
        assertThat(counts.get("gpt-4o-mini") / 10_000.0).isBetween(0.67, 0.73);
        assertThat(counts.get("gemini-flash") / 10_000.0).isBetween(0.27, 0.33);
    }

    @Test
    void a_split_is_sticky_the_same_value_always_gets_the_same_variant_and_its_deployment() {
        for (int i = 0; i < 200; i++) {
            RoutingDecision first = routed(policy.decide(abJob("user-" + i, HELLO)));
            RoutingDecision again = routed(policy.decide(abJob("user-" + i, "{\"role\":\"user\",\"content\":\"Something else entirely\"}")));
            assertThat(again.variant()).isEqualTo(first.variant());
            assertThat(again.deploymentId()).isEqualTo(first.deploymentId());
            // the variant's best deployment first, then the rest of the variant, then the other variant's
            assertThat(first.deploymentId()).isEqualTo(first.variant().equals("gpt-4o-mini") ? "openai-mini" : "gemini-flash");
            assertThat(first.fallbacks()).containsExactlyElementsOf(first.variant().equals("gpt-4o-mini")
                    ? List.of("azure-mini", "gemini-flash") : List.of("openai-mini", "azure-mini"));
            assertThat(first.reason()).contains("; variant " + first.variant() + " by metadata.user; chose ");
        }
    }

    @Test
    void a_split_by_tenant_keeps_a_tenant_on_one_variant_and_splits_tenants_between_variants() {
        Set<String> variants = new java.util.HashSet<>();
        for (int t = 0; t < 50; t++) {
            String tenant = "tenant-" + t;
            Set<String> seen = new java.util.HashSet<>();
            for (int j = 0; j < 5; j++) {
                seen.add(routed(policy.decide(job("/v1/chat/completions", "route:ab-tenant",
                        "{\"model\":\"route:ab-tenant\",\"messages\":[" + HELLO + "]}", "job-" + t + "-" + j, tenant, null))).variant());
            }
            assertThat(seen).hasSize(1);
            variants.addAll(seen);
        }
        assertThat(variants).containsExactlyInAnyOrder("gpt-4o-mini", "gemini-flash");
    }

    @Test
    void without_the_split_attribute_a_job_is_assigned_by_its_own_id() {
        RoutingDecision d = routed(policy.decide(abJob(null, HELLO)));
        RouteSpec.Split split = config.route("ab").orElseThrow().split();
        assertThat(d.variant()).isEqualTo(StickySplit.assign("ab", split.variants(), "job-null-" + HELLO.length()).target());
        assertThat(d.reason()).contains("; variant " + d.variant() + " by metadata.user (absent, by job_id); chose ");
    }

    @Test
    void a_job_whose_variant_cannot_serve_it_leaves_the_split_and_no_variant_is_recorded() {
        String user = java.util.stream.IntStream.range(0, 1000).mapToObj(i -> "user-" + i)
                .filter(u -> StickySplit.assign("ab", config.route("ab").orElseThrow().split().variants(), u).target().equals("gpt-4o-mini"))
                .findFirst().orElseThrow();
        RoutingDecision d = routed(policy.decide(abJob(user, AUDIO)));
        assertThat(d.deploymentId()).isEqualTo("gemini-flash");
        assertThat(d.variant()).isNull();
        assertThat(d.reason()).contains("variant gpt-4o-mini by metadata.user has no eligible candidate, so the job leaves the split");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"a, 1 1", "b, 1 3", "c, 5 1 1 3", "d, 0.1 0.2"})
    void sticky_assignment_is_a_pure_function_of_route_and_value(String name, String weights) {
        List<RouteSpec.Variant> variants = new java.util.ArrayList<>();
        String[] w = weights.split(" ");
        for (int i = 0; i < w.length; i++) {
            variants.add(new RouteSpec.Variant("v" + i, Double.parseDouble(w[i])));
        }
        for (int i = 0; i < 100; i++) {
            assertThat(StickySplit.assign(name, variants, "id-" + i)).isEqualTo(StickySplit.assign(name, List.copyOf(variants), "id-" + i));
        }
        assertThat(StickySplit.unitHash("x")).isBetween(0.0, 1.0).isNotEqualTo(StickySplit.unitHash("y"));
    }
}
