package dev.railyard.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SchemaSampleTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"},\"b\":{\"type\":\"integer\"}},\"required\":[\"a\"]}|{\"a\":\"railyard\"}",
        "{\"type\":\"OBJECT\",\"properties\":{\"n\":{\"type\":\"NUMBER\"},\"ok\":{\"type\":\"BOOLEAN\"}},\"required\":[\"n\",\"ok\"]}|{\"n\":1.0,\"ok\":true}",
        "{\"type\":\"object\",\"properties\":{\"c\":{\"enum\":[\"red\",\"blue\"]}},\"required\":[\"c\"]}|{\"c\":\"red\"}",
        "{\"type\":\"array\",\"items\":{\"type\":\"integer\",\"minimum\":5},\"minItems\":2}|[5,5]",
        "{\"type\":[\"null\",\"string\"],\"minLength\":10}|\"railyardxx\"",
        "{\"$defs\":{\"p\":{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"string\",\"format\":\"date\"}},\"required\":[\"x\"]}},\"type\":\"object\",\"properties\":{\"p\":{\"$ref\":\"#/$defs/p\"}},\"required\":[\"p\"]}|{\"p\":{\"x\":\"2026-01-01\"}}",
        "{\"anyOf\":[{\"type\":\"integer\"},{\"type\":\"string\"}]}|1",
        "{}|{}"})
    void the_sample_is_the_smallest_value_the_schema_accepts(String schema, String expected) throws Exception {
        assertThat(SchemaSample.of(JSON.readTree(schema))).isEqualTo(JSON.readTree(expected));
    }
}
