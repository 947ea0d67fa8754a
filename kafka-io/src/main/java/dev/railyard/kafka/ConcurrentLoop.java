package dev.railyard.kafka;

import dev.railyard.schema.event.ErrorType;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles many records of a partition at once (provider calls take seconds) while committing only the
 * contiguous prefix of finished offsets. Pauses fetching while {@code maxInFlight} records are
 * unfinished, so work waits in Kafka instead of in memory. A handler that fails sends its record to
 * the dead-letter topic. After a crash, unfinished records are redelivered (at-least-once).
 */
public final class ConcurrentLoop implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConcurrentLoop.class);

    private record Done(TopicPartition tp, long offset) {
    }

    private final String name;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Collection<String> topics;
    private final RecordHandler handler;
    private final DeadLetters deadLetters;
    private final int maxInFlight;
    private final OffsetTracker tracker = new OffsetTracker();
    private final ConcurrentLinkedQueue<Done> completions = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile boolean halted;
    private volatile Duration drainTimeout = Duration.ofSeconds(30);

    public ConcurrentLoop(String name, KafkaConsumer<byte[], byte[]> consumer, Collection<String> topics,
                          RecordHandler handler, DeadLetters deadLetters, int maxInFlight) {
        this.name = name;
        this.consumer = consumer;
        this.topics = List.copyOf(topics);
        this.handler = handler;
        this.deadLetters = deadLetters;
        this.maxInFlight = maxInFlight;
        this.thread = Thread.ofPlatform().name("railyard-" + name + "-poll").daemon().unstarted(this::run);
    }

    public ConcurrentLoop start() {
        thread.start();
        return this;
    }

    private void run() {
        try {
            consumer.subscribe(topics, new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    drainCompletions();
                    commit(true);
                    partitions.forEach(tracker::forget);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    partitions.forEach(tracker::forget);
                }
            });
            while (running) {
                drainCompletions();
                commit(false);
                if (tracker.inFlight() >= maxInFlight) {
                    consumer.pause(consumer.assignment());
                } else if (!consumer.paused().isEmpty()) {
                    consumer.resume(consumer.paused());
                }
                // Shorter polls while work is in flight, so finished offsets are committed and paused partitions
                // resumed promptly; not too short, since every poll of the consumer costs a network-thread wakeup.
                Duration timeout = tracker.inFlight() > 0 ? Duration.ofMillis(50) : Duration.ofMillis(200);
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(timeout)) {
                    dispatch(record);
                }
            }
            if (!halted) {
                drainInFlight();
            }
        } catch (WakeupException e) {
            // halt() asked us to stop at once
        } catch (RuntimeException e) {
            log.error("consumer loop {} stopped: {}", name, e.toString(), e);
        } finally {
            try {
                consumer.close(halted ? Duration.ZERO : Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                log.debug("consumer close: {}", e.toString());
            }
            stopped.countDown();
        }
    }

    private void dispatch(ConsumerRecord<byte[], byte[]> record) {
        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
        tracker.started(tp, record.offset());
        CompletableFuture<Void> stage;
        try {
            stage = handler.handle(record).toCompletableFuture();
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        stage.exceptionallyCompose(error -> deadLetters
                        .publish(record, name, ErrorType.INTERNAL, "handler failed: " + error, null)
                        .thenApply(m -> null))
                .whenComplete((ok, error) -> {
                    if (error != null) {
                        // Not even the dead letter could be written: leave the offset uncommitted so it is redelivered.
                        if (halted) {
                            return; // expected after a crash: the producer is gone
                        }
                        log.error("record {}-{}@{} neither handled nor dead-lettered: {}", record.topic(),
                                record.partition(), record.offset(), error.toString());
                        return;
                    }
                    completions.add(new Done(tp, record.offset()));
                });
    }

    private void drainCompletions() {
        Done d;
        while ((d = completions.poll()) != null) {
            tracker.done(d.tp(), d.offset());
        }
    }

    private void commit(boolean sync) {
        Map<TopicPartition, OffsetAndMetadata> offsets = tracker.drainCommittable();
        if (offsets.isEmpty()) {
            return;
        }
        if (sync) {
            try {
                consumer.commitSync(offsets);
            } catch (WakeupException | InterruptException e) {
                throw e;
            } catch (KafkaException e) {
                // The group moved on (rebalance): the new owner redelivers; handlers are idempotent.
                log.warn("commit refused ({}); unfinished records will be redelivered", e.toString());
            }
        } else {
            consumer.commitAsync(offsets, (o, error) -> {
                if (error != null) {
                    log.debug("async commit failed (a later commit supersedes it): {}", error.toString());
                }
            });
        }
    }

    private void drainInFlight() {
        long deadline = System.nanoTime() + drainTimeout.toNanos();
        consumer.pause(consumer.assignment());
        while (tracker.inFlight() > 0 && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(20));
            drainCompletions();
        }
        drainCompletions();
        commit(true);
    }

    public int inFlight() {
        return tracker.inFlight();
    }

    /** Stops fetching, lets in-flight records finish (bounded), commits, closes. */
    @Override
    public void close() {
        running = false;
        await();
    }

    /** Stops at once, committing nothing more: a crash, for tests of redelivery. */
    public void halt() {
        halted = true;
        running = false;
        consumer.wakeup();
        await();
    }

    public void drainTimeout(Duration timeout) {
        this.drainTimeout = timeout;
    }

    private void await() {
        try {
            if (!stopped.await(drainTimeout.toSeconds() + 30, TimeUnit.SECONDS)) {
                log.warn("consumer loop {} did not stop in time", name);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
