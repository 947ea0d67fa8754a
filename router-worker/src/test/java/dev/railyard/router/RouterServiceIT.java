package dev.railyard.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.railyard.config.ConfigLoader;
import dev.railyard.config.RailyardConfig;
import dev.railyard.infra.testing.SharedInfrastructure;
import dev.railyard.kafka.KafkaClients;
import dev.railyard.kafka.TopicSetup;
import dev.railyard.schema.DispatchRecords;
import dev.railyard.schema.EventCodec;
import dev.railyard.schema.Headers;
import dev.railyard.schema.MalformedEventException;
import dev.railyard.schema.Topics;
import dev.railyard.schema.event.ErrorType;
import dev.railyard.schema.event.JobDispatched;
import dev.railyard.schema.event.JobResult;
import dev.railyard.schema.event.JobSubmitted;
import dev.railyard.schema.event.Outcome;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedInfrastructure.class)
class RouterServiceIT {
    static final EventCodec codec = new EventCodec();
    static KafkaClients clients;
    static RouterService router;
    static KafkaProducer<byte[], byte[]> producer;

    @BeforeAll
    static void start(SharedInfrastructure.Servers servers) {
        RailyardConfig config = new ConfigLoader(Map.of()).parse(withItRoute(defaultConfigText()), "default + it routes");
        clients = new KafkaClients(servers.bootstrapServers());
        new TopicSetup(clients, 4, (short) 1).ensure(config.providers().keySet());
        router = new RouterService(config, clients);
        router.start();
        producer = clients.producer("router-it");
    }

    @AfterAll
    static void stop() {
        producer.close();
        router.close();
    }

    /** A route over three default models: the cheapest (gpt-4.1-nano) wins on cost. */
    static final String IT_ROUTE = """
              it-cheap:
                targets: [gpt-4o, gpt-4.1-nano, gpt-4o-mini]
                weights: { cost: 1 }
            """;

    /** Adds the test's route to the default configuration's {@code routes:} section (or starts one). */
    static String withItRoute(String config) {
        return config.contains("\nroutes:\n")
                ? config.replace("\nroutes:\n", "\nroutes:\n" + IT_ROUTE)
                : config + "\nroutes:\n" + IT_ROUTE;
    }

