package dev.railyard.simulator;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Test directives written into a prompt, e.g. {@code [sim:status=429]}, {@code [sim:latency=250]},
 * {@code [sim:fail_first=2]}, {@code [sim:context_length]}, {@code [sim:insufficient_quota]},
 * {@code [sim:content_filter]}, {@code [sim:timeout]} (hold without answering, then close the connection),
 * {@code [sim:malformed]} (a 200 whose JSON is cut off), {@code [sim:tool]} (call the first tool offered) and
 * {@code [sim:safety]} (a safety stop, where the family has one). Unknown directives are ignored, as a real
 * provider would ignore them. Every provider family reads the same directives and answers them in its own
 * wire format.
 *
 * @param status    answer this HTTP status with the family's error body for it, or null
 * @param latencyMs use this latency instead of the configured one, or null
 * @param failFirst fail the first N requests with this exact body with a 500, or 0
 */
public record Directives(Integer status, Long latencyMs, int failFirst, boolean contextLength,
                         boolean insufficientQuota, boolean contentFilter, boolean timeout, boolean malformed,
                         boolean tool, boolean safety) {
    public static final Directives NONE = new Directives(null, null, 0, false, false, false, false, false, false, false);
    private static final String MARK = "[sim:";
    private static final Pattern DIRECTIVE = Pattern.compile("\\[sim:([a-z_]+)(?:=(\\d{1,9}))?]");

    /** Reads the directives in one text and merges them over these; cheap when the text has none. */
    public Directives merge(String text) {
        if (text == null || !text.contains(MARK)) {
            return this;
        }
        Integer status = this.status;
        Long latency = this.latencyMs;
        int failFirst = this.failFirst;
        boolean contextLength = this.contextLength;
        boolean quota = this.insufficientQuota;
        boolean filter = this.contentFilter;
        boolean timeout = this.timeout;
        boolean malformed = this.malformed;
        boolean tool = this.tool;
        boolean safety = this.safety;
        Matcher m = DIRECTIVE.matcher(text);
        while (m.find()) {
            String value = m.group(2);
            switch (m.group(1)) {
                case "status" -> status = value == null ? status : Integer.valueOf(value);
                case "latency" -> latency = value == null ? latency : Long.valueOf(value);
                case "fail_first" -> failFirst = value == null ? failFirst : Integer.parseInt(value);
                case "context_length" -> contextLength = true;
                case "insufficient_quota" -> quota = true;
                case "content_filter" -> filter = true;
                case "timeout" -> timeout = true;
                case "malformed" -> malformed = true;
                case "tool" -> tool = true;
                case "safety" -> safety = true;
                default -> {
                    // not ours to interpret
                }
            }
        }
        return new Directives(status, latency, failFirst, contextLength, quota, filter, timeout, malformed, tool, safety);
    }
}
