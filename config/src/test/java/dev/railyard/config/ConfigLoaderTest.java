package dev.railyard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigLoaderTest {
    private static final String VALID = """
            providers:
              openai:
                base_url: ${BASE:-https://api.openai.com/v1/}
                api_key: ${KEY:-}
            models:
              gpt-4o-mini: { owned_by: openai, input_per_million: 0.15, output_per_million: 0.60 }
            deployments:
              - { id: d1, provider: openai, model: gpt-4o-mini }
            """;

    @Test
    void default_configuration_has_the_required_real_models_served_by_the_simulator_without_keys() {
        RailyardConfig config = new ConfigLoader(Map.of()).loadDefault();
        assertThat(config.models()).containsKeys("gpt-4o-mini", "gpt-4o", "text-embedding-3-small");
        assertThat(config.model("gpt-4o-mini").orElseThrow().inputPerMillion()).isEqualByComparingTo("0.15");
        assertThat(config.model("text-embedding-3-small").orElseThrow().embedding()).isTrue();
        assertThat(config.needsSimulator()).isTrue();
        RailyardConfig simulated = config.withSimulator("http://127.0.0.1:1");
        assertThat(simulated.providers().get("openai").baseUrl()).isEqualTo("http://127.0.0.1:1/v1");
        assertThat(simulated.providers().get("openai").simulated()).isTrue();
    }

    @Test
    void an_api_key_in_the_environment_switches_the_provider_to_the_real_one() {
        RailyardConfig config = new ConfigLoader(Map.of("OPENAI_API_KEY", "sk-test")).loadDefault();
        assertThat(config.providers().get("openai").hasKey()).isTrue();
        assertThat(config.withSimulator("http://127.0.0.1:1").providers().get("openai").baseUrl())
                .isEqualTo("https://api.openai.com/v1");
        assertThat(config.providers().get("openai").toString()).doesNotContain("sk-test");
    }

    @Test
    void provider_specific_settings_are_options_and_secrets_are_never_shown() {
        String yaml = VALID.replace("api_key: ${KEY:-}", "type: bedrock\n    region: eu-west-1\n    access_key_id: AKID\n    secret_access_key: s3cr3t");
        ProviderConfig bedrock = new ConfigLoader(Map.of()).parse(yaml, "test").providers().get("openai");
        assertThat(bedrock.option("region", "us-east-1")).isEqualTo("eu-west-1");
        assertThat(bedrock.hasKey()).isTrue();
        assertThat(bedrock.toString()).contains("eu-west-1").doesNotContain("s3cr3t").doesNotContain("AKID");
        ProviderConfig simulated = bedrock.servedBy("http://127.0.0.1:9");
        assertThat(simulated.baseUrl()).isEqualTo("http://127.0.0.1:9");
        assertThat(simulated.option("secret_access_key", "")).isEqualTo(ProviderConfig.SIMULATOR_AWS_SECRET_ACCESS_KEY);
    }

    @Test
    void unset_credentials_in_the_default_configuration_mean_simulated_providers_for_every_family() {
        RailyardConfig config = new ConfigLoader(Map.of()).loadDefault();
        assertThat(config.providers().keySet()).contains("openai", "anthropic", "gemini", "bedrock");
        assertThat(config.providers().values()).allSatisfy(p -> assertThat(p.hasKey()).as(p.name()).isFalse());
        assertThat(config.withSimulator("http://127.0.0.1:9").providers().values())
                .allSatisfy(p -> assertThat(p.simulated()).as(p.name()).isTrue());
        RailyardConfig withAws = new ConfigLoader(Map.of("AWS_ACCESS_KEY_ID", "AKID", "AWS_SECRET_ACCESS_KEY", "s")).loadDefault();
        assertThat(withAws.providers().get("bedrock").hasKey()).isTrue();
    }

    @Test
    void environment_variables_are_expanded_with_defaults() {
        RailyardConfig config = new ConfigLoader(Map.of("KEY", "k1")).parse(VALID, "test");
        assertThat(config.providers().get("openai").apiKey()).isEqualTo("k1");
        assertThat(config.providers().get("openai").baseUrl()).isEqualTo("https://api.openai.com/v1");
        assertThat(config.model("gpt-4o-mini").orElseThrow().cachedInputPerMillion()).isEqualTo(new BigDecimal("0.15"));
        assertThat(config.retry()).isEqualTo(RetryPolicy.DEFAULT);
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            "provider: openai|provider: nope|deployments[0].provider: unknown provider 'nope'",
            "model: gpt-4o-mini }|model: gpt-5 }|deployments[0].model: 'gpt-5' is not in models",
            "input_per_million: 0.15|input_per_million: cheap|models.gpt-4o-mini.input_per_million: not a number",
            "input_per_million: 0.15|input_per_million: -1|models.gpt-4o-mini.input_per_million: must not be negative",
            "base_url: ${BASE:-https://api.openai.com/v1/}|base_url: ftp://x|providers.openai.base_url: must be an http(s) URL",
            "api_key: ${KEY:-}|api_key: ${MISSING_KEY}|environment variable MISSING_KEY is not set",
            "model: gpt-4o-mini }|model: gpt-4o-mini, limits: { rpm: -5 } }|deployments[0].limits.rpm: must be a positive integer",
            "model: gpt-4o-mini }|model: gpt-4o-mini, limits: { rph: 5 } }|deployments[0].limits.rph: unknown limit",
            "model: gpt-4o-mini }|model: gpt-4o-mini, limits: 500 }|deployments[0].limits: must be a map",
            "api_key: ${KEY:-}|limits: { tpm: lots }|providers.openai.limits.tpm: must be a positive integer",
    })
    void invalid_settings_are_reported_with_their_key(String from, String to, String expected) {
        String broken = VALID.replace(from, to);
        assertThatThrownBy(() -> new ConfigLoader(Map.of()).parse(broken, "test"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(expected);
    }

    @Test
    void rate_limits_of_deployments_and_provider_keys_are_read_and_survive_the_simulator_swap() {
        String yaml = VALID.replace("api_key: ${KEY:-}", "api_key: ${KEY:-}\n    limits: { rpm: 10000, tpm: 2000000 }")
                .replace("model: gpt-4o-mini }", "model: gpt-4o-mini, limits: { rpm: 500 } }");
        RailyardConfig config = new ConfigLoader(Map.of()).parse(yaml, "test");
        assertThat(config.deployment("d1").orElseThrow().limits()).isEqualTo(new RateLimit(500, 0));
        assertThat(config.providers().get("openai").limits()).isEqualTo(new RateLimit(10_000, 2_000_000));
        assertThat(config.providers().get("openai").options()).doesNotContainKey("limits");
        assertThat(config.withSimulator("http://127.0.0.1:1").providers().get("openai").limits())
                .isEqualTo(new RateLimit(10_000, 2_000_000));
        assertThat(new ConfigLoader(Map.of()).parse(VALID, "test").deployment("d1").orElseThrow().limits().unlimited()).isTrue();
    }

    @Test
    void every_problem_is_reported_at_once() {
        String broken = VALID.replace("provider: openai", "provider: nope").replace("input_per_million: 0.15", "input_per_million: x");
        assertThatThrownBy(() -> new ConfigLoader(Map.of()).parse(broken, "test"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).hasSize(2));
    }
}
