package dev.railyard.launcher;

import dev.railyard.kafka.ConsumerLag;
import dev.railyard.kafka.KafkaClients;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The process's one meter registry, which every service records on and api-ingest serves at
 * {@code GET /metrics}, with the JVM's memory, GC and CPU bound to it, and the consumer lag of Railyard's groups.
 * With {@code RAILYARD_METRICS=off} every meter is a no-op and {@code /metrics} is empty (to measure what
 * metrics cost).
 */
final class PlatformMetrics implements AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics(); // listens to GC notifications until closed
    private final boolean enabled;
    private ConsumerLag lag;

    PlatformMetrics() {
        this(!"off".equalsIgnoreCase(System.getenv("RAILYARD_METRICS")));
    }

    PlatformMetrics(boolean enabled) {
        this.enabled = enabled;
        if (!enabled) {
            registry.config().meterFilter(MeterFilter.deny());
            return;
        }
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
    }

    /** Measures the lag of every {@code railyard-…} consumer group on this cluster (docs/metrics.md). */
    void watchConsumerLag(KafkaClients clients) {
        if (enabled && lag == null) {
            lag = ConsumerLag.railyard(clients);
            lag.bindTo(registry);
        }
    }

    PrometheusMeterRegistry registry() {
        return registry;
    }

    @Override
    public void close() {
        if (lag != null) {
            lag.close();
        }
        gc.close();
        registry.close();
    }
}
