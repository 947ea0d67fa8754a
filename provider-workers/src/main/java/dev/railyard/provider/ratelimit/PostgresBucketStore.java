package dev.railyard.provider.ratelimit;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.distributed.jdbc.PrimaryKeyMapper;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;

/**
 * Bucket4j buckets in PostgreSQL ({@code rate_limit_buckets}): every consume is one transaction that
 * locks the bucket's row ({@code SELECT … FOR UPDATE}), so all worker instances draw from one quota.
 * Refill is computed from the callers' clocks, so worker hosts need synchronised clocks (NTP).
 */
public final class PostgresBucketStore implements BucketStore {
    private final ProxyManager<String> proxies;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    public PostgresBucketStore(DataSource dataSource) {
        this(dataSource, TimeMeter.SYSTEM_MILLISECONDS);
    }

    /** @param time a wall clock the refills are computed from (a manual one in tests) */
    public PostgresBucketStore(DataSource dataSource, TimeMeter time) {
        this.proxies = Bucket4jPostgreSQL.selectForUpdateBasedBuilder(dataSource)
                .clientClock(time)
                .primaryKeyMapper(PrimaryKeyMapper.STRING)
                .table("rate_limit_buckets")
                .idColumn("id")
                .stateColumn("state")
                .build();
    }

    @Override
    public Bucket bucket(String id, BucketConfiguration configuration) {
        return buckets.computeIfAbsent(id, k -> proxies.builder().build(k, () -> configuration));
    }
}
