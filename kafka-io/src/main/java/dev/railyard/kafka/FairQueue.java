package dev.railyard.kafka;

import dev.railyard.schema.DispatchRecords;
import dev.railyard.schema.Headers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

/**
 * Records fetched but not yet handed to the handler, queued per priority class and tenant (read from the
 * {@link Headers#PRIORITY} and {@link Headers#TENANT} headers; missing: standard, tenant ""), and the order
 * in which they are handed out: weighted round-robin between the classes that have waiting records
 * (interactive : standard : bulk = 6 : 3 : 1, so a class alone gets every slot and bulk is never starved
 * entirely), round-robin across tenants within a class (one record per tenant per turn), fetch order
 * within a tenant. Not thread-safe: used from the poll thread only (docs/fairness.md).
 */
final class FairQueue {

    /** Priority classes, most urgent first, with their share of the handler's slots per round. */
    enum PriorityClass {
        INTERACTIVE(DispatchRecords.INTERACTIVE, 6),
        STANDARD(DispatchRecords.STANDARD, 3),
        BULK(DispatchRecords.BULK, 1);

        final String header;
        final int weight;

        PriorityClass(String header, int weight) {
            this.header = header;
            this.weight = weight;
        }

        static PriorityClass of(String header) {
            String normalised = DispatchRecords.priority(header);
            for (PriorityClass c : values()) {
                if (c.header.equals(normalised)) {
                    return c;
                }
            }
            return STANDARD; // unreachable: DispatchRecords.priority only yields the three names
        }
    }

    /** One class's waiting records: a queue per tenant, and the tenants in the order they get their next turn. */
    private static final class ClassQueue {
        final Map<String, ArrayDeque<ConsumerRecord<byte[], byte[]>>> byTenant = new HashMap<>();
        final ArrayDeque<String> turns = new ArrayDeque<>();
        int credit;
        int size;
    }

    private final EnumMap<PriorityClass, ClassQueue> classes = new EnumMap<>(PriorityClass.class);
    private final Map<TopicPartition, Integer> byPartition = new HashMap<>();
    private int size;

    FairQueue() {
        for (PriorityClass c : PriorityClass.values()) {
            classes.put(c, new ClassQueue());
        }
    }

    void add(ConsumerRecord<byte[], byte[]> record) {
        ClassQueue q = classes.get(PriorityClass.of(header(record, Headers.PRIORITY)));
        String tenant = Objects.requireNonNullElse(header(record, Headers.TENANT), "");
        ArrayDeque<ConsumerRecord<byte[], byte[]>> tenantQueue = q.byTenant.get(tenant);
        if (tenantQueue == null) {
            tenantQueue = new ArrayDeque<>();
            q.byTenant.put(tenant, tenantQueue);
            q.turns.addLast(tenant); // a tenant new to the class waits at most one turn of each other tenant
        }
        tenantQueue.addLast(record);
        q.size++;
        size++;
        byPartition.merge(partition(record), 1, Integer::sum);
    }

    /** The record to hand to the handler next, removed from the queue; null when nothing waits. */
    ConsumerRecord<byte[], byte[]> next() {
        if (size == 0) {
            return null;
        }
        ClassQueue q = nextClass();
        String tenant = q.turns.pollFirst();
        ArrayDeque<ConsumerRecord<byte[], byte[]>> tenantQueue = q.byTenant.get(tenant);
        ConsumerRecord<byte[], byte[]> record = tenantQueue.pollFirst();
        if (tenantQueue.isEmpty()) {
            q.byTenant.remove(tenant);
        } else {
            q.turns.addLast(tenant);
        }
        q.size--;
        size--;
        byPartition.computeIfPresent(partition(record), (tp, n) -> n == 1 ? null : n - 1);
        return record;
    }

    /**
     * The most urgent class with waiting records and credit left in this round. A round gives each class
     * its weight in records; when every class with waiting records has spent its credit, a new round starts,
     * so classes with nothing waiting never hold the others back.
     */
    private ClassQueue nextClass() {
        for (int round = 0; round < 2; round++) {
            for (ClassQueue q : classes.values()) {
                if (q.size > 0 && q.credit > 0) {
                    q.credit--;
                    return q;
                }
            }
            classes.forEach((c, q) -> q.credit = c.weight);
        }
        throw new IllegalStateException("records are waiting but no class holds them");
    }

    /** Records waiting in all queues. */
    int size() {
        return size;
    }

    /** Records of one partition waiting in the queues. */
    int waiting(TopicPartition tp) {
        return byPartition.getOrDefault(tp, 0);
    }

    /** Drops the waiting records of these partitions (revoked: their new owner gets them again); returns how many. */
    int drop(Collection<TopicPartition> partitions) {
        Set<TopicPartition> gone = Set.copyOf(partitions);
        int dropped = 0;
        for (ClassQueue q : classes.values()) {
            Iterator<Map.Entry<String, ArrayDeque<ConsumerRecord<byte[], byte[]>>>> tenants = q.byTenant.entrySet().iterator();
            while (tenants.hasNext()) {
                Map.Entry<String, ArrayDeque<ConsumerRecord<byte[], byte[]>>> e = tenants.next();
                int before = e.getValue().size();
                e.getValue().removeIf(r -> gone.contains(partition(r)));
                int removed = before - e.getValue().size();
                q.size -= removed;
                dropped += removed;
                if (e.getValue().isEmpty()) {
                    tenants.remove();
                    q.turns.remove(e.getKey());
                }
            }
        }
        size -= dropped;
        gone.forEach(byPartition::remove);
        return dropped;
    }

    private static TopicPartition partition(ConsumerRecord<?, ?> record) {
        return new TopicPartition(record.topic(), record.partition());
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
