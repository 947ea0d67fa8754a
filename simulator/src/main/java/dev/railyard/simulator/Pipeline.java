package dev.railyard.simulator;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every provider family does with a validated request, in order: the key's rate limits, then the
 * directives (tests ask for them), then the configured random faults, then success. One pipeline is shared
 * by all families, so one seeded fault sequence covers the whole simulator; each family only says how its
 * wire format spells each outcome ({@link WireErrors}).
 */
public final class Pipeline {
    private final FaultInjector faults;
    private final RateLimits limits;
    private final long timeoutHoldMs;
    /** Requests seen per exact body carrying {@code [sim:fail_first=N]}; only such bodies are kept. */
    private final ConcurrentHashMap<String, AtomicInteger> failFirstSeen = new ConcurrentHashMap<>();

    public Pipeline(SimulatorSettings settings, RateLimits limits) {
        this.faults = new FaultInjector(settings);
        this.limits = limits;
        this.timeoutHoldMs = settings.timeoutHoldMs();
    }

    /** The latency of the next answer that does not go through {@link #run} (model lists, for instance). */
    public long latencyMs() {
        return faults.latencyMs();
    }

    /**
     * @param key  the caller's credential (API key or AWS access key id), which rate limits count by
     * @param body the raw request body, which {@code [sim:fail_first=N]} counts by
     */
    public Reply run(String key, String body, Prepared prepared, WireErrors wire) {
        if (prepared instanceof Prepared.Rejected rejected) {
            return wire.finish(rejected.reply(), RateLimits.Verdict.UNLIMITED);
        }
        Prepared.Accepted call = (Prepared.Accepted) prepared;
        RateLimits.Verdict verdict = limits.admit(key, call.promptTokens());
        if (!verdict.allowed()) {
            return wire.finish(wire.overLimit(verdict, call), verdict);
        }
        long latency = call.directives().latencyMs() != null ? call.directives().latencyMs() : faults.latencyMs();
        return wire.finish(decide(call, body, wire, latency).delayed(latency), verdict);
    }

    private Reply decide(Prepared.Accepted call, String body, WireErrors wire, long latency) {
        Directives d = call.directives();
        if (d.status() != null && d.status() >= 400) {
            return wire.forStatus(d.status(), call);
        }
        if (d.contextLength() || call.promptTokens() > call.contextWindow()) {
            return wire.contextLength(call);
        }
        if (d.timeout()) {
            return Reply.hold(timeoutHoldMs);
        }
        if (d.insufficientQuota()) {
            return wire.insufficientQuota(call);
        }
        if (d.contentFilter()) {
            return wire.contentFiltered(call, latency);
        }
        if (d.malformed()) {
            return call.answer().apply(latency).truncated();
        }
        if (d.failFirst() > 0 && failFirstSeen.computeIfAbsent(body, k -> new AtomicInteger()).incrementAndGet() <= d.failFirst()) {
            return wire.serverError(call);
        }
        return switch (faults.next()) {
            case NONE -> call.answer().apply(latency);
            case RATE_LIMITED -> wire.rateLimited(call);
            case SERVER_ERROR -> wire.serverError(call);
            case OVERLOADED -> wire.overloaded(call);
            case TIMEOUT -> Reply.hold(timeoutHoldMs);
            case MALFORMED -> call.answer().apply(latency).truncated();
        };
    }
}
