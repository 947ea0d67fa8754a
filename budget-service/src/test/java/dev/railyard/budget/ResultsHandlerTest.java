package dev.railyard.budget;

import static org.assertj.core.api.Assertions.assertThat;

import dev.railyard.budget.ledger.LedgerWriter;
import dev.railyard.kafka.DeadLetters;
import dev.railyard.schema.EventCodec;
import dev.railyard.schema.Headers;
import dev.railyard.schema.Topics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** The handler's choices that need no database: unreadable records, and a database that cannot be reached. */
class ResultsHandlerTest {
    final EventCodec codec = new EventCodec();
    final MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());

    ResultsHandler handler() {
        PGSimpleDataSource unreachable = new PGSimpleDataSource();
        unreachable.setURL("jdbc:postgresql://127.0.0.1:1/none?connectTimeout=2");
        return new ResultsHandler(codec, new LedgerWriter(unreachable), new DeadLetters(producer), d -> Optional.empty());
    }

    static ConsumerRecord<byte[], byte[]> record(long offset, byte[] value) {
        return new ConsumerRecord<>(Topics.JOBS_RESULTS, 1, offset, "k".getBytes(), value);
    }

    static String header(org.apache.kafka.clients.producer.ProducerRecord<byte[], byte[]> r, String key) {
        return new String(r.headers().lastHeader(key).value(), StandardCharsets.UTF_8);
    }

    @Test
    void dead_letters_unreadable_results_without_touching_the_database() throws Exception {
        CompletableFuture<Void> done = handler().handle(List.of(
                record(3, "not json".getBytes()),
                record(4, "{\"outcome\":\"succeeded\"}".getBytes()),
                record(5, "{\"job_id\":\"j\",\"outcome\":\"exploded\"}".getBytes()))).toCompletableFuture();

        done.get();
        assertThat(producer.history()).hasSize(3).allSatisfy(r -> {
            assertThat(r.topic()).isEqualTo(Topics.JOBS_DEAD_LETTER);
            assertThat(header(r, Headers.DLQ_STAGE)).isEqualTo("budget-service");
            assertThat(header(r, Headers.DLQ_ERROR_TYPE)).isEqualTo("malformed_record");
        });
        assertThat(header(producer.history().get(0), Headers.DLQ_REASON)).startsWith("not a valid JobResult");
        assertThat(header(producer.history().get(1), Headers.DLQ_REASON)).isEqualTo("job_id is missing");
        assertThat(header(producer.history().get(2), Headers.DLQ_OFFSET)).isEqualTo("5");
    }

    @Test
    void an_unreachable_database_fails_the_batch_and_dead_letters_nothing() {
        byte[] good = codec.encode(Results.failed("job-x", "t", "m", List.of(), dev.railyard.schema.event.ErrorType.INTERNAL));
        CompletableFuture<Void> done = handler().handle(List.of(record(0, "garbage".getBytes()), record(1, good)))
                .toCompletableFuture();

        assertThat(done).failsWithin(java.time.Duration.ofSeconds(10)).withThrowableOfType(ExecutionException.class)
                .havingCause().isInstanceOf(java.sql.SQLException.class);
        assertThat(producer.history()).isEmpty(); // the retried batch will dead-letter the garbage once
    }
}