    static String defaultConfigText() {
        try (var in = ConfigLoader.class.getClassLoader().getResourceAsStream(ConfigLoader.DEFAULT_RESOURCE)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static String newJobId() {
        return "job-router-it-" + UUID.randomUUID();
    }

    static void submit(Integer partition, byte[] key, byte[] value) throws Exception {
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(Topics.JOBS_SUBMITTED, partition, key, value);
        r.headers().add(Headers.TENANT, "router-it".getBytes(StandardCharsets.UTF_8));
        producer.send(r).get();
    }

    static byte[] job(String id, String endpoint, String model, String body) {
        return job(id, endpoint, model, body, null);
    }

    static byte[] job(String id, String endpoint, String model, String body, Instant deadline) {
        return codec.encode(new JobSubmitted(1, UUID.randomUUID().toString(), id, Instant.now(), "router-it", null, null, 0,
                endpoint, model, codec.tree(body.getBytes(StandardCharsets.UTF_8)), null, deadline, null, null));
    }

    static boolean keyed(ConsumerRecord<byte[], byte[]> r, String key) {
        return r.key() != null && Arrays.equals(r.key(), key.getBytes(StandardCharsets.UTF_8));
    }

    /** Dispatch records are keyed by tenant (DispatchRecords), so a job's is found by the id in its value. */
    static boolean dispatchOf(ConsumerRecord<byte[], byte[]> r, String jobId) {
        try {
            return jobId.equals(codec.decode(r.value(), JobDispatched.class).jobId());
        } catch (MalformedEventException e) {
            return false;
        }
    }

    static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        return r.headers().lastHeader(name) == null ? null : new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    @Test
    void dispatches_a_valid_job_to_the_chosen_deployment() throws Exception {
        String id = newJobId();
        submit(null, id.getBytes(), job(id, "/v1/embeddings", null, "{\"model\":\"text-embedding-3-small\",\"input\":\"hello\"}"));

        ConsumerRecord<byte[], byte[]> out = TopicProbe.await(clients, Topics.dispatch("openai"), r -> dispatchOf(r, id));
        JobDispatched dispatched = codec.decode(out.value(), JobDispatched.class);
        assertThat(dispatched.decision().deploymentId()).isEqualTo("openai-text-embedding-3-small");
        assertThat(dispatched.decision().provider()).isEqualTo("openai");
        assertThat(dispatched.job().model()).isEqualTo("text-embedding-3-small");
        assertThat(dispatched.decision().estimatedPromptTokens()).isEqualTo(1);
        assertThat(header(out, Headers.TENANT)).isEqualTo("router-it");
        assertThat(header(out, Headers.PRIORITY)).isEqualTo("standard");
        assertThat(out.key()).isEqualTo(DispatchRecords.key("router-it", id));
    }

    @Test
    void dispatches_a_route_job_to_the_routes_chosen_deployment_with_the_route_and_reason_on_the_decision() throws Exception {
        String id = newJobId();
        submit(null, id.getBytes(), job(id, "/v1/chat/completions", "route:it-cheap",
                "{\"model\":\"route:it-cheap\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"what is this?\"},"
                        + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://example.com/cat.png\"}}]}],\"max_tokens\":50}"));

        ConsumerRecord<byte[], byte[]> out = TopicProbe.await(clients, Topics.dispatch("openai"), r -> dispatchOf(r, id));
        JobDispatched dispatched = codec.decode(out.value(), JobDispatched.class);
        assertThat(dispatched.job().model()).isEqualTo("route:it-cheap");
        assertThat(dispatched.decision().deploymentId()).isEqualTo("openai-gpt-4.1-nano");
        assertThat(dispatched.decision().providerModel()).isEqualTo("gpt-4.1-nano");
        assertThat(dispatched.decision().route()).isEqualTo("it-cheap");
        assertThat(dispatched.decision().candidates()).containsExactly("openai-gpt-4o", "openai-gpt-4.1-nano", "openai-gpt-4o-mini");
        assertThat(dispatched.decision().fallbacks()).containsExactly("openai-gpt-4o-mini", "openai-gpt-4o");
        assertThat(dispatched.decision().reason()).startsWith("route it-cheap: 3 candidates; chose openai-gpt-4.1-nano score ");
    }

    @Test
    void fails_a_route_job_no_deployment_can_serve_with_every_reason() throws Exception {
        String id = newJobId();
        submit(null, id.getBytes(), job(id, "/v1/chat/completions", "route:it-cheap",
                "{\"model\":\"route:it-cheap\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_audio\",\"input_audio\":{\"data\":\"AAAA\",\"format\":\"wav\"}}]}]}"));

        JobResult result = codec.decode(TopicProbe.await(clients, Topics.JOBS_RESULTS, r -> keyed(r, id)).value(), JobResult.class);
        assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(result.error().type()).isEqualTo(ErrorType.INVALID_REQUEST);
        assertThat(result.error().message()).isEqualTo("route it-cheap: no deployment can serve this request; all 3 candidates were rejected: "
                + "openai-gpt-4o: lacks audio; openai-gpt-4.1-nano: lacks audio; openai-gpt-4o-mini: lacks audio");
    }

    @Test
    void fails_a_job_for_an_unknown_model() throws Exception {
        String id = newJobId();
        submit(null, id.getBytes(), job(id, "/v1/chat/completions", "gpt-9",
                "{\"model\":\"gpt-9\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));

        JobResult result = codec.decode(TopicProbe.await(clients, Topics.JOBS_RESULTS, r -> keyed(r, id)).value(), JobResult.class);
        assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(result.error().type()).isEqualTo(ErrorType.MODEL_NOT_FOUND);
        assertThat(result.error().message()).contains("'gpt-9'", "gpt-4o-mini", "gpt-4.1-nano");
    }

    @Test
    void dead_letters_garbage_and_still_dispatches_the_job_behind_it() throws Exception {
        String garbageKey = "garbage-" + UUID.randomUUID();
        String id = newJobId();
        submit(0, garbageKey.getBytes(), "not json".getBytes(StandardCharsets.UTF_8));
        submit(0, id.getBytes(), job(id, "/v1/chat/completions", "gpt-4o-mini",
                "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));

        ConsumerRecord<byte[], byte[]> dead = TopicProbe.await(clients, Topics.JOBS_DEAD_LETTER, r -> keyed(r, garbageKey));
        assertThat(new String(dead.value(), StandardCharsets.UTF_8)).isEqualTo("not json");
        assertThat(header(dead, Headers.DLQ_STAGE)).isEqualTo("router");
        assertThat(header(dead, Headers.DLQ_ERROR_TYPE)).isEqualTo("malformed_record");
        assertThat(header(dead, Headers.DLQ_REASON)).startsWith("not a valid JobSubmitted");
        assertThat(header(dead, Headers.DLQ_TOPIC)).isEqualTo(Topics.JOBS_SUBMITTED);
        assertThat(header(dead, Headers.TENANT)).isEqualTo("router-it");

        ConsumerRecord<byte[], byte[]> out = TopicProbe.await(clients, Topics.dispatch("openai"), r -> dispatchOf(r, id));
        assertThat(codec.decode(out.value(), JobDispatched.class).decision().deploymentId()).isEqualTo("openai-gpt-4o-mini");
    }

    @Test
    void fails_and_dead_letters_an_invalid_body() throws Exception {
        String id = newJobId();
        submit(null, id.getBytes(), job(id, "/v1/chat/completions", "gpt-4o-mini",
                "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"robot\",\"content\":\"hi\"}],\"temperature\":7}"));

        JobResult result = codec.decode(TopicProbe.await(clients, Topics.JOBS_RESULTS, r -> keyed(r, id)).value(), JobResult.class);
        assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(result.error().type()).isEqualTo(ErrorType.INVALID_REQUEST);
        assertThat(result.error().message()).contains("body.messages[0].role", "body.temperature");
        ConsumerRecord<byte[], byte[]> dead = TopicProbe.await(clients, Topics.JOBS_DEAD_LETTER, r -> keyed(r, id));
        assertThat(header(dead, Headers.DLQ_STAGE)).isEqualTo("router");
        assertThat(header(dead, Headers.DLQ_REASON)).isEqualTo(result.error().message());
    }

    @Test
    void expires_a_job_whose_deadline_passed_before_it_was_routed() throws Exception {
        String id = newJobId();
        Instant deadline = Instant.parse("2026-01-01T00:00:00Z");
        submit(null, id.getBytes(), job(id, "/v1/chat/completions", "gpt-4o-mini",
                "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", deadline));

        JobResult result = codec.decode(TopicProbe.await(clients, Topics.JOBS_RESULTS, r -> keyed(r, id)).value(), JobResult.class);
        assertThat(result.outcome()).isEqualTo(Outcome.EXPIRED);
        assertThat(result.error().type()).isEqualTo(ErrorType.TIMEOUT);
        assertThat(result.error().message()).isEqualTo("deadline 2026-01-01T00:00:00Z passed before the job started");
        assertThat(result.attempts()).isEmpty();
    }
}
