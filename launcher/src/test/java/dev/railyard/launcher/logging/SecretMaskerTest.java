package dev.railyard.launcher.logging;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SecretMaskerTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "key sk-proj-AbCdEf0123456789xyz in a message | key *** in a message",
            "Anthropic sk-ant-api03-Zz9_Yy8-Xx7 said no | Anthropic *** said no",
            "Authorization: Bearer eyJhbGciOi.JIUzI1.NiJ9 sent | Authorization: Bearer *** sent",
            "header was bearer abc.def-ghi | header was Bearer ***",
            "{\"api_key\": \"hunter22\"} | {\"api_key\": \"***\"}",
            "x-api-key=abcdef123 next | x-api-key=*** next",
            "mail jane.doe+ops@example.co.uk now | mail *** now",
            "card 4111 1111 1111 1111 exp | card *** exp",
            "card 4111-1111-1111-1111 exp | card *** exp",
            "amex 378282246310005. | amex ***.",
            "railyard key ry-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA | railyard key ***",
            "AWS AKIAIOSFODNN7EXAMPLE key | AWS *** key",
    })
    void masks_secrets_addresses_and_card_numbers(String text, String expected) {
        assertThat(SecretMasker.redact(text)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "job job_01HZX routed to openai-gpt-4o-mini",
            "offset 1712345678901 committed",          // 13 digits, no card network starts with 1
            "order 4111111111111112 shipped",          // a card network prefix, but the check digit fails
            "trace 0af7651916cd43dd8448eb211c80319c",
            "task-queue and sk-short",                  // too short to be a key
            "cost 0.000123 over 2 attempt(s)",
    })
    void leaves_ordinary_text_alone(String text) {
        assertThat(SecretMasker.redact(text)).isEqualTo(text);
    }
}
