package dev.railyard.budget.alert;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.railyard.config.BudgetSpec;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Records threshold crossings as {@code budget_alerts} rows in the caller's transaction, once per budget, window and
 * threshold: {@code insert … on conflict do nothing}, so whichever transaction sees a crossing first — redelivered
 * results, another budget-service instance, a restart — records it, and every other one records nothing. Only the
 * inserting transaction schedules a delivery (a row with a webhook gets {@code next_attempt_at = now()}).
 */
public final class AlertRecorder {
    public static final String EVENT_TYPE = "budget.threshold_crossed";
    static final String INSERT = """
            insert into budget_alerts (budget_id, window_start, threshold, spent, limit_usd, webhook, payload, next_attempt_at)
            select a.budget_id, a.window_start, a.threshold, a.spent, a.limit_usd, a.webhook, a.payload,
                   case when a.webhook is null then null else now() end
            from unnest(?::text[], ?::timestamptz[], ?::int[], ?::numeric[], ?::numeric[], ?::text[], ?::text[])
                 as a (budget_id, window_start, threshold, spent, limit_usd, webhook, payload)
            on conflict (budget_id, window_start, threshold) do nothing
            returning webhook""";

    private record Crossing(Observation seen, int threshold) {
    }

    private final ObjectMapper mapper;

    public AlertRecorder(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** Records every threshold {@code observed} windows have reached; returns how many new alerts wait for delivery. */
    public int record(Connection c, List<Observation> observed) throws SQLException {
        List<Crossing> crossings = new ArrayList<>();
        for (Observation o : observed) {
            Thresholds.reached(o.budget().spec(), o.spent()).forEach(t -> crossings.add(new Crossing(o, t)));
        }
        if (crossings.isEmpty()) {
            return 0;
        }
        // One key order for every writer, so two transactions recording the same crossings never deadlock.
        crossings.sort(Comparator.comparing((Crossing x) -> x.seen().budget().id())
                .thenComparing(x -> x.seen().windowStart()).thenComparingInt(Crossing::threshold));
        int n = crossings.size();
        Object[] ids = new Object[n];
        Object[] windows = new Object[n];
        Object[] thresholds = new Object[n];
        Object[] spent = new Object[n];
        Object[] limits = new Object[n];
        Object[] webhooks = new Object[n];
        Object[] payloads = new Object[n];
        for (int i = 0; i < n; i++) {
            Crossing x = crossings.get(i);
            BudgetSpec b = x.seen().budget().spec();
            ids[i] = b.id();
            windows[i] = x.seen().windowStart().toString();
            thresholds[i] = x.threshold();
            spent[i] = x.seen().spent().toPlainString();
            limits[i] = b.limitUsd().toPlainString();
            webhooks[i] = b.alertWebhook();
            payloads[i] = payload(x);
        }
        int scheduled = 0;
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            ps.setArray(1, c.createArrayOf("text", ids));
            ps.setArray(2, c.createArrayOf("text", windows));
            ps.setArray(3, c.createArrayOf("int4", thresholds));
            ps.setArray(4, c.createArrayOf("text", spent));
            ps.setArray(5, c.createArrayOf("text", limits));
            ps.setArray(6, c.createArrayOf("text", webhooks));
            ps.setArray(7, c.createArrayOf("text", payloads));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (rs.getString(1) != null) {
                        scheduled++;
                    }
                }
            }
        }
        return scheduled;
    }

    /** The stable event id: one per budget, window and threshold, the same on every delivery attempt. */
    public static String eventId(String budgetId, Instant windowStart, int threshold) {
        return budgetId + ":" + windowStart + ":" + threshold;
    }

    private String payload(Crossing x) {
        BudgetSpec b = x.seen().budget().spec();
        Instant start = x.seen().windowStart();
        ObjectNode body = mapper.createObjectNode()
                .put("type", EVENT_TYPE)
                .put("id", eventId(b.id(), start, x.threshold()))
                .put("budget_id", b.id())
                .put("scope", b.scope().code())
                .put("scope_value", b.scopeValue())
                .put("period", b.period().code())
                .put("window_start", start.toString())
                .put("resets_at", b.period().resetsAt(start).map(Instant::toString).orElse(null))
                .put("threshold", x.threshold())
                .put("limit", b.limitUsd().toPlainString())
                .put("spent", x.seen().spent().toPlainString())
                .put("action", b.action().code());
        try {
            return mapper.writeValueAsString(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
