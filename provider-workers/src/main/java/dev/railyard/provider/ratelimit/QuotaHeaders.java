package dev.railyard.provider.ratelimit;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A provider's own account of its quota, from the headers of a successful answer: when it says a quota is
 * used up, how long until it resets. Workers then hold the deployment until the reset instead of
 * learning it from 429s.
 */
public final class QuotaHeaders {
    private static final Pattern GO_DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|h|m|s)");

    private QuotaHeaders() {
    }

    /** OpenAI and compatible servers: {@code x-ratelimit-remaining-requests: 0}, {@code x-ratelimit-reset-requests: 6m0s}. */
    public static Optional<Duration> openAi(Function<String, String> headers) {
        Duration longest = null;
        for (String kind : new String[] {"requests", "tokens"}) {
            if ("0".equals(trim(headers.apply("x-ratelimit-remaining-" + kind)))) {
                Duration reset = goDuration(headers.apply("x-ratelimit-reset-" + kind)).orElse(Duration.ofSeconds(1));
                longest = longest == null || reset.compareTo(longest) > 0 ? reset : longest;
            }
        }
        return Optional.ofNullable(longest);
    }

    /** Anthropic: {@code anthropic-ratelimit-requests-remaining: 0} with an RFC 3339 {@code …-reset} time. */
    public static Optional<Duration> anthropic(Function<String, String> headers, Instant now) {
        Duration longest = null;
        for (String kind : new String[] {"requests", "tokens", "input-tokens", "output-tokens"}) {
            if ("0".equals(trim(headers.apply("anthropic-ratelimit-" + kind + "-remaining")))) {
                Duration reset = Duration.ofSeconds(1);
                String at = trim(headers.apply("anthropic-ratelimit-" + kind + "-reset"));
                if (at != null) {
                    try {
                        reset = Duration.between(now, Instant.parse(at));
                    } catch (DateTimeParseException e) {
                        // keep the one-second guess
                    }
                }
                if (!reset.isNegative() && (longest == null || reset.compareTo(longest) > 0)) {
                    longest = reset;
                }
            }
        }
        return Optional.ofNullable(longest);
    }

    /** Go-style durations as OpenAI writes them: {@code 20ms}, {@code 1s}, {@code 6m0s}, {@code 1h2m3.5s}. */
    static Optional<Duration> goDuration(String text) {
        String t = trim(text);
        if (t == null || t.isEmpty()) {
            return Optional.empty();
        }
        Matcher m = GO_DURATION.matcher(t);
        double ms = 0;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) {
                return Optional.empty();
            }
            double v = Double.parseDouble(m.group(1));
            ms += switch (m.group(2)) {
                case "h" -> v * 3_600_000;
                case "m" -> v * 60_000;
                case "s" -> v * 1_000;
                default -> v;
            };
            end = m.end();
        }
        return end == t.length() ? Optional.of(Duration.ofMillis((long) Math.ceil(ms))) : Optional.empty();
    }

    private static String trim(String s) {
        return s == null ? null : s.trim();
    }
}
