package dev.railyard.bench.inflight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InflightArgsTest {
    @Test
    void defaultsAreTheIssueFigure() {
        assertThat(InflightArgs.parse(new String[0])).isEqualTo(new InflightArgs(10_000, 2_000, 450_000, 4, 250, 60, false, Map.of()));
    }

    @Test
    void everyOptionIsRead() {
        assertThat(InflightArgs.parse(new String[]{"--in-flight", "500", "--latency-ms", "100", "--jobs", "2000",
                "--tenants", "2", "--http2", "--sample-ms", "50", "--warmup-s", "5", "--kafka", "group.protocol=classic", "--kafka", "a.b=x=y"}))
                .isEqualTo(new InflightArgs(500, 100, 2000, 2, 50, 5, true, Map.of("group.protocol", "classic", "a.b", "x=y")));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--bogus 1         | unknown option --bogus",
            "--jobs            | lacks its value",
            "--in-flight 0     | must be positive",
            "--sample-ms 1     | sample-ms at least 10",
            "--kafka novalue   | --kafka takes KEY=VALUE",
    })
    void badOptionsAreRefusedWithTheUsage(String args, String message) {
        assertThatThrownBy(() -> InflightArgs.parse(args.trim().split(" ")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message)
                .hasMessageContaining("usage: bench/run inflight");
    }
}
