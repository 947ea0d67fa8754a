package dev.railyard.provider.delay;

import dev.railyard.kafka.DeadLetters;
import dev.railyard.kafka.Sends;
import dev.railyard.schema.Delays;
import dev.railyard.schema.event.ErrorType;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves parked jobs along the delay topics ({@link Delays}): a record leaves its tier once it has been
 * there for the tier's time (or its due time came, if sooner), to the next shorter tier for what is left
 * or, when less than the shortest tier is left, back to its dispatch topic. A partition whose head is not
 * due yet is paused (and rewound to that head) until it is: nothing is held in memory, no thread sleeps
 * per record, and offsets are committed only once the forwarded records are acknowledged.
 */
public final class DelayLine implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DelayLine.class);
    static final String STAGE = "delay-line";

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Producer<byte[], byte[]> producer;
    private final DeadLetters deadLetters;
    private final Clock clock;
    private final Map<TopicPartition, Instant> resumeAt = new HashMap<>();
    private final Thread thread;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;

    public DelayLine(KafkaConsumer<byte[], byte[]> consumer, Producer<byte[], byte[]> producer, DeadLetters deadLetters,
                     Clock clock) {
        this.consumer = consumer;
        this.producer = producer;
        this.deadLetters = deadLetters;
        this.clock = clock;
        this.thread = Thread.ofPlatform().name("railyard-delay-line").daemon().unstarted(this::run);
    }

    public DelayLine start() {
        thread.start();
        return this;
    }

    private void run() {
        try {
            consumer.subscribe(Delays.topics(), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    partitions.forEach(resumeAt::remove);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                }
            });
            while (running) {
                resumeDue();
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
                if (!records.isEmpty()) {
                    forward(records);
                }
            }
        } catch (WakeupException e) {
            // close() asked us to stop
        } catch (RuntimeException e) {
            log.error("delay line stopped: {}", e.toString(), e);
        } finally {
            try {
                consumer.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                log.debug("delay consumer close: {}", e.toString());
            }
            stopped.countDown();
        }
    }

    private void resumeDue() {
        Instant now = clock.instant();
        List<TopicPartition> due = resumeAt.entrySet().stream().filter(e -> !e.getValue().isAfter(now)).map(Map.Entry::getKey).toList();
        if (!due.isEmpty()) {
            due.forEach(resumeAt::remove);
            consumer.resume(due);
        }
    }

    private void forward(ConsumerRecords<byte[], byte[]> records) {
        Instant now = clock.instant();
        Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
        List<CompletableFuture<?>> sends = new ArrayList<>();
        for (TopicPartition tp : records.partitions()) {
            for (ConsumerRecord<byte[], byte[]> record : records.records(tp)) {
                Instant due = due(record);
                Instant leave = Delays.tierOf(record.topic())
                        .map(t -> Instant.ofEpochMilli(record.timestamp()).plus(t)).orElse(now);
                Instant readyAt = due.isBefore(leave) ? due : leave;
                if (readyAt.isAfter(now)) {
                    // The head is not ready, so neither is anything behind it: come back for it then.
                    consumer.seek(tp, record.offset());
                    consumer.pause(List.of(tp));
                    resumeAt.put(tp, readyAt);
                    break;
                }
                try {
                    sends.add(Sends.send(producer, next(record, due, now)));
                } catch (IllegalArgumentException e) {
                    sends.add(deadLetters.publish(record, STAGE, ErrorType.MALFORMED_RECORD, e.getMessage(), null));
                }
                commits.put(tp, new OffsetAndMetadata(record.offset() + 1));
            }
        }
        try {
            CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            // Not forwarded for sure: rewind, so the records are read (and forwarded) again. A duplicate is
            // harmless — the provider worker and the ledger are idempotent on the job and attempt ids.
            log.warn("could not forward delayed jobs ({}); retrying", e.toString());
            commits.keySet().forEach(tp -> consumer.seek(tp, committedOrStart(tp)));
            return;
        }
        if (!commits.isEmpty()) {
            consumer.commitSync(commits);
        }
    }

    private long committedOrStart(TopicPartition tp) {
        OffsetAndMetadata c = consumer.committed(java.util.Set.of(tp)).get(tp);
        return c == null ? 0 : c.offset();
    }

    /** Where a ready record goes: a shorter tier for what is left of its wait, else back to its dispatch topic. */
    private static ProducerRecord<byte[], byte[]> next(ConsumerRecord<byte[], byte[]> record, Instant due, Instant now) {
        Optional<Duration> tier = Delays.tierFor(Duration.between(now, due));
        String topic = tier.map(Delays::topic).orElseGet(() -> header(record, Delays.TARGET));
        ProducerRecord<byte[], byte[]> out = new ProducerRecord<>(topic, null, record.key(), record.value());
        for (Header h : record.headers()) {
            out.headers().add(h);
        }
        return out;
    }

    private static Instant due(ConsumerRecord<byte[], byte[]> record) {
        try {
            return Instant.ofEpochMilli(Long.parseLong(header(record, Delays.DUE)));
        } catch (RuntimeException e) {
            return Instant.EPOCH; // no readable due time: due now
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header h = record.headers().lastHeader(name);
        if (h == null) {
            throw new IllegalArgumentException("delayed record " + record.topic() + "-" + record.partition() + "@"
                    + record.offset() + " lacks header " + name);
        }
        return new String(h.value(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            stopped.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
