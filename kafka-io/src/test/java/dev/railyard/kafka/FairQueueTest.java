package dev.railyard.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.railyard.schema.Headers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The order in which waiting records are handed out. Records are written {@code I|S|B:tenant} (priority
 * class and tenant headers), {@code ?} for a record without headers, {@code x*n} for n of them.
 */
class FairQueueTest {
    private static final TopicPartition P0 = new TopicPartition("t", 0);
    private static final TopicPartition P1 = new TopicPartition("t", 1);
    private final FairQueue queue = new FairQueue();
    private long offset;

    @ParameterizedTest(name = "{0}: {1} → {2}")
    @CsvSource(delimiter = '|', value = {
            "a class alone gets every slot             | B:a*3                   | B:a*3",
            "weights 6:3:1 while all classes wait      | I:a*10 S:a*10 B:a*10    | I:a*6 S:a*3 B:a I:a*4 S:a*3 B:a S:a*3 B:a S:a B:a B:a*6",
            "bulk is never starved entirely            | I:a*20 B:a*2            | I:a*6 B:a I:a*6 B:a I:a*8",
            "standard is not starved by interactive    | I:a*8 S:a*2             | I:a*6 S:a*2 I:a*2",
            "empty classes are skipped                 | S:a*2 B:a*5             | S:a*2 B:a*5",
            "tenants take turns within a class         | S:a*3 S:b S:c*2         | S:a S:b S:c S:a S:c S:a",
            "turns are per class                       | I:a*2 I:b B:a B:b       | I:a I:b I:a B:a B:b",
            "a big backlog does not delay a new tenant | B:big*50 B:small*2      | B:big B:small B:big B:small B:big*48",
            "no headers: standard, tenant ''           | ? ? S:a I:a             | I:a ? S:a ?"})
    void hands_out_records_by_weighted_class_then_tenant_round_robin(String behaviour, String added, String expected) {
        for (String token : expand(added)) {
            queue.add(record(P0, token));
        }
        assertThat(drain()).as(behaviour).containsExactlyElementsOf(expand(expected));
        assertThat(queue.size()).isZero();
    }

    @Test
    void a_tenant_arriving_behind_a_backlog_is_served_within_one_turn() {
        for (int i = 0; i < 100; i++) {
            queue.add(record(P0, "S:big"));
        }
        for (int i = 0; i < 5; i++) {
            queue.next();
        }
        queue.add(record(P1, "S:late"));
        queue.add(record(P1, "S:late"));

        assertThat(List.of(label(queue.next()), label(queue.next()), label(queue.next()), label(queue.next())))
                .containsExactly("S:big", "S:late", "S:big", "S:late");
    }

    @Test
    void within_a_tenant_records_keep_their_fetch_order() {
        for (int i = 0; i < 5; i++) {
            queue.add(record(i % 2 == 0 ? P0 : P1, "S:a"));
        }
        List<Long> offsets = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r; (r = queue.next()) != null; ) {
            offsets.add(r.offset());
        }
        assertThat(offsets).containsExactly(0L, 1L, 2L, 3L, 4L);
    }

    @Test
    void counts_waiting_records_per_partition() {
        queue.add(record(P0, "S:a"));
        queue.add(record(P0, "B:b"));
        queue.add(record(P1, "I:c"));

        assertThat(queue.waiting(P0)).isEqualTo(2);
        assertThat(queue.waiting(P1)).isEqualTo(1);
        queue.next(); // the interactive one, from P1
        assertThat(queue.waiting(P1)).isZero();
        assertThat(queue.size()).isEqualTo(2);
    }

    @Test
    void dropping_revoked_partitions_removes_only_their_records_and_keeps_the_turns_consistent() {
        queue.add(record(P0, "S:a"));
        queue.add(record(P1, "S:b"));
        queue.add(record(P0, "S:a"));
        queue.add(record(P1, "S:c"));
        queue.add(record(P1, "B:a"));

        assertThat(queue.drop(List.of(P0))).isEqualTo(2);

        assertThat(queue.waiting(P0)).isZero();
        assertThat(queue.size()).isEqualTo(3);
        assertThat(drain()).containsExactly("S:b", "S:c", "B:a");
        assertThat(queue.next()).isNull();
    }

    private List<String> drain() {
        List<String> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r; (r = queue.next()) != null; ) {
            out.add(label(r));
        }
        return out;
    }

    private static List<String> expand(String tokens) {
        List<String> out = new ArrayList<>();
        for (String token : tokens.trim().split("\\s+")) {
            int star = token.indexOf('*');
            int n = star < 0 ? 1 : Integer.parseInt(token.substring(star + 1));
            for (int i = 0; i < n; i++) {
                out.add(star < 0 ? token : token.substring(0, star));
            }
        }
        return out;
    }

    private ConsumerRecord<byte[], byte[]> record(TopicPartition tp, String token) {
        ConsumerRecord<byte[], byte[]> r = new ConsumerRecord<>(tp.topic(), tp.partition(), offset++, null,
                token.getBytes(StandardCharsets.UTF_8));
        if (!token.equals("?")) {
            String priority = switch (token.charAt(0)) {
                case 'I' -> "interactive";
                case 'S' -> "standard";
                case 'B' -> "bulk";
                default -> throw new IllegalArgumentException(token);
            };
            r.headers().add(Headers.PRIORITY, priority.getBytes(StandardCharsets.UTF_8));
            r.headers().add(Headers.TENANT, token.substring(2).getBytes(StandardCharsets.UTF_8));
        }
        return r;
    }

    private static String label(ConsumerRecord<byte[], byte[]> r) {
        return new String(r.value(), StandardCharsets.UTF_8);
    }
}
