package dev.railyard.provider.ratelimit;

import io.github.bucket4j.TimeMeter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** One manual time source for both the quota's deadlines/pauses (Clock) and Bucket4j's refills (TimeMeter). */
final class ManualTime extends Clock implements TimeMeter {
    private final AtomicLong nanos = new AtomicLong(Instant.parse("2026-11-22T10:00:00Z").toEpochMilli() * 1_000_000);

    void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    @Override
    public long currentTimeNanos() {
        return nanos.get();
    }

    @Override
    public boolean isWallClockBased() {
        return true;
    }

    @Override
    public Instant instant() {
        long n = nanos.get();
        return Instant.ofEpochSecond(n / 1_000_000_000, n % 1_000_000_000);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
