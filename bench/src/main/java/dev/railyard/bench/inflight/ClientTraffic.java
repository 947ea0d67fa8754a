package dev.railyard.bench.inflight;

import java.lang.management.ManagementFactory;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * The worker's Kafka traffic so far, from its clients' own JMX metrics (this JVM's): what the broker is asked to do,
 * which is most of the broker's CPU.
 */
record ClientTraffic(double produceRequests, double recordsSent, double fetches, double commits) {
    static ClientTraffic now() {
        return new ClientTraffic(total("kafka.producer:type=producer-metrics,client-id=*", "request-total"),
                total("kafka.producer:type=producer-metrics,client-id=*", "record-send-total"),
                total("kafka.consumer:type=consumer-fetch-manager-metrics,client-id=*", "fetch-total"),
                total("kafka.consumer:type=consumer-coordinator-metrics,client-id=*", "commit-total"));
    }

    private static double total(String pattern, String attribute) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        double sum = 0;
        try {
            for (ObjectName name : server.queryNames(new ObjectName(pattern), null)) {
                if (server.getAttribute(name, attribute) instanceof Number n && Double.isFinite(n.doubleValue())) {
                    sum += n.doubleValue();
                }
            }
        } catch (Exception e) {
            // a client closing while read: its share is missing from this sample only
        }
        return sum;
    }

    /**
     * How long a result waits from {@code send} to the broker's answer, as the producer saw it lately (its windowed
     * averages: record queue time, request latency), ms.
     */
    static String produceLatency() {
        return String.format("record queue time avg %.1f ms, produce request latency avg %.1f ms",
                average("kafka.producer:type=producer-metrics,client-id=*", "record-queue-time-avg"),
                average("kafka.producer:type=producer-metrics,client-id=*", "request-latency-avg"));
    }

    private static double average(String pattern, String attribute) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            return server.queryNames(new ObjectName(pattern), null).stream().mapToDouble(name -> {
                try {
                    return server.getAttribute(name, attribute) instanceof Number n ? n.doubleValue() : Double.NaN;
                } catch (Exception e) {
                    return Double.NaN;
                }
            }).filter(Double::isFinite).max().orElse(Double.NaN);
        } catch (Exception e) {
            return Double.NaN;
        }
    }

    /** Per second over {@code seconds}, from {@code before} to this. */
    String since(ClientTraffic before, double seconds) {
        double requests = produceRequests - before.produceRequests;
        double records = recordsSent - before.recordsSent;
        return String.format("%.0f produce requests/s (%.1f records each), %.0f fetches/s, %.1f commits/s",
                requests / seconds, requests == 0 ? 0 : records / requests, (fetches - before.fetches) / seconds,
                (commits - before.commits) / seconds);
    }
}
