package dev.railyard.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code railyard service <name>} in a JVM of its own, on this test's class path: its standard output is kept
 * (in a file beside the build's reports, kept for a failing run) so the test can wait for and check what it said.
 */
final class ServiceJvm implements AutoCloseable {
    private static final Pattern ADMIN_PORT = Pattern.compile("ready \\(admin port (\\d+)\\)");
    private final String name;
    private final Process process;
    private final Path out;

    private ServiceJvm(String name, Process process, Path out) {
        this.name = name;
        this.process = process;
        this.out = out;
    }

    static ServiceJvm start(String name, Path dir, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(List.of("-Xmx384m", "-XX:+UseSerialGC", "-Xss512k", "-XX:TieredStopAtLevel=1",
                "--enable-native-access=ALL-UNNAMED", "-Drailyard.log.file=" + dir.resolve(name + ".log"),
                "-Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener"));
        if (Runtime.version().feature() >= 24) {
            command.add("--sun-misc-unsafe-memory-access=allow");
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.railyard.launcher.Main", "service"));
        command.addAll(args);
        try {
            // Straight to a file: a child never waits on a pipe nobody drains, and its last words survive it.
            Path out = dir.resolve(name + ".out");
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            return new ServiceJvm(name, process, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits for a line containing {@code text}; fails with what the process said when it does not come. */
    String awaitLine(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            boolean exited = !process.isAlive();
            for (String line : lines()) {
                if (line.contains(text)) {
                    return line;
                }
            }
            if (exited) {
                throw new AssertionError(name + " exited (" + process.exitValue() + ") without saying '" + text + "': " + lines());
            }
            Thread.sleep(50);
        }
        throw new AssertionError(name + " did not say '" + text + "' in time: " + lines());
    }

    int awaitAdminPort(Duration timeout) throws InterruptedException {
        Matcher m = ADMIN_PORT.matcher(awaitLine("ready (admin port", timeout));
        if (!m.find()) {
            throw new AssertionError(name + ": no admin port in " + lines());
        }
        return Integer.parseInt(m.group(1));
    }

    List<String> lines() {
        try {
            return Files.exists(out) ? Files.readAllLines(out) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String name() {
        return name;
    }

    int exitValue() {
        return process.exitValue();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** SIGTERM, as Kubernetes and docker stop send it. */
    void terminate() {
        process.destroy();
    }

    /** SIGKILL: a crash. */
    void kill() {
        process.destroyForcibly();
    }

    /** Waits for the process to end; returns false if it is still running after {@code timeout}. */
    boolean awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
