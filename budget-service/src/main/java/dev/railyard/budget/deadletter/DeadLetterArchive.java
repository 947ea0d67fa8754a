package dev.railyard.budget.deadletter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** Reads {@code dead_letters}: newest first, and one by id (locked, for a replay). Blocking. */
public final class DeadLetterArchive {
    private static final String COLUMNS = """
            id, dlq_topic, dlq_partition, dlq_offset, source_topic, source_partition, source_offset, stage, reason, error_type,
            job_id, tenant, record_key, record_value, headers::text, recorded_at, replayed_at, replay_topic, replay_partition,
            replay_offset""";

    private final DataSource dataSource;
    private final ObjectMapper json;

    public DeadLetterArchive(DataSource dataSource, ObjectMapper json) {
        this.dataSource = dataSource;
        this.json = json;
    }

    /** @param after only ids below this one (the previous page's last id), or null from the newest */
    public List<DeadLetter> list(int limit, Long after) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement st = c.prepareStatement("select " + COLUMNS + " from dead_letters where id < ?"
                     + " order by id desc limit ?")) {
            st.setLong(1, after == null ? Long.MAX_VALUE : after);
            st.setInt(2, limit);
            List<DeadLetter> out = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs));
                }
            }
            return out;
        }
    }

    /** Reads and locks one dead letter in {@code c}'s transaction, so two replays of it do not race. */
    Optional<DeadLetter> lock(Connection c, long id) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("select " + COLUMNS + " from dead_letters where id = ? for update")) {
            st.setLong(1, id);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    private DeadLetter read(ResultSet rs) throws SQLException {
        return new DeadLetter(rs.getLong(1),
                new DeadLetter.RecordPosition(rs.getString(2), rs.getInt(3), rs.getLong(4)),
                new DeadLetter.RecordPosition(rs.getString(5), (Integer) rs.getObject(6), (Long) rs.getObject(7)),
                rs.getString(8), rs.getString(9), rs.getString(10), rs.getString(11), rs.getString(12),
                rs.getBytes(13), rs.getBytes(14), headers(rs.getString(15)),
                rs.getTimestamp(16).toInstant(), instant(rs.getTimestamp(17)),
                rs.getString(18) == null ? null
                        : new DeadLetter.RecordPosition(rs.getString(18), (Integer) rs.getObject(19), (Long) rs.getObject(20)));
    }

    private List<DeadLetter.RecordHeader> headers(String text) {
        try {
            List<DeadLetter.RecordHeader> out = new ArrayList<>();
            for (JsonNode h : json.readTree(text)) {
                JsonNode value = h.path("value");
                out.add(new DeadLetter.RecordHeader(h.path("key").asText(),
                        value.isNull() || value.isMissingNode() ? null : Base64.getDecoder().decode(value.asText())));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static java.time.Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
