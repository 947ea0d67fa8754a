package dev.railyard.budget.deadletter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.railyard.kafka.BatchHandler;
import dev.railyard.schema.Headers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Records each polled batch of {@code railyard.jobs.dead-letter} in {@code dead_letters}, one transaction per batch,
 * on the poll thread. Keyed by the dead-letter record's own topic, partition and offset: a redelivered batch inserts
 * nothing new. Every record is kept whatever its bytes; a header that is not a number is recorded as null.
 */
public final class DeadLetterRecorder implements BatchHandler {
    static final String DLQ_HEADER_PREFIX = "railyard.dlq.";
    private static final String INSERT = """
            insert into dead_letters (dlq_topic, dlq_partition, dlq_offset, source_topic, source_partition, source_offset,
                                      stage, reason, error_type, job_id, tenant, record_key, record_value, headers)
            values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, cast(? as jsonb))
            on conflict (dlq_topic, dlq_partition, dlq_offset) do nothing""";

    private final DataSource dataSource;
    private final ObjectMapper json;

    public DeadLetterRecorder(DataSource dataSource, ObjectMapper json) {
        this.dataSource = dataSource;
        this.json = json;
    }

    @Override
    public CompletionStage<Void> handle(List<ConsumerRecord<byte[], byte[]>> records) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement st = c.prepareStatement(INSERT)) {
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    bind(st, r);
                    st.addBatch();
                }
                st.executeBatch();
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
            return CompletableFuture.completedFuture(null);
        } catch (SQLException | RuntimeException e) {
            return CompletableFuture.failedFuture(e); // the loop retries the batch; the insert is idempotent
        }
    }

    private void bind(PreparedStatement st, ConsumerRecord<byte[], byte[]> r) throws SQLException {
        st.setString(1, r.topic());
        st.setInt(2, r.partition());
        st.setLong(3, r.offset());
        st.setString(4, header(r, Headers.DLQ_TOPIC));
        setNumber(st, 5, header(r, Headers.DLQ_PARTITION), Types.INTEGER);
        setNumber(st, 6, header(r, Headers.DLQ_OFFSET), Types.BIGINT);
        st.setString(7, header(r, Headers.DLQ_STAGE));
        st.setString(8, header(r, Headers.DLQ_REASON));
        st.setString(9, header(r, Headers.DLQ_ERROR_TYPE));
        st.setString(10, jobId(r));
        st.setString(11, header(r, Headers.TENANT));
        st.setBytes(12, r.key());
        st.setBytes(13, r.value());
        st.setString(14, headersJson(r));
    }

    private static void setNumber(PreparedStatement st, int index, String text, int type) throws SQLException {
        if (text != null && text.matches("-?[0-9]{1,18}")) {
            if (type == Types.INTEGER && text.length() <= 9) {
                st.setInt(index, Integer.parseInt(text));
                return;
            }
            if (type == Types.BIGINT) {
                st.setLong(index, Long.parseLong(text));
                return;
            }
        }
        st.setNull(index, type);
    }

    /** The job id header, else the value's {@code job_id} when the value is a JSON object that has one. */
    private String jobId(ConsumerRecord<byte[], byte[]> r) {
        String header = header(r, Headers.JOB_ID);
        if (header != null || r.value() == null || r.value().length == 0 || r.value()[0] != '{') {
            return header;
        }
        try {
            JsonNode id = json.readTree(r.value()).path("job_id");
            return id.isTextual() ? id.asText() : null;
        } catch (IOException e) {
            return null; // an unreadable value is why many records are here: no job id to show
        }
    }

    private String headersJson(ConsumerRecord<byte[], byte[]> r) {
        ArrayNode out = json.createArrayNode();
        for (Header h : r.headers()) {
            out.addObject().put("key", h.key()).put("value", h.value() == null ? null : Base64.getEncoder().encodeToString(h.value()));
        }
        return out.toString();
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String key) {
        Header h = r.headers().lastHeader(key);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
