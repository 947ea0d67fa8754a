package dev.railyard.budget.ledger;

import dev.railyard.schema.webhook.WebhookEventType;
import dev.railyard.schema.webhook.WebhookPayloads;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;

/**
 * Records the {@code job.succeeded} / {@code job.failed} webhook event of each job with a {@code callback_url} that
 * became terminal, inside the ledger's transaction: the event exists exactly when the job's final state is readable
 * through the API, and api-ingest only sends committed events. The event id is stable and inserted with
 * {@code on conflict do nothing}, so a redelivered result or a second budget-service instance never makes a second
 * one.
 */
final class WebhookOutbox {
    static final String ENDED_WITH_CALLBACK = """
            select id, tenant, batch_id, custom_id, state, callback_url, error::text, finished_at from jobs
            where id = any(?) and callback_url is not null and state <> 'queued'""";
    static final String INSERT_EVENT = """
            insert into webhook_events (id, tenant, type, subject_id, batch_id, url, payload, next_attempt_at)
            values (?, ?, ?, ?, ?, ?, ?, now())
            on conflict (id) do nothing""";

    private final WebhookPayloads payloads;

    WebhookOutbox(WebhookPayloads payloads) {
        this.payloads = payloads;
    }

    /** @param jobIds jobs this transaction made terminal; those without a callback URL are skipped */
    void jobsEnded(Connection c, Collection<String> jobIds) throws SQLException {
        if (jobIds.isEmpty()) {
            return;
        }
        try (PreparedStatement select = c.prepareStatement(ENDED_WITH_CALLBACK);
             PreparedStatement insert = c.prepareStatement(INSERT_EVENT)) {
            select.setArray(1, c.createArrayOf("text", jobIds.toArray()));
            int events = 0;
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    String jobId = rs.getString(1);
                    String state = rs.getString(5);
                    OffsetDateTime finished = rs.getObject(8, OffsetDateTime.class);
                    Instant at = finished == null ? Instant.now() : finished.toInstant();
                    WebhookEventType type = WebhookEventType.forJobState(state);
                    insert.setString(1, type.eventId(jobId));
                    insert.setString(2, rs.getString(2));
                    insert.setString(3, type.code());
                    insert.setString(4, jobId);
                    insert.setString(5, rs.getString(3));
                    insert.setString(6, rs.getString(6));
                    insert.setString(7, payloads.job(type, at, jobId, state, rs.getString(3), rs.getString(4), rs.getString(7)));
                    insert.addBatch();
                    events++;
                }
            }
            if (events > 0) {
                insert.executeBatch();
            }
        }
    }
}
