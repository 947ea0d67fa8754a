package dev.railyard.api.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonTextTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "{\"a\":\"plain\"}                 | ok",
            "{\"a\":\"\\u00e9\\u20ac\"}        | ok",
            "{\"a\":\"\\ud83d\\ude00\"}        | ok",
            "{\"a\":\"\\\\u0000\"}             | ok",
            "{\"a\":\"\\u0000\"}               | NUL",
            "{\"a\":\"x\\\\\\u0000\"}          | NUL",
            "{\"a\":\"\\ud83d\"}               | surrogate",
            "{\"a\":\"\\ude00\"}               | surrogate",
            "{\"a\":\"\\ud83d\\n\"}            | surrogate",
    })
    void finds_escapes_postgres_jsonb_rejects(String json, String expected) {
        String reason = JsonText.unstorableEscape(json.strip());
        switch (expected) {
            case "ok" -> assertThat(reason).isNull();
            case "NUL" -> assertThat(reason).contains("NUL");
            default -> assertThat(reason).contains("surrogate");
        }
    }
}
