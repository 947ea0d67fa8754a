package dev.railyard.budget.jobs;

import dev.railyard.schema.event.Outcome;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code railyard.jobs{state}} and {@code railyard.tenant.backlog{tenant}}, counted in PostgreSQL's {@code jobs} table
 * every {@code interval} on a virtual thread of their own; a scrape only reads the last counts, so it never waits on
 * JDBC (the scrape may run on an event loop). Every state is exported, 0 included, so a state's series does not come
 * and go. The backlog (jobs not yet terminal) is exported for the {@code topTenants} largest; the rest of the queued
 * jobs are summed under {@code tenant="_other"}, so the series stay bounded however many tenants there are.
 */
public final class JobGauges implements AutoCloseable {
    public static final String JOBS = "railyard.jobs";
    public static final String BACKLOG = "railyard.tenant.backlog";
    public static final String OTHER_TENANTS = "_other";
    static final String QUEUED = "queued";
    private static final Logger log = LoggerFactory.getLogger(JobGauges.class);

    private final DataSource dataSource;
    private final Duration interval;
    private final int topTenants;
    private final Map<String, AtomicLong> byState = new LinkedHashMap<>();
    private final List<Gauge> stateGauges = new ArrayList<>();
    private final MeterRegistry registry;
    private final MultiGauge backlog;
    // Each tenant's gauge reads the same holder from refresh to refresh; a tenant leaves the map (and its series
    // goes) when it drops out of the top N.
    private Map<String, AtomicLong> byTenant = Map.of();
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(
            Thread.ofVirtual().name("railyard-job-gauges").factory());

    public JobGauges(DataSource dataSource, MeterRegistry registry, Duration interval, int topTenants) {
        this.dataSource = dataSource;
        this.interval = interval;
        this.topTenants = topTenants;
        this.registry = registry;
        byState.put(QUEUED, new AtomicLong());
        for (Outcome o : Outcome.values()) {
            byState.put(o.code(), new AtomicLong());
        }
        byState.forEach((state, count) -> stateGauges.add(Gauge.builder(JOBS, count, AtomicLong::get)
                .description("Jobs in PostgreSQL by state (queued = not yet terminal)").tag("state", state)
                .register(registry)));
        this.backlog = MultiGauge.builder(BACKLOG).description("Jobs not yet terminal, for the tenants with the most")
                .register(registry);
    }

    public JobGauges start() {
        executor.scheduleWithFixedDelay(this::refresh, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** Counts once now (the scheduled refreshes call this too). */
    void refresh() {
        try (Connection c = dataSource.getConnection()) {
            Map<String, Long> counted = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement("select state, count(*) from jobs group by state");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    counted.put(rs.getString(1), rs.getLong(2));
                }
            }
            byState.forEach((state, count) -> count.set(counted.getOrDefault(state, 0L)));
            Map<String, Long> tenants = backlog(c, counted.getOrDefault(QUEUED, 0L));
            Map<String, AtomicLong> next = new LinkedHashMap<>();
            tenants.forEach((tenant, n) -> {
                AtomicLong holder = byTenant.getOrDefault(tenant, new AtomicLong());
                holder.set(n);
                next.put(tenant, holder);
            });
            byTenant = next;
            backlog.register(next.entrySet().stream()
                    .map(e -> MultiGauge.Row.of(Tags.of("tenant", e.getKey()), e.getValue(), AtomicLong::get))
                    .toList(), false);
        } catch (SQLException | RuntimeException e) {
            // The last counts stay exported; the next tick tries again.
            log.warn("could not count jobs for the railyard.jobs gauges: {}", e.toString());
        }
    }

    private Map<String, Long> backlog(Connection c, long queued) throws SQLException {
        Map<String, Long> rows = new LinkedHashMap<>();
        long listed = 0;
        try (PreparedStatement ps = c.prepareStatement("""
                select tenant, count(*) from jobs where state = 'queued'
                group by tenant order by count(*) desc, tenant limit ?""")) {
            ps.setInt(1, topTenants);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.put(rs.getString(1), rs.getLong(2));
                    listed += rs.getLong(2);
                }
            }
        }
        // The two counts are separate statements: clamp, so a job finishing in between never shows as negative.
        if (rows.size() == topTenants && queued > listed) {
            rows.merge(OTHER_TENANTS, queued - listed, Long::sum);
        }
        return rows;
    }

    @Override
    public void close() {
        // Not interrupted: an interrupt closes a virtual thread's socket, and with it a pooled connection mid-query.
        executor.shutdown();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // A restarted service on the same registry exports its own counts.
        stateGauges.forEach(registry::remove);
        backlog.register(List.of(), true);
    }
}
