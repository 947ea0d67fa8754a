package dev.railyard.api.batches;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.time.Instant;
import dev.railyard.api.jobs.NewJob;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CopyRowsTest {

    static Stream<Arguments> values() {
        return Stream.of(
                Arguments.of("plain", "abc", "abc"),
                Arguments.of("empty string is not null", "", ""),
                Arguments.of("backslash doubled", "a\\b", "a\\\\b"),
                Arguments.of("JSON escapes survive", "{\"s\":\"x\\ny\\\"\"}", "{\"s\":\"x\\\\ny\\\\\"\"}"),
                Arguments.of("tab", "a\tb", "a\\tb"),
                Arguments.of("newline", "a\nb", "a\\nb"),
                Arguments.of("carriage return", "a\r\nb", "a\\r\\nb"),
                Arguments.of("end-of-data marker is harmless once escaped", "\\.", "\\\\."),
                Arguments.of("NUL replaced", "a\0b", "a\uFFFDb"),
                Arguments.of("non-ASCII untouched", "héllo ✓ 😀", "héllo ✓ 😀"),
                Arguments.of("quotes and commas untouched", "\"a\",'b'", "\"a\",'b'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("values")
    void escapes_a_value_for_copy_text_format(String name, String value, String expected) throws IOException {
        StringWriter out = new StringWriter();
        new CopyRows(out).field(value);
        assertThat(out.toString()).isEqualTo(expected);
    }

    @Test
    void separates_fields_with_tabs_ends_rows_with_newlines_and_writes_null_as_backslash_n() throws IOException {
        StringWriter out = new StringWriter();
        CopyRows rows = new CopyRows(out);
        rows.field("a").field((String) null).field(42).endRow();
        rows.field("b\tc").field("").endRow();
        assertThat(out.toString()).isEqualTo("a\t\\N\t42\nb\\tc\t\n");
    }

    @Test
    void a_job_row_has_the_twelve_copied_columns_in_order_with_the_request_escaped() throws IOException {
        StringWriter out = new StringWriter();
        NewJob job = new NewJob("job_1", "default", "batch_1", null, 7, "/v1/chat/completions", "gpt-4o-mini",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"a\\nb\\tc\"}]}", "bulk", null, null, null,
                Instant.parse("2025-01-01T00:00:00.123456Z"), "key_1");

        BatchStore.writeJobRow(new CopyRows(out), job);

        assertThat(out.toString()).isEqualTo("job_1\tdefault\tbatch_1\t\\N\t7\t/v1/chat/completions\tgpt-4o-mini\t"
                + "{\"messages\":[{\"role\":\"user\",\"content\":\"a\\\\nb\\\\tc\"}]}\tbulk\tqueued\t2025-01-01T00:00:00.123456Z\tkey_1\n");
        assertThat(out.toString().split("\t", -1)).hasSize(12);
    }
}
