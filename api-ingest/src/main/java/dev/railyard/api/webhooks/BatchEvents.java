package dev.railyard.api.webhooks;

import dev.railyard.schema.webhook.WebhookEventType;
import dev.railyard.schema.webhook.WebhookPayloads;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import javax.sql.DataSource;

/**
 * Records the webhook event of each batch with a {@code callback_url} whose final status has become readable through
 * the API: {@code batch.failed} when it was refused at intake (no valid line), otherwise once it is finalized (every
 * job ended and its output and error files were written) — {@code batch.cancelled} when a cancel was asked for,
 * {@code batch.expired} when jobs expired, else {@code batch.completed}, as the Batch object derives its status. The
 * batch rows are locked ({@code skip locked}) and marked in the same transaction that inserts the event, so each
 * event is recorded once by one of any number of api-ingest instances.
 */
final class BatchEvents {
    static final String WAITING = """
            select b.id, b.tenant, b.callback_url, b.status, b.cancelling_at is not null,
                   coalesce(b.finalized_at, b.failed_at, b.created_at), b.invalid_lines,
                   count(j.id), count(j.id) filter (where j.state = 'succeeded'), count(j.id) filter (where j.state = 'expired')
            from batches b left join jobs j on j.batch_id = b.id
            where b.id in (select id from batches
                           where callback_url is not null and webhook_event_id is null
                             and (status = 'failed' or finalized_at is not null)
                           order by created_at limit ? for update skip locked)
            group by b.id""";
    static final String INSERT_EVENT = """
            insert into webhook_events (id, tenant, type, subject_id, batch_id, url, payload, next_attempt_at)
            values (?, ?, ?, ?, ?, ?, ?, now())
            on conflict (id) do nothing""";
    static final String MARK = "update batches set webhook_event_id = ? where id = ?";

    private final DataSource dataSource;
    private final WebhookPayloads payloads;

    BatchEvents(DataSource dataSource, WebhookPayloads payloads) {
        this.dataSource = dataSource;
        this.payloads = payloads;
    }

    /** Blocking. @return how many events were recorded (at most {@code max}) */
    int record(int max) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement waiting = c.prepareStatement(WAITING);
                 PreparedStatement insert = c.prepareStatement(INSERT_EVENT);
                 PreparedStatement mark = c.prepareStatement(MARK)) {
                waiting.setInt(1, max);
                int n = 0;
                try (ResultSet rs = waiting.executeQuery()) {
                    while (rs.next()) {
                        String batchId = rs.getString(1);
                        long invalid = rs.getLong(7);
                        long jobs = rs.getLong(8);
                        long succeeded = rs.getLong(9);
                        WebhookEventType type = "failed".equals(rs.getString(4)) ? WebhookEventType.BATCH_FAILED
                                : rs.getBoolean(5) ? WebhookEventType.BATCH_CANCELLED
                                : rs.getLong(10) > 0 ? WebhookEventType.BATCH_EXPIRED
                                : WebhookEventType.BATCH_COMPLETED;
                        String status = type.code().substring("batch.".length());
                        String eventId = type.eventId(batchId);
                        insert.setString(1, eventId);
                        insert.setString(2, rs.getString(2));
                        insert.setString(3, type.code());
                        insert.setString(4, batchId);
                        insert.setString(5, batchId);
                        insert.setString(6, rs.getString(3));
                        insert.setString(7, payloads.batch(type, rs.getObject(6, OffsetDateTime.class).toInstant(), batchId, status,
                                jobs + invalid, succeeded, jobs - succeeded + invalid));
                        insert.addBatch();
                        mark.setString(1, eventId);
                        mark.setString(2, batchId);
                        mark.addBatch();
                        n++;
                    }
                }
                if (n > 0) {
                    insert.executeBatch();
                    mark.executeBatch();
                }
                c.commit();
                return n;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }
}
