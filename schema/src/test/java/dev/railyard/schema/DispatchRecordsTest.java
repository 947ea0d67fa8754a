package dev.railyard.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DispatchRecordsTest {

    @ParameterizedTest(name = "''{0}'' → {1}")
    @CsvSource(nullValues = "NULL", value = {
            "interactive, interactive",
            "standard, standard",
            "bulk, bulk",
            "' Bulk ', bulk",
            "INTERACTIVE, interactive",
            "NULL, standard",
            "'', standard",
            "urgent, standard"})
    void priority_is_normalised_and_defaults_to_standard(String requested, String expected) {
        assertThat(DispatchRecords.priority(requested)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} / {1} → {2}")
    @CsvSource(nullValues = "NULL", value = {
            // pinned: the key is a wire contract, a job must map to the same key in every process and release
            "acme, bulk, acme:bulk",
            "acme, Interactive, acme:interactive",
            "acme, NULL, acme:standard",
            "globex, urgent, globex:standard",
            "NULL, bulk, :bulk"})
    void key_is_the_tenant_and_the_priority_class(String tenant, String priority, String expected) {
        assertThat(new String(DispatchRecords.key(tenant, priority), StandardCharsets.UTF_8)).isEqualTo(expected);
    }

    @Test
    void headers_carry_tenant_then_normalised_priority() {
        assertThat(text(DispatchRecords.headers("acme", "Bulk")))
                .containsExactly(Map.entry(Headers.TENANT, "acme"), Map.entry(Headers.PRIORITY, "bulk"));
    }

    @Test
    void headers_without_a_tenant_carry_only_the_priority() {
        assertThat(text(DispatchRecords.headers(null, null))).containsExactly(Map.entry(Headers.PRIORITY, "standard"));
    }

    private static Map<String, String> text(Map<String, byte[]> headers) {
        Map<String, String> out = new LinkedHashMap<>();
        headers.forEach((k, v) -> out.put(k, new String(v, StandardCharsets.UTF_8)));
        return out;
    }
}
