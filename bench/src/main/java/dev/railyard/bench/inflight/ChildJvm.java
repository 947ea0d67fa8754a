package dev.railyard.bench.inflight;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ChildMain} in its own JVM, on this JVM's class path, collector and access flags:
 * started, awaited until it prints its address, stopped by closing its standard input.
 */
final class ChildJvm implements AutoCloseable {
    private static final List<String> INHERITED = List.of("--enable-native-access", "--sun-misc-unsafe-memory-access",
            "-XX:+Use", "-Xss");
    private final String name;
    private final Process process;
    private final String address;

    private ChildJvm(String name, Process process, String address) {
        this.name = name;
        this.process = process;
        this.address = address;
    }

    static ChildJvm start(String name, String logFile, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        for (String flag : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            // What the JVM needs to run our libraries quietly and the same collector; not the worker's heap size,
            // log file, recordings or agents.
            if (INHERITED.stream().anyMatch(flag::startsWith)) {
                command.add(flag);
            }
        }
        command.add("-Drailyard.log.file=" + logFile);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ChildMain.class.getName());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith(ChildMain.READY)) {
                String address = line.substring(ChildMain.READY.length()).trim();
                Thread.ofPlatform().daemon().name("bench-" + name + "-stdout").start(() -> drain(out));
                return new ChildJvm(name, process, address);
            }
        }
        process.destroyForcibly();
        throw new IOException(name + " exited before it was ready (exit " + waitFor(process) + ")");
    }

    private static void drain(BufferedReader out) {
        try {
            while (out.readLine() != null) {
                // the child's chatter is not the benchmark's output
            }
        } catch (IOException e) {
            // the child ended
        }
    }

    private static int waitFor(Process process) {
        try {
            return process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    String address() {
        return address;
    }

    long pid() {
        return process.pid();
    }

    String name() {
        return name;
    }

    @Override
    public void close() {
        try {
            process.getOutputStream().close();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
