package dev.railyard.kafka.trace;

import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/** Kafka record headers as the carrier of W3C trace context: UTF-8 text, one value per name (the last wins). */
final class RecordHeaders implements TextMapGetter<Headers>, TextMapSetter<Headers> {
    static final RecordHeaders INSTANCE = new RecordHeaders();

    private RecordHeaders() {
    }

    @Override
    public Iterable<String> keys(Headers headers) {
        List<String> keys = new ArrayList<>();
        for (Header h : headers) {
            keys.add(h.key());
        }
        return keys;
    }

    @Override
    public String get(Headers headers, String key) {
        if (headers == null) {
            return null;
        }
        Header h = headers.lastHeader(key);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Override
    public void set(Headers headers, String key, String value) {
        if (headers == null) {
            return;
        }
        // Replaced, not added: a record copied from the one being handled must carry this hop's span, not both.
        headers.remove(key);
        headers.add(key, value.getBytes(StandardCharsets.UTF_8));
    }
}
