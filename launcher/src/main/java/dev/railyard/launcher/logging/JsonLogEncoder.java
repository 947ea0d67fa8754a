package dev.railyard.launcher.logging;

import net.logstash.logback.encoder.LogstashEncoder;
import net.logstash.logback.mask.MaskingJsonGeneratorDecorator;

/**
 * One JSON object per line (logstash's layout: {@code @timestamp}, {@code level}, {@code logger_name},
 * {@code message}, {@code stack_trace}, and the MDC's {@code job_id}, {@code batch_id}, {@code tenant},
 * {@code trace_id}, {@code span_id}), every string value passed through {@link SecretMasker}.
 */
public final class JsonLogEncoder extends LogstashEncoder {
    private final MaskingJsonGeneratorDecorator masking = new MaskingJsonGeneratorDecorator();

    public JsonLogEncoder() {
        masking.addValueMasker(new SecretMasker());
        setJsonGeneratorDecorator(masking);
    }

    @Override
    public void start() {
        masking.start(); // logback starts the encoder, not what we give it; unstarted, the decorator fails every line
        super.start();
    }

    @Override
    public void stop() {
        super.stop();
        masking.stop();
    }
}
