package dev.railyard.api.sync;

import dev.railyard.kafka.KafkaClients;
import dev.railyard.schema.EventCodec;
import dev.railyard.schema.MalformedEventException;
import dev.railyard.schema.Topics;
import dev.railyard.schema.event.JobResult;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows {@code railyard.jobs.results} for this api-ingest instance's synchronous callers: every partition
 * assigned (no consumer group: each instance sees every result and commits nothing), starting at the end, on
 * its own thread. A result is decoded only when its key (the job id) is one somebody waits for, so the many
 * results of asynchronous jobs cost a map lookup each. Partitions added to the topic later are picked up
 * from their beginning.
 */
final class ResultListener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ResultListener.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration PARTITION_REFRESH = Duration.ofSeconds(30);

    private final Consumer<byte[], byte[]> consumer;
    private final ResultWaiters waiters;
    private final EventCodec codec;
    private final Clock clock;
    private final Thread thread;
    private final CountDownLatch positioned = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile boolean started;
    private volatile RuntimeException startFailure;

    ResultListener(KafkaClients clients, ResultWaiters waiters, EventCodec codec) {
        this(consumerOf(clients), waiters, codec, Clock.systemUTC());
    }

    ResultListener(Consumer<byte[], byte[]> consumer, ResultWaiters waiters, EventCodec codec, Clock clock) {
        this.consumer = consumer;
        this.waiters = waiters;
        this.codec = codec;
        this.clock = clock;
        this.thread = Thread.ofPlatform().name("railyard-api-results").daemon().unstarted(this::run);
    }

    /** A consumer without a group id ({@code KafkaClients} consumers always join one). */
    static KafkaConsumer<byte[], byte[]> consumerOf(KafkaClients clients) {
        return clients.reader("api-results", 20);
    }

    /**
     * Starts following and blocks until every partition's end position is known: results published after this
     * returns are seen. Call off the event loop.
     *
     * @throws IllegalStateException when the topic cannot be read within {@code timeout}
     */
    void start(Duration timeout) {
        started = true;
        thread.start();
        try {
            if (!positioned.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("could not position on " + Topics.JOBS_RESULTS + " within " + timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while positioning on " + Topics.JOBS_RESULTS, e);
        }
        if (startFailure != null) {
            throw startFailure;
        }
    }

    private void run() {
        try {
            Set<TopicPartition> assigned = new HashSet<>(partitions());
            consumer.assign(assigned);
            consumer.seekToEnd(assigned);
            assigned.forEach(consumer::position); // resolves the end now, not lazily at the first poll
            positioned.countDown();
            Instant nextRefresh = clock.instant().plus(PARTITION_REFRESH);
            while (running) {
                try {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                        offer(record);
                    }
                    if (!clock.instant().isBefore(nextRefresh)) {
                        nextRefresh = clock.instant().plus(PARTITION_REFRESH);
                        addNewPartitions(assigned);
                    }
                } catch (WakeupException e) {
                    throw e;
                } catch (KafkaException e) {
                    // A broker hiccup: the consumer resumes from its position, so no result is skipped.
                    LOG.warn("reading {} failed, retrying: {}", Topics.JOBS_RESULTS, e.toString());
                    Thread.sleep(1000); // a dedicated poll thread, not an event loop
                }
            }
        } catch (WakeupException e) {
            // close() asked us to stop
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            if (running) {
                LOG.error("results listener stopped; synchronous requests cannot be answered: {}", e.toString(), e);
                startFailure = new IllegalStateException("results listener stopped: " + e, e);
                waiters.breakAll(startFailure);
            }
        } finally {
            try {
                consumer.close(Duration.ZERO);
            } catch (RuntimeException e) {
                LOG.debug("results consumer close: {}", e.toString());
            }
            positioned.countDown();
            stopped.countDown();
        }
    }

    private void offer(ConsumerRecord<byte[], byte[]> record) {
        if (record.key() == null) {
            return;
        }
        String jobId = new String(record.key(), StandardCharsets.UTF_8);
        if (!waiters.waitingFor(jobId)) {
            return;
        }
        JobResult result;
        try {
            result = codec.decode(record.value(), JobResult.class);
        } catch (MalformedEventException e) {
            // Not ours to dead-letter (the budget service does); the caller's row re-check or timeout answers it.
            LOG.warn("unreadable result for job {} at {}-{}@{}: {}", jobId, record.topic(), record.partition(),
                    record.offset(), e.getMessage());
            return;
        }
        if (jobId.equals(result.jobId())) {
            waiters.finish(Finished.of(result, codec.mapper()));
        }
    }

    private void addNewPartitions(Set<TopicPartition> assigned) {
        List<TopicPartition> added = new ArrayList<>();
        for (TopicPartition tp : topicPartitions()) {
            if (assigned.add(tp)) {
                added.add(tp);
            }
        }
        if (!added.isEmpty()) {
            consumer.assign(assigned);
            consumer.seekToBeginning(added); // created after we started: everything on them is new
        }
    }

    /** Every partition of the topic, waiting (on this dedicated thread) while it does not exist yet. */
    private List<TopicPartition> partitions() throws InterruptedException {
        while (running) {
            try {
                List<TopicPartition> partitions = topicPartitions();
                if (!partitions.isEmpty()) {
                    return partitions;
                }
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                // broker not reachable yet
            }
            Thread.sleep(500);
        }
        throw new WakeupException();
    }

    private List<TopicPartition> topicPartitions() {
        return consumer.partitionsFor(Topics.JOBS_RESULTS).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    }

    @Override
    public void close() {
        running = false;
        if (!started) {
            consumer.close(Duration.ZERO);
            return;
        }
        consumer.wakeup();
        try {
            if (!stopped.await(10, TimeUnit.SECONDS)) {
                LOG.warn("results listener did not stop within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
