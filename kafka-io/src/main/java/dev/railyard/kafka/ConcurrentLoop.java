package dev.railyard.kafka;

import dev.railyard.schema.event.ErrorType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
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
 * contiguous prefix of finished offsets. Fetched records wait in a {@link FairQueue}, which hands them to
 * the handler while fewer than {@code maxInFlight} are running: by priority class (weighted) and tenant
 * (round-robin), not in fetch order, so a big backlog of one tenant does not starve a few jobs of another
 * (docs/fairness.md). A partition is paused while more than {@code maxWaitingPerPartition} of its records
 * wait, so the backlog waits in Kafka instead of in memory. A handler that fails sends its record to the
 * dead-letter topic. Nothing is committed past a record that is still waiting or running: after a crash,
 * unfinished records are redelivered (at-least-once).
 */
public final class ConcurrentLoop implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConcurrentLoop.class);
    /** Waiting records per partition above which the partition is paused (resumed below half of it). */
    public static final int DEFAULT_MAX_WAITING_PER_PARTITION = 200;
    private static final Duration BUSY_POLL = Duration.ofMillis(5);
    private static final Duration IDLE_POLL = Duration.ofMillis(200);
    /** Finished offsets are committed at most this often (besides on rebalance and close): a commit is a broker write. */
    private static final long COMMIT_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    /**
     * A finished handler call. {@code epoch} is the partition's assignment epoch when the record started (the
     * same as when it was fetched: a released partition's waiting records are dropped): a record of an earlier
     * assignment must not mark the same offset, fetched again since, as done.
     *
     * @param handled false when neither the handler nor the dead letter succeeded: the slot is free again, but
     *                the offset stays uncommitted so the record is redelivered
     */
    private record Done(TopicPartition tp, long offset, long epoch, boolean handled) {
    }

    private final String name;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Collection<String> topics;
    private final RecordHandler handler;
    private final DeadLetters deadLetters;
    private final int maxInFlight;
    private final int maxWaitingPerPartition;
    private final OffsetTracker tracker = new OffsetTracker();
    private final FairQueue queue = new FairQueue();
    /** Partitions this loop paused because too many of their records wait. */
    private final Set<TopicPartition> backlogged = new HashSet<>();
    /** Bumped on every revoke or loss, so completions from an earlier assignment are told apart. */
    private final Map<TopicPartition, Long> epochs = new HashMap<>();
    /** Records started and not finished, per partition (poll thread only). */
    private final Map<TopicPartition, Integer> runningIn = new HashMap<>();
    private final ConcurrentLinkedQueue<Done> completions = new ConcurrentLinkedQueue<>();
    /** Signalled on every completion, for the loop to wait on while all its partitions are paused. */
    private final Semaphore completed = new Semaphore(0);
    private final Thread thread;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile boolean halted;
    private volatile Duration drainTimeout = Duration.ofSeconds(30);
    // Written by the poll thread only; volatile so that inFlight() and waiting() can be read anywhere.
    private volatile int handling;
    private volatile int waiting;
    private long lastCommit = System.nanoTime();

    public ConcurrentLoop(String name, KafkaConsumer<byte[], byte[]> consumer, Collection<String> topics,
                          RecordHandler handler, DeadLetters deadLetters, int maxInFlight) {
        this(name, consumer, topics, handler, deadLetters, maxInFlight, DEFAULT_MAX_WAITING_PER_PARTITION);
    }

    /**
     * @param maxInFlight            records handed to the handler and not yet finished, at most
     * @param maxWaitingPerPartition records of one partition fetched and waiting for a slot above which the
     *                               partition is paused; it is resumed when fewer than half of that wait
     */
    public ConcurrentLoop(String name, KafkaConsumer<byte[], byte[]> consumer, Collection<String> topics,
                          RecordHandler handler, DeadLetters deadLetters, int maxInFlight, int maxWaitingPerPartition) {
        if (maxInFlight < 1 || maxWaitingPerPartition < 1) {
            throw new IllegalArgumentException("maxInFlight and maxWaitingPerPartition must be positive");
        }
        this.name = name;
        this.consumer = consumer;
        this.topics = List.copyOf(topics);
        this.handler = handler;
        this.deadLetters = deadLetters;
        this.maxInFlight = maxInFlight;
        this.maxWaitingPerPartition = maxWaitingPerPartition;
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
                    // Let the revoked partitions' running records finish (bounded) before giving them up: otherwise the
                    // next owner makes those provider calls again. Waiting ones are dropped and redelivered uncalled.
                    if (!halted) {
                        finishRunning(partitions);
                    }
                    commit(true); // the finished prefix only: it never reaches a record still waiting in the queue
                    release(partitions);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    release(partitions);
                }
            });
            while (running) {
                drainCompletions();
                startWaiting();
                long now = System.nanoTime();
                if (now - lastCommit >= COMMIT_INTERVAL_NANOS) {
                    commit(false);
                    lastCommit = now;
                }
                pauseBacklogged();
                // Short polls while work is running or waiting: a slot freed while the loop waits in poll stays empty
                // until the poll returns (at 50 ms, 1.4 % of a 2 s call's slot time went idle so), and partitions with
                // nothing to fetch keep a poll waiting to its end.
                Duration timeout = handling > 0 || waiting > 0 ? BUSY_POLL : IDLE_POLL;
                Set<TopicPartition> assigned = consumer.assignment();
                if (!assigned.isEmpty() && consumer.paused().containsAll(assigned)) {
                    // Every partition paused: a timed poll would only spin the consumer's network thread (seen with
                    // the consumer group protocol). Wait for a finished record instead; poll(0) keeps the group alive.
                    awaitCompletion(timeout);
                    timeout = Duration.ZERO;
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(timeout)) {
                    enqueue(record);
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

    /** Fetched: its offset counts as unfinished from now on, so no commit passes it while it waits. */
    private void enqueue(ConsumerRecord<byte[], byte[]> record) {
        tracker.started(new TopicPartition(record.topic(), record.partition()), record.offset());
        queue.add(record);
        waiting = queue.size();
    }

    private void startWaiting() {
        ConsumerRecord<byte[], byte[]> record;
        while (handling < maxInFlight && (record = queue.next()) != null) {
            handling++;
            waiting = queue.size();
            dispatch(record);
        }
    }

    /**
     * Pauses a partition while more than {@code maxWaitingPerPartition} of its records wait, and resumes it
     * when fewer than half do: memory stays bounded, and the other partitions (other tenants) keep flowing.
     */
    private void pauseBacklogged() {
        List<TopicPartition> pause = new ArrayList<>();
        List<TopicPartition> resume = new ArrayList<>();
        for (TopicPartition tp : consumer.assignment()) {
            int n = queue.waiting(tp);
            if (n > maxWaitingPerPartition && backlogged.add(tp)) {
                pause.add(tp);
            } else if (n <= maxWaitingPerPartition / 2 && backlogged.remove(tp)) {
                resume.add(tp);
            }
        }
        if (!pause.isEmpty()) {
            consumer.pause(pause);
        }
        if (!resume.isEmpty()) {
            consumer.resume(resume);
        }
    }

    /** Revoked or lost: their waiting records are dropped (the new owner gets them again), their offsets forgotten. */
    private void release(Collection<TopicPartition> partitions) {
        queue.drop(partitions);
        waiting = queue.size();
        for (TopicPartition tp : partitions) {
            tracker.forget(tp);
            backlogged.remove(tp);
            epochs.merge(tp, 1L, Long::sum);
        }
    }

    private void dispatch(ConsumerRecord<byte[], byte[]> record) {
        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
        long epoch = epochs.getOrDefault(tp, 0L);
        runningIn.merge(tp, 1, Integer::sum);
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
                    if (error != null && !halted) { // after a crash the producer is gone: expected
                        log.error("record {}-{}@{} neither handled nor dead-lettered: {}", record.topic(),
                                record.partition(), record.offset(), error.toString());
                    }
                    // With an error, not even the dead letter could be written: the slot is freed, but the offset
                    // stays uncommitted so the record is redelivered.
                    completions.add(new Done(tp, record.offset(), epoch, error == null));
                    completed.release();
                });
    }

    private void awaitCompletion(Duration timeout) {
        try {
            completed.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS);
            completed.drainPermits();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    private void drainCompletions() {
        Done d;
        while ((d = completions.poll()) != null) {
            handling--;
            runningIn.merge(d.tp(), -1, (a, b) -> a + b == 0 ? null : a + b);
            if (d.handled() && d.epoch() == epochs.getOrDefault(d.tp(), 0L)) {
                tracker.done(d.tp(), d.offset());
            }
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

    /** Waits (up to the drain timeout) until no record of {@code partitions} is running, folding in completions. */
    private void finishRunning(Collection<TopicPartition> partitions) {
        long deadline = System.nanoTime() + drainTimeout.toNanos();
        drainCompletions();
        while (partitions.stream().anyMatch(tp -> runningIn.getOrDefault(tp, 0) > 0) && System.nanoTime() < deadline) {
            awaitCompletion(Duration.ofMillis(20));
            drainCompletions();
        }
    }

    /** Lets running records finish (bounded); waiting ones are not started, and stay uncommitted for the next owner. */
    private void drainInFlight() {
        long deadline = System.nanoTime() + drainTimeout.toNanos();
        consumer.pause(consumer.assignment());
        while (handling > 0 && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(20));
            drainCompletions();
        }
        drainCompletions();
        commit(true);
    }

    /** Records handed to the handler and not finished yet. */
    public int inFlight() {
        return handling;
    }

    /** Records fetched and waiting for a free slot. */
    public int waiting() {
        return waiting;
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
