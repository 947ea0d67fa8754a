package dev.railyard.infra.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.railyard.schema.Topics;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedInfrastructure.class)
class EmbeddedInfrastructureIT {

    @Test
    void broker_round_trips_a_record_and_database_is_migrated(SharedInfrastructure.Servers servers) throws Exception {
        // Plain clients, not kafka-io's: kafka-io's own tests run on this infrastructure, so this module cannot depend on it.
        Map<String, Object> bootstrap = Map.of("bootstrap.servers", servers.bootstrapServers());
        try (Admin admin = Admin.create(bootstrap)) {
            admin.createTopics(List.of(new NewTopic(Topics.dispatch("itest"), 2, (short) 1))).all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(bootstrap, new ByteArraySerializer(), new ByteArraySerializer());
             KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(bootstrap, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            producer.send(new ProducerRecord<>(Topics.dispatch("itest"), 0, null, "hello".getBytes(StandardCharsets.UTF_8))).get();
            consumer.assign(List.of(new TopicPartition(Topics.dispatch("itest"), 0)));
            consumer.seekToBeginning(consumer.assignment());
            String seen = null;
            for (int i = 0; i < 50 && seen == null; i++) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    seen = new String(r.value(), StandardCharsets.UTF_8);
                }
            }
            assertThat(seen).isEqualTo("hello");
        }
        try (Connection c = servers.dataSource().getConnection();
             ResultSet rs = c.createStatement().executeQuery("select id from tenants")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("default");
        }
    }
}
