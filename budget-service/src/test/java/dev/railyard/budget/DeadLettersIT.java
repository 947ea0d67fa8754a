package dev.railyard.budget;

import static dev.railyard.budget.BudgetRig.await;
import static dev.railyard.budget.BudgetRig.call;
import static dev.railyard.budget.BudgetRig.count;
import static org.assertj.core.api.Assertions.assertThat;

import dev.railyard.budget.deadletter.DeadLetterArchive;
import dev.railyard.budget.deadletter.DeadLetterRoutes;
import dev.railyard.config.ConfigLoader;
import dev.railyard.config.RailyardConfig;
import dev.railyard.infra.testing.SharedInfrastructure;
import dev.railyard.kafka.DeadLetters;
import dev.railyard.kafka.KafkaClients;
import dev.railyard.kafka.TopicSetup;
import dev.railyard.schema.EventCodec;
import dev.railyard.schema.Headers;
import dev.railyard.schema.Topics;
import dev.railyard.schema.event.ErrorType;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Dead letters recorded from {@code railyard.jobs.dead-letter} into PostgreSQL, listed and replayed through the routes. */
@ExtendWith(SharedInfrastructure.class)
class DeadLettersIT {
    static final RailyardConfig config = new ConfigLoader(Map.of()).loadDefault();
    static KafkaClients clients;
    static DataSource db;
    static BudgetService service;
    static KafkaProducer<byte[], byte[]> producer;
    static Vertx vertx;
    static String api;

    @BeforeAll
    static void start(SharedInfrastructure.Servers servers) {
        clients = new KafkaClients(servers.bootstrapServers());
        db = servers.dataSource();
        new TopicSetup(clients, 4, (short) 1).ensure(config.providers().keySet());
        service = new BudgetService(config, clients, db, null,
                BudgetSettings.defaults().withConsumerGroup("dead-letters-it-" + UUID.randomUUID()));
        service.start();
        producer = clients.producer("dead-letters-it");
        vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        new DeadLetterRoutes(new DeadLetterArchive(db, new EventCodec().mapper()), service::deadLetterReplay, vertx).install(router);
        int port = vertx.createHttpServer().requestHandler(router).listen(0).toCompletionStage().toCompletableFuture().join()
                .actualPort();
        api = "http://127.0.0.1:" + port;
    }

    @AfterAll
    static void stop() {
        producer.close();
        service.close();
        vertx.close();
    }

    /** A submitted record the router gave up on, as the router's DeadLetters would publish it. */
    private static RecordMetadata deadLetter(String topic, String jobId, byte[] value) throws Exception {
        RecordHeaders headers = new RecordHeaders();
        headers.add(Headers.TENANT, "acme".getBytes(StandardCharsets.UTF_8));
        headers.add(Headers.JOB_ID, jobId.getBytes(StandardCharsets.UTF_8));
        headers.add("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".getBytes(StandardCharsets.UTF_8));
        ConsumerRecord<byte[], byte[]> original = new ConsumerRecord<>(topic, 3, 42L, 0L, TimestampType.CREATE_TIME, 0, 0,
                "acme:standard".getBytes(StandardCharsets.UTF_8), value, headers, java.util.Optional.empty());
        return new DeadLetters(producer).publish(original, "router", ErrorType.MALFORMED_RECORD, "not JSON", null).get();
    }

    @Test
    void dead_letters_are_recorded_once_even_when_redelivered() throws Exception {
        String jobId = "job_dlq_" + UUID.randomUUID();
        RecordMetadata dlq = deadLetter(Topics.JOBS_SUBMITTED, jobId, "not json {".getBytes(StandardCharsets.UTF_8));
        await("the dead letter is recorded", () -> count(db, "select count(*) from dead_letters where job_id = ?", jobId) == 1);
        assertThat(count(db, "select count(*) from dead_letters where job_id = ? and source_topic = ? and source_partition = 3"
                + " and source_offset = 42 and stage = 'router' and error_type = 'malformed_record' and reason = 'not JSON'"
                + " and tenant = 'acme' and replayed_at is null", jobId, Topics.JOBS_SUBMITTED)).isEqualTo(1);

        // A second service in a fresh group reads the whole dead-letter topic again from the start: a redelivery.
        String group = "dead-letters-it-again-" + UUID.randomUUID();
        BudgetService again = new BudgetService(config, clients, db, null, BudgetSettings.defaults().withConsumerGroup(group));
        again.start();
        TopicPartition partition = new TopicPartition(dlq.topic(), dlq.partition());
        try (KafkaConsumer<byte[], byte[]> offsets = clients.consumer(group + "-dead-letters", 1)) {
            await("the second group has recorded and committed past the record", () -> {
                OffsetAndMetadata committed = offsets.committed(Set.of(partition)).get(partition);
                return committed != null && committed.offset() > dlq.offset();
            });
        } finally {
            again.close();
        }
        assertThat(count(db, "select count(*) from dead_letters where job_id = ?", jobId)).isEqualTo(1);
    }

