package dev.railyard.budget.deadletter;

import dev.railyard.schema.Topics;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Puts a dead letter's original record back on its source topic: the original key, value and headers, without the
 * {@code railyard.dlq.*} headers. Only submitted and dispatch records go back (their consumers take any record again);
 * results and delay records are refused. The row stays locked from the read until replayed_at is written, after the
 * broker acknowledged the record, so two replays of one dead letter cannot both pass the check.
 */
public final class DeadLetterReplay {
    /** What a replay produced, and the dead letter as it is now. */
    public record Replayed(DeadLetter deadLetter, RecordMetadata record) {
    }

    private final DataSource dataSource;
    private final DeadLetterArchive archive;
    private final Producer<byte[], byte[]> producer;
    private final Clock clock;

    public DeadLetterReplay(DataSource dataSource, DeadLetterArchive archive, Producer<byte[], byte[]> producer, Clock clock) {
        this.dataSource = dataSource;
        this.archive = archive;
        this.producer = producer;
        this.clock = clock;
    }

    /** @param force replay again although it was replayed before */
    public Replayed replay(long id, boolean force) throws SQLException, InterruptedException, ExecutionException, TimeoutException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                DeadLetter letter = archive.lock(c, id).orElseThrow(() ->
                        new DeadLetterException(404, "dead_letter_not_found", "id", "no dead letter with id " + id));
                String topic = letter.source().topic();
                if (!replayable(topic)) {
                    throw new DeadLetterException(409, "not_replayable", null, "dead letter " + id + " came from "
                            + (topic == null ? "an unknown topic" : topic) + "; only records of " + Topics.JOBS_SUBMITTED
                            + " and " + Topics.DISPATCH_PREFIX + "* are replayed");
                }
                if (letter.replayedAt() != null && !force) {
                    throw new DeadLetterException(409, "already_replayed", "force", "dead letter " + id + " was replayed at "
                            + letter.replayedAt() + "; add force=true to replay it again");
                }
                ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, null, letter.key(), letter.value());
                letter.originalHeaders().forEach(h -> record.headers().add(h.key(), h.value()));
                RecordMetadata sent = producer.send(record).get(30, TimeUnit.SECONDS);
                Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
                try (PreparedStatement st = c.prepareStatement("update dead_letters set replayed_at = ?, replay_topic = ?,"
                        + " replay_partition = ?, replay_offset = ? where id = ?")) {
                    st.setObject(1, java.time.OffsetDateTime.ofInstant(now, java.time.ZoneOffset.UTC));
                    st.setString(2, sent.topic());
                    st.setInt(3, sent.partition());
                    st.setLong(4, sent.offset());
                    st.setLong(5, id);
                    st.executeUpdate();
                }
                c.commit();
                return new Replayed(new DeadLetter(letter.id(), letter.dlq(), letter.source(), letter.stage(), letter.reason(),
                        letter.errorType(), letter.jobId(), letter.tenant(), letter.key(), letter.value(), letter.headers(),
                        letter.recordedAt(), now, new DeadLetter.RecordPosition(sent.topic(), sent.partition(), sent.offset())),
                        sent);
            } catch (SQLException | RuntimeException | InterruptedException | ExecutionException | TimeoutException e) {
                c.rollback();
                throw e;
            }
        }
    }

    static boolean replayable(String topic) {
        return topic != null && (topic.equals(Topics.JOBS_SUBMITTED)
                || topic.startsWith(Topics.DISPATCH_PREFIX) && topic.length() > Topics.DISPATCH_PREFIX.length());
    }
}
