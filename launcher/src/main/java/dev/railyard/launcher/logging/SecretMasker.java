package dev.railyard.launcher.logging;

import com.fasterxml.jackson.core.JsonStreamContext;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.logstash.logback.mask.ValueMasker;

/**
 * The last line of defence for the logs: masks API keys, bearer tokens, credential fields, e-mail addresses and
 * payment card numbers in every string a log line carries (message, fields, stack trace). Railyard's code does not
 * log prompts, completions or credentials in the first place (docs/observability.md); this catches what a library's
 * message or an exception's text brings along.
 */
public final class SecretMasker implements ValueMasker {
    static final String MASK = "***";
    private static final List<Pattern> SECRETS = List.of(
            // Provider keys (OpenAI sk-..., sk-proj-..., Anthropic sk-ant-...) and Railyard's own (ry-...).
            Pattern.compile("\\b(?:sk|ry)-[A-Za-z0-9_-]{8,}"),
            // Bearer tokens (Authorization headers) and AWS access key ids.
            Pattern.compile("(?i)\\bbearer\\s+[A-Za-z0-9._~+/=-]+"),
            Pattern.compile("\\b(?:AKIA|ASIA)[A-Z0-9]{16}\\b"),
            // key=value and "key": "value" forms of credential fields.
            Pattern.compile("(?i)(?<=(?:api[_-]?key|x-api-key|authorization|secret[_-]?access[_-]?key|session[_-]?token|password)"
                    + "[\"']?\\s{0,3}[:=]\\s{0,3}[\"']?)(?:bearer\\s+)?[^\\s\"',;}]+"),
            Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}"));
    /** 13 to 19 digits, optionally grouped by spaces or dashes, starting as the card networks' numbers do. */
    private static final Pattern CARD = Pattern.compile("\\b[3-6](?:[ -]?\\d){12,18}\\b");

    @Override
    public Object mask(JsonStreamContext context, Object value) {
        if (value instanceof CharSequence text) {
            String s = text.toString();
            String masked = redact(s);
            return masked.equals(s) ? null : masked;
        }
        return null;
    }

    /** {@code text} with every secret, address and card number replaced by {@code ***}. */
    public static String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = text;
        for (Pattern p : SECRETS) {
            out = p.matcher(out).replaceAll(m -> m.group().regionMatches(true, 0, "bearer", 0, 6) ? "Bearer " + MASK : MASK);
        }
        Matcher m = CARD.matcher(out);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, luhn(m.group()) ? MASK : Matcher.quoteReplacement(m.group()));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /** The card numbers' check digit: tells a card from an id or a timestamp that merely has as many digits. */
    static boolean luhn(String grouped) {
        int sum = 0;
        boolean twice = false;
        for (int i = grouped.length() - 1; i >= 0; i--) {
            char c = grouped.charAt(i);
            if (c < '0' || c > '9') {
                continue;
            }
            int d = c - '0';
            if (twice) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            twice = !twice;
        }
        return sum % 10 == 0;
    }
}
