package dev.railyard.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Poll, handle the batch, commit — on a dedicated thread, so the blocking consumer never touches an
 * event loop. A failed batch is retried from its first offsets after a backoff.
 */
public final class BatchLoop implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BatchLoop.class);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Collection<String> topics;
    private final BatchHandler handler;
    private final Thread thread;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile boolean commitOnClose = true;

    public BatchLoop(String name, KafkaConsumer<byte[], byte[]> consumer, Collection<String> topics, BatchHandler handler) {
        this.consumer = consumer;
        this.topics = List.copyOf(topics);
        this.handler = handler;
        this.thread = Thread.ofPlatform().name("railyard-" + name + "-poll").daemon().unstarted(this::run);
    }

    public BatchLoop start() {
        thread.start();
        return this;
    }

    private void run() {
        try {
            consumer.subscribe(topics);
            long backoffMs = 100;
            while (running) {
                ConsumerRecords<byte[], byte[]> polled = consumer.poll(Duration.ofMillis(200));
                if (polled.isEmpty()) {
                    continue;
                }
                List<ConsumerRecord<byte[], byte[]>> batch = new java.util.ArrayList<>(polled.count());
                polled.forEach(batch::add);
                try {
                    handler.handle(batch).toCompletableFuture().get();
                    commit(batch);
                    backoffMs = 100;
                } catch (ExecutionException e) {
                    log.warn("batch of {} records failed, retrying in {} ms: {}", batch.size(), backoffMs, e.getCause().toString());
                    rewind(batch);
                    Thread.sleep(backoffMs); // a dedicated poll thread, not an event loop
                    backoffMs = Math.min(backoffMs * 2, 10_000);
                }
            }
        } catch (WakeupException e) {
            // close() asked us to stop
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            if (running) {
                log.error("consumer loop for {} stopped: {}", topics, e.toString(), e);
            }
        } finally {
            try {
                consumer.close(commitOnClose ? Duration.ofSeconds(5) : Duration.ZERO);
            } catch (RuntimeException e) {
                log.debug("consumer close: {}", e.toString());
            }
            stopped.countDown();
        }
    }

    /**
     * Commits the batch. A commit refused because the group rebalanced is not fatal: the records are
     * redelivered to whichever member owns them now, and every handler is idempotent.
     */
    private void commit(List<ConsumerRecord<byte[], byte[]>> batch) {
        try {
            consumer.commitSync(nextOffsets(batch));
        } catch (WakeupException | InterruptException e) {
            throw e;
        } catch (KafkaException e) {
            log.warn("commit of {} records refused ({}); they will be redelivered", batch.size(), e.toString());
        }
    }

    private void rewind(List<ConsumerRecord<byte[], byte[]>> batch) {
        Map<TopicPartition, Long> first = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : batch) {
            first.merge(new TopicPartition(r.topic(), r.partition()), r.offset(), Math::min);
        }
        first.forEach(consumer::seek);
    }

    static Map<TopicPartition, OffsetAndMetadata> nextOffsets(List<ConsumerRecord<byte[], byte[]>> batch) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : batch) {
            offsets.merge(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1),
                    (a, b) -> a.offset() >= b.offset() ? a : b);
        }
        return offsets;
    }

    /** Stops after the batch in hand; what was handled is committed. */
    @Override
    public void close() {
        running = false; // the poll returns within its timeout; no wakeup, so the batch in hand commits
        await();
    }

    /** Stops at once without committing anything further: a crash, for tests of redelivery. */
    public void halt() {
        commitOnClose = false;
        running = false;
        consumer.wakeup();
        await();
    }

    private void await() {
        try {
            if (!stopped.await(30, TimeUnit.SECONDS)) {
                log.warn("consumer loop for {} did not stop within 30 s", topics);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
