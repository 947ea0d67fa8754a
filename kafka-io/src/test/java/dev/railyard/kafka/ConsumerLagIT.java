package dev.railyard.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.railyard.infra.testing.SharedInfrastructure;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Consumer lag measured on the real broker: end offsets minus committed offsets, summed over a topic's partitions. */
@ExtendWith(SharedInfrastructure.class)
class ConsumerLagIT {

    @Test
    void lag_is_what_the_group_has_not_committed_counting_uncommitted_partitions_from_the_start(
            SharedInfrastructure.Servers servers) throws Exception {
        KafkaClients clients = new KafkaClients(servers.bootstrapServers());
        String topic = TestTopics.create(clients, "lag", 2);
        String prefix = "railyard-lag-it-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        String group = prefix + "workers";
        try (KafkaProducer<byte[], byte[]> producer = clients.producer("lag-it")) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(topic, i % 2, null, ("r" + i).getBytes(StandardCharsets.UTF_8)))
                        .get(10, TimeUnit.SECONDS);
            }
        }
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (Admin admin = clients.admin();
             ConsumerLag lag = new ConsumerLag(clients, prefix, Duration.ofHours(1))) {
            // Partition 0 (5 records) committed up to 3; partition 1 (5 records) never committed.
            admin.alterConsumerGroupOffsets(group, Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(3)))
                    .all().get(10, TimeUnit.SECONDS);
            lag.bindTo(registry);
            lag.refresh();

            Gauge gauge = registry.get(ConsumerLag.NAME).tags("topic", topic, "group", group).gauge();
            assertThat(gauge.value()).isEqualTo(2 + 5);
            assertThat(registry.find(ConsumerLag.NAME).gauges()).as("only groups with the prefix").hasSize(1);
            assertThat(registry.scrape()).contains("railyard_consumer_lag{group=\"" + group + "\",topic=\"" + topic + "\"} 7.0");

            admin.alterConsumerGroupOffsets(group, Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(5),
                    new TopicPartition(topic, 1), new OffsetAndMetadata(4))).all().get(10, TimeUnit.SECONDS);
            lag.refresh();

            assertThat(gauge.value()).isEqualTo(1);
        }
        assertThat(registry.find(ConsumerLag.NAME).gauges()).as("closed: its series are gone").isEmpty();
    }
}
