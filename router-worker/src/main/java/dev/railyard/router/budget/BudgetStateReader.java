package dev.railyard.router.budget;

import dev.railyard.kafka.KafkaClients;
import dev.railyard.schema.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * Feeds a {@link BudgetBook} from {@code railyard.budget.state}: assigns every partition (no consumer group, so
 * every router sees every budget and commits nothing), reads from the beginning, and keeps polling on its own
 * thread. {@link #awaitCaughtUp} blocks until the end offsets seen at start have been applied, so the router
 * routes with every budget known.
 */
public final class BudgetStateReader implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BudgetStateReader.class);

    private final Consumer<byte[], byte[]> consumer;
    private final BudgetBook book;
    private final Thread thread;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile boolean started;

    public BudgetStateReader(KafkaClients clients, BudgetBook book) {
        this(consumerOf(clients), book);
    }

    BudgetStateReader(Consumer<byte[], byte[]> consumer, BudgetBook book) {
        this.consumer = consumer;
        this.book = book;
        this.thread = Thread.ofPlatform().name("railyard-budget-state").daemon().unstarted(this::run);
    }

    /** A consumer without a group id ({@code KafkaClients} consumers always join one). */
    static KafkaConsumer<byte[], byte[]> consumerOf(KafkaClients clients) {
        return clients.reader("budget-state", 50);
    }

    public BudgetStateReader start() {
        started = true;
        thread.start();
        return this;
    }

    /**
     * Waits until everything on the topic when reading began has been applied.
     *
     * @throws IllegalStateException when that takes longer than {@code timeout} (the topic cannot be read)
     */
    public void awaitCaughtUp(Duration timeout) {
        try {
            if (!caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("could not read " + Topics.BUDGET_STATE + " to its end within " + timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading " + Topics.BUDGET_STATE, e);
        }
    }

    private void run() {
        try {
            List<TopicPartition> partitions = partitions();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (running) {
                if (caughtUp.getCount() > 0 && end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                    caughtUp.countDown();
                }
                try {
                    List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>();
                    consumer.poll(Duration.ofMillis(200)).forEach(batch::add);
                    book.apply(batch);
                } catch (WakeupException e) {
                    throw e;
                } catch (KafkaException e) {
                    // A broker hiccup: the consumer resumes from its position; keep the budgets we have meanwhile.
                    log.warn("reading {} failed, retrying: {}", Topics.BUDGET_STATE, e.toString());
                    Thread.sleep(1000);
                }
            }
        } catch (WakeupException e) {
            // close() asked us to stop
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            if (running) {
                log.error("budget state reader stopped: {}", e.toString(), e);
            }
        } finally {
            consumer.close(Duration.ZERO);
            stopped.countDown();
        }
    }

    /** Every partition of the topic, waiting (on this dedicated thread) while it does not exist yet. */
    private List<TopicPartition> partitions() throws InterruptedException {
        while (running) {
            try {
                List<TopicPartition> partitions = consumer.partitionsFor(Topics.BUDGET_STATE).stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
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
                log.warn("budget state reader did not stop within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
