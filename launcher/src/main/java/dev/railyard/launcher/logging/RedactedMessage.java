package dev.railyard.launcher.logging;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/** {@code %rmsg} in the text layouts: the message through {@link SecretMasker}, as the JSON layout does. */
public final class RedactedMessage extends MessageConverter {
    @Override
    public String convert(ILoggingEvent event) {
        return SecretMasker.redact(super.convert(event));
    }
}
