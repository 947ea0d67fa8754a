package dev.railyard.launcher.logging;

import ch.qos.logback.core.PropertyDefinerBase;

/**
 * The level of the {@code railyard.payloads} logger (prompts, completions, provider error bodies): {@code DEBUG} when
 * {@code RAILYARD_LOG_PAYLOADS=true} (environment, or a system property of that name), otherwise {@code OFF}, so
 * that even a root logger at DEBUG logs no payload.
 */
public final class PayloadLogLevel extends PropertyDefinerBase {
    public static final String SETTING = "RAILYARD_LOG_PAYLOADS";

    @Override
    public String getPropertyValue() {
        String value = System.getProperty(SETTING, System.getenv(SETTING));
        return "true".equalsIgnoreCase(value) ? "DEBUG" : "OFF";
    }
}
