package dev.railyard.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the prices of a model or a deployment. The flat fields ({@code input_per_million},
 * {@code output_per_million}, {@code cached_input_per_million}, {@code per_request_usd},
 * {@code batch_discount}) are the price from the beginning of time; {@code prices:} lists later changes,
 * each {@code {effective_from, <any flat field>}} in strictly increasing {@code effective_from} order.
 * A change names what changes: an omitted field keeps the earlier price's value, except that a cached
 * price equal to the input price follows the input price.
 */
final class PriceSection {
    static final Set<String> FIELDS = Set.of("input_per_million", "output_per_million", "cached_input_per_million",
            "per_request_usd", "batch_discount");
    private static final Set<String> CHANGE_FIELDS = union(FIELDS, "effective_from");

    private final List<String> problems;

    PriceSection(List<String> problems) {
        this.problems = problems;
    }

    /** A model's prices; {@code input_per_million} is required. */
    PriceSchedule model(JsonNode m, String key) {
        return schedule(m, key, read(m, key, null));
    }

    /**
     * A deployment's own prices, or null when it names no price field and no {@code prices:} (it is billed at
     * its model's). Flat fields it omits are its model's initial price ({@code base}); its model's later
     * changes do not apply to it.
     */
    PriceSchedule deployment(JsonNode d, String key, Price base) {
        boolean own = d.has("prices") || FIELDS.stream().anyMatch(d::has);
        return own ? schedule(d, key, read(d, key, base)) : null;
    }

    private PriceSchedule schedule(JsonNode n, String key, Price initial) {
        JsonNode list = n.path("prices");
        if (list.isMissingNode() || list.isNull()) {
            return PriceSchedule.flat(initial);
        }
        if (!list.isArray()) {
            problems.add(key + ".prices: must be a list of {effective_from, ...price fields}");
            return PriceSchedule.flat(initial);
        }
        List<PriceSchedule.Change> changes = new ArrayList<>();
        Price previous = initial;
        for (int i = 0; i < list.size(); i++) {
            String k = key + ".prices[" + i + "]";
            JsonNode c = list.get(i);
            if (!c.isObject()) {
                problems.add(k + ": must be a mapping with effective_from and the price fields that change");
                continue;
            }
            c.fieldNames().forEachRemaining(f -> {
                if (!CHANGE_FIELDS.contains(f)) {
                    problems.add(k + "." + f + ": unknown field, expected one of " + new TreeSet<>(CHANGE_FIELDS));
                }
            });
            Instant from = effectiveFrom(c, k);
            Price price = read(c, k, previous);
            if (from == null) {
                continue;
            }
            if (!changes.isEmpty() && !from.isAfter(changes.get(changes.size() - 1).effectiveFrom())) {
                problems.add(k + ".effective_from: " + from + " must be after the previous entry's "
                        + changes.get(changes.size() - 1).effectiveFrom() + " (entries in strictly increasing order)");
                continue;
            }
            changes.add(new PriceSchedule.Change(from, price));
            previous = price;
        }
        return new PriceSchedule(initial, changes);
    }

    /** The price a mapping states, the fields it omits taken from {@code previous} (null: the defaults). */
    private Price read(JsonNode n, String key, Price previous) {
        BigDecimal input = decimal(n, "input_per_million", key);
        if (input == null) {
            if (previous == null && (!n.has("input_per_million") || n.get("input_per_million").isNull())) {
                problems.add(key + ".input_per_million: required (US dollars per million tokens)");
            }
            input = previous == null ? BigDecimal.ZERO : previous.inputPerMillion();
        }
        BigDecimal output = orElse(decimal(n, "output_per_million", key), previous == null ? null : previous.outputPerMillion());
        BigDecimal cached = decimal(n, "cached_input_per_million", key);
        if (cached == null) {
            boolean followsInput = previous == null || previous.cachedInputPerMillion().compareTo(previous.inputPerMillion()) == 0;
            cached = followsInput ? input : previous.cachedInputPerMillion();
        }
        BigDecimal perRequest = orElse(decimal(n, "per_request_usd", key), previous == null ? null : previous.perRequest());
        BigDecimal discount = orElse(fraction(n, "batch_discount", key), previous == null ? null : previous.batchDiscount());
        return new Price(input, output, cached, perRequest, discount);
    }

    private Instant effectiveFrom(JsonNode c, String key) {
        JsonNode v = c.get("effective_from");
        if (v == null || v.isNull() || v.asText().isBlank()) {
            problems.add(key + ".effective_from: required (an ISO-8601 instant such as 2025-07-01T00:00:00Z, or a date, meaning 00:00 UTC)");
            return null;
        }
        String text = v.asText().trim();
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException notInstant) {
            try {
                return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException notDate) {
                problems.add(key + ".effective_from: not an ISO-8601 instant (2025-07-01T00:00:00Z) or date (2025-07-01): '" + text + "'");
                return null;
            }
        }
    }

    /** A non-negative decimal, or null when absent (or invalid, which is reported). */
    private BigDecimal decimal(JsonNode n, String field, String key) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        try {
            BigDecimal d = new BigDecimal(v.asText());
            if (d.signum() < 0) {
                problems.add(key + "." + field + ": must not be negative");
                return null;
            }
            return d;
        } catch (NumberFormatException e) {
            problems.add(key + "." + field + ": not a number: '" + v.asText() + "'");
            return null;
        }
    }

    private BigDecimal fraction(JsonNode n, String field, String key) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        BigDecimal d;
        try {
            d = new BigDecimal(v.asText());
        } catch (NumberFormatException e) {
            d = null;
        }
        if (d == null || d.signum() < 0 || d.compareTo(BigDecimal.ONE) > 0) {
            problems.add(key + "." + field + ": must be a fraction from 0 to 1 (0.5 takes half off a batch job), got '" + v.asText() + "'");
            return null;
        }
        return d;
    }

    private static BigDecimal orElse(BigDecimal value, BigDecimal fallback) {
        return value != null ? value : fallback != null ? fallback : BigDecimal.ZERO;
    }

    private static Set<String> union(Set<String> fields, String extra) {
        Set<String> all = new TreeSet<>(fields);
        all.add(extra);
        return Set.copyOf(all);
    }
}
