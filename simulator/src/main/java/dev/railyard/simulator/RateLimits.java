package dev.railyard.simulator;

import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Requests and tokens per minute per API key, in fixed 60-second windows that start at a key's first
 * request. A rejected request uses up nothing. Zero means unlimited.
 */
public final class RateLimits {
    public static final long WINDOW_MS = 60_000;

    private final long requestsPerMinute;
    private final long tokensPerMinute;
    private final InstantSource clock;
    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

    public RateLimits(long requestsPerMinute, long tokensPerMinute, InstantSource clock) {
        if (requestsPerMinute < 0 || tokensPerMinute < 0) {
            throw new IllegalArgumentException("limits must not be negative");
        }
        this.requestsPerMinute = requestsPerMinute;
        this.tokensPerMinute = tokensPerMinute;
        this.clock = clock;
    }

    /**
     * The state of a key's limits after one request of {@code tokens} tokens asks in.
     *
     * @param allowed           whether the request may proceed (and was counted)
     * @param exceeded          {@code "requests"} or {@code "tokens"} when refused, else null
     * @param requestLimit      requests per minute, 0 when unlimited
     * @param requestsRemaining requests left in this window
     * @param tokenLimit        tokens per minute, 0 when unlimited
     * @param tokensRemaining   tokens left in this window
     * @param resetMs           milliseconds until the window resets
     * @param resetAt           when the window resets
     * @param requestedTokens   the tokens this request asked for
     */
    public record Verdict(boolean allowed, String exceeded, long requestLimit, long requestsRemaining,
                          long tokenLimit, long tokensRemaining, long resetMs, Instant resetAt, long requestedTokens) {
        public static final Verdict UNLIMITED = new Verdict(true, null, 0, 0, 0, 0, 0, Instant.EPOCH, 0);

        public boolean limitsRequests() {
            return requestLimit > 0;
        }

        public boolean limitsTokens() {
            return tokenLimit > 0;
        }

        /** Whole seconds to wait before retrying, at least 1, as {@code retry-after} carries them. */
        public long retryAfterSeconds() {
            return Math.max(1, (resetMs + 999) / 1000);
        }
    }

    private static final class Window {
        long startMs;
        long requests;
        long tokens;

        Window(long startMs) {
            this.startMs = startMs;
        }
    }

    public boolean unlimited() {
        return requestsPerMinute == 0 && tokensPerMinute == 0;
    }

    public Verdict admit(String key, int tokens) {
        if (unlimited()) {
            return Verdict.UNLIMITED;
        }
        long now = clock.millis();
        Window w = windows.computeIfAbsent(key == null ? "" : key, k -> new Window(now));
        synchronized (w) {
            if (now - w.startMs >= WINDOW_MS) {
                w.startMs = now;
                w.requests = 0;
                w.tokens = 0;
            }
            String exceeded = null;
            if (requestsPerMinute > 0 && w.requests + 1 > requestsPerMinute) {
                exceeded = "requests";
            } else if (tokensPerMinute > 0 && w.tokens + tokens > tokensPerMinute) {
                exceeded = "tokens";
            }
            if (exceeded == null) {
                w.requests++;
                w.tokens += tokens;
            }
            long resetAt = w.startMs + WINDOW_MS;
            return new Verdict(exceeded == null, exceeded,
                    requestsPerMinute, requestsPerMinute == 0 ? 0 : requestsPerMinute - w.requests,
                    tokensPerMinute, tokensPerMinute == 0 ? 0 : Math.max(0, tokensPerMinute - w.tokens),
                    resetAt - now, Instant.ofEpochMilli(resetAt), tokens);
        }
    }
}