    @Test
    void a_replay_puts_the_original_record_back_on_its_topic_once_unless_forced() throws Exception {
        String jobId = "job_dlq_replay_" + UUID.randomUUID();
        byte[] value = ("{\"job_id\":\"" + jobId + "\",\"broken\":").getBytes(StandardCharsets.UTF_8);
        deadLetter(Topics.JOBS_SUBMITTED, jobId, value);
        await("the dead letter is recorded", () -> count(db, "select count(*) from dead_letters where job_id = ?", jobId) == 1);
        BudgetRig.Reply listed = call("GET", api + "/v1/dead-letters?limit=1000", null);
        assertThat(listed.status()).isEqualTo(200);
        String id = null;
        for (var d : listed.body().path("data")) {
            if (jobId.equals(d.path("job_id").asText())) {
                id = d.path("id").asText();
                assertThat(d.path("stage").asText()).isEqualTo("router");
                assertThat(d.path("source").path("topic").asText()).isEqualTo(Topics.JOBS_SUBMITTED);
                assertThat(d.path("headers").path(Headers.TENANT).asText()).isEqualTo("acme");
                assertThat(d.path("headers").has(Headers.DLQ_STAGE)).isFalse();
                assertThat(d.path("replayed_at").isNull()).isTrue();
            }
        }
        assertThat(id).as(listed.body().toString()).isNotNull();

        BudgetRig.Reply replayed = call("POST", api + "/v1/dead-letters/" + id + "/replay", null);
        assertThat(replayed.status()).as(replayed.body().toString()).isEqualTo(200);
        assertThat(replayed.body().path("topic").asText()).isEqualTo(Topics.JOBS_SUBMITTED);
        assertThat(replayed.body().path("dead_letter").path("replayed_at").isNull()).isFalse();
        ConsumerRecord<byte[], byte[]> back = read(new TopicPartition(Topics.JOBS_SUBMITTED, replayed.body().path("partition").asInt()),
                replayed.body().path("offset").asLong());
        assertThat(new String(back.key(), StandardCharsets.UTF_8)).isEqualTo("acme:standard");
        assertThat(back.value()).isEqualTo(value);
        List<String> headerKeys = new ArrayList<>();
        for (Header h : back.headers()) {
            headerKeys.add(h.key());
        }
        assertThat(headerKeys).containsExactly(Headers.TENANT, Headers.JOB_ID, "traceparent");
        assertThat(new String(back.headers().lastHeader(Headers.JOB_ID).value(), StandardCharsets.UTF_8)).isEqualTo(jobId);

        BudgetRig.Reply twice = call("POST", api + "/v1/dead-letters/" + id + "/replay", null);
        assertThat(twice.status()).isEqualTo(409);
        assertThat(twice.error().path("code").asText()).isEqualTo("already_replayed");
        BudgetRig.Reply forced = call("POST", api + "/v1/dead-letters/" + id + "/replay?force=true", null);
        assertThat(forced.status()).isEqualTo(200);
        assertThat(forced.body().path("offset").asLong()).isNotEqualTo(replayed.body().path("offset").asLong());

        assertThat(call("POST", api + "/v1/dead-letters/999999999999/replay", null).status()).isEqualTo(404);
        assertThat(call("GET", api + "/v1/dead-letters?limit=0", null).error().path("param").asText()).isEqualTo("limit");
    }

    @Test
    void a_result_is_not_replayed() throws Exception {
        String jobId = "job_dlq_result_" + UUID.randomUUID();
        deadLetter(Topics.JOBS_RESULTS, jobId, "{}".getBytes(StandardCharsets.UTF_8));
        await("the dead letter is recorded", () -> count(db, "select count(*) from dead_letters where job_id = ?", jobId) == 1);
        long id = count(db, "select id from dead_letters where job_id = ?", jobId);
        BudgetRig.Reply refused = call("POST", api + "/v1/dead-letters/" + id + "/replay", null);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.error().path("code").asText()).isEqualTo("not_replayable");
        assertThat(count(db, "select count(*) from dead_letters where id = ? and replayed_at is null", id)).isEqualTo(1);
    }

    private static ConsumerRecord<byte[], byte[]> read(TopicPartition partition, long offset) {
        try (KafkaConsumer<byte[], byte[]> consumer = clients.consumer("dead-letters-it-reader-" + UUID.randomUUID(), 10)) {
            consumer.assign(List.of(partition));
            consumer.seek(partition, offset);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.offset() == offset) {
                        return r;
                    }
                }
            }
            throw new AssertionError("no record at " + partition + "@" + offset);
        }
    }
}
