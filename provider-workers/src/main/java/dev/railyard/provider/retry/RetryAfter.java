package dev.railyard.provider.retry;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.function.Function;

/**
 * Reads how long a provider asked us to wait: {@code retry-after-ms} (OpenAI, Azure) when present, as
 * it is the precise one; else {@code retry-after} as seconds or as an HTTP date (RFC 9110).
 */
public final class RetryAfter {
    private RetryAfter() {
    }

    /** @return the wait, or null when the headers ask for none (or say something unreadable) */
    public static Duration parse(Function<String, String> headers, Instant now) {
        Duration ms = millis(headers.apply("retry-after-ms"), 1);
        if (ms != null) {
            return ms;
        }
        String value = headers.apply("retry-after");
        if (value == null || value.isBlank()) {
            return null;
        }
        Duration seconds = millis(value, 1000);
        if (seconds != null) {
            return seconds;
        }
        try {
            Instant at = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration wait = Duration.between(now, at);
            return wait.isNegative() ? Duration.ZERO : wait;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static Duration millis(String value, long unitMs) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            BigDecimal amount = new BigDecimal(value.trim());
            if (amount.signum() < 0) {
                return null;
            }
            return Duration.ofMillis(amount.multiply(BigDecimal.valueOf(unitMs)).setScale(0, java.math.RoundingMode.CEILING).longValueExact());
        } catch (NumberFormatException | ArithmeticException e) {
            return null;
        }
    }
}
