package dev.railyard.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hot reload of railyard.yaml: checks the file every {@code interval} and, when its content changed, validates
 * the new version completely before anything uses it. A valid one goes to {@code onChange}; an invalid one is
 * rejected with its problems (kept in {@link #status()}) and the running configuration stays. The file is read by
 * content, not by modification events, so editors that replace the file and Kubernetes ConfigMaps (a symlink
 * swapped under the mount) are both seen.
 */
public final class ConfigWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConfigWatcher.class);

    /**
     * What the watcher did last.
     *
     * @param applied     content hash of the configuration in use
     * @param rejected    content hash of the last rejected version, or null
     * @param problems    why it was rejected (each names its key), empty when the file in place is the one in use
     */
    public record Status(Path file, String applied, Instant appliedAt, long reloads, String rejected, Instant rejectedAt,
                         List<String> problems) {
        public Status {
            problems = List.copyOf(problems);
        }
    }

    private final Path file;
    private final ConfigLoader loader;
    private final UnaryOperator<RailyardConfig> prepare;
    private final Consumer<RailyardConfig> onChange;
    private final Duration interval;
    private final Clock clock;
    private volatile Status status;
    private volatile boolean running;
    private Thread thread;

    /**
     * @param current  the configuration in use, loaded from {@code file}
     * @param prepare  turns a loaded configuration into the one to use (e.g. pointing keyless providers at the
     *                 simulator); may throw {@link ConfigException} to reject it
     * @param onChange applies a new configuration; an exception leaves the old one recorded as in use
     */
    public ConfigWatcher(Path file, ConfigLoader loader, UnaryOperator<RailyardConfig> prepare, Consumer<RailyardConfig> onChange,
                         Duration interval, Clock clock) {
        this.file = file;
        this.loader = loader;
        this.prepare = prepare;
        this.onChange = onChange;
        this.interval = interval;
        this.clock = clock;
        this.status = new Status(file, hash(read()), clock.instant(), 0, null, null, List.of());
    }

    public ConfigWatcher start() {
        running = true;
        thread = Thread.ofVirtual().name("config-watch").start(() -> {
            while (running) {
                try {
                    Thread.sleep(interval);
                    check();
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    log.warn("configuration check failed: {}", e.toString());
                }
            }
        });
        return this;
    }

    /** Checks the file once now; returns the status after it. */
    public synchronized Status check() {
        byte[] bytes;
        try {
            bytes = read();
        } catch (RuntimeException e) {
            return reject(null, List.of("cannot read: " + e.getMessage()));
        }
        String hash = hash(bytes);
        Status now = status;
        if (hash.equals(now.applied()) || hash.equals(now.rejected())) {
            return now;
        }
        RailyardConfig next;
        try {
            next = prepare.apply(loader.parse(new String(bytes, java.nio.charset.StandardCharsets.UTF_8), file.toString()));
        } catch (ConfigException e) {
            return reject(hash, e.problems());
        }
        try {
            onChange.accept(next);
        } catch (RuntimeException e) {
            log.error("configuration {} is valid but could not be applied; the previous one stays", file, e);
            return reject(hash, List.of("not applied: " + e.getMessage()));
        }
        status = new Status(file, hash, clock.instant(), now.reloads() + 1, null, null, List.of());
        log.info("configuration {} reloaded (version {})", file, hash.substring(0, 12));
        return status;
    }

    private Status reject(String hash, List<String> problems) {
        Status now = status;
        if (hash == null && problems.equals(now.problems())) {
            return now; // still unreadable: said once already
        }
        status = new Status(file, now.applied(), now.appliedAt(), now.reloads(), hash, clock.instant(), problems);
        log.error("configuration {} rejected, the running one stays:\n  {}", file, String.join("\n  ", problems));
        return status;
    }

    public Status status() {
        return status;
    }

    private byte[] read() {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ConfigException(file.toString(), List.of("cannot read: " + e.getMessage()));
        }
    }

    private static String hash(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        running = false;
        if (thread != null) {
            thread.interrupt();
        }
    }
}
