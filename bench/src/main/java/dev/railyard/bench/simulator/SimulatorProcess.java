package dev.railyard.bench.simulator;

import com.sun.management.OperatingSystemMXBean;
import dev.railyard.simulator.Simulator;
import dev.railyard.simulator.SimulatorSettings;
import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The simulator in a JVM of its own, so that the CPU it reports is the simulator's alone and not the load
 * generator's. The child answers each {@code cpu} line on its standard input with
 * {@code cpu <process CPU ns> <requests answered> <user ticks> <kernel ticks>} (ticks of 1/100 s from
 * {@code /proc/self/stat}, -1 without it) and stops when its standard input closes.
 */
final class SimulatorProcess implements AutoCloseable {
    private static final String READY = "ready ";
    private static final List<String> INHERITED = List.of("--enable-native-access", "--sun-misc-unsafe-memory-access", "-XX:+Use");

    private final Process process;
    private final BufferedReader out;
    private final PrintWriter in;
    private final String rootUrl;

    /** CPU of the simulator's JVM so far (in all, and its user and kernel parts in ticks), and the requests it has answered. */
    record Usage(long cpuNanos, long answered, long userTicks, long kernelTicks) {
    }

    private SimulatorProcess(Process process, BufferedReader out, String rootUrl) {
        this.process = process;
        this.out = out;
        this.in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
        this.rootUrl = rootUrl;
    }

    /** Starts the simulator (latency 0, no faults) on this JVM's class path, collector and access flags. */
    static SimulatorProcess start(List<String> extraOptions) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        for (String flag : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (INHERITED.stream().anyMatch(flag::startsWith)) {
                command.add(flag);
            }
        }
        command.addAll(extraOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(SimulatorProcess.class.getName());
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith(READY)) {
                return new SimulatorProcess(process, out, line.substring(READY.length()).trim());
            }
        }
        process.destroyForcibly();
        throw new IOException("the simulator's JVM exited before it was ready");
    }

    String rootUrl() {
        return rootUrl;
    }

    Usage usage() throws IOException {
        in.println("cpu");
        String line = out.readLine();
        if (line == null || !line.startsWith("cpu ")) {
            throw new IOException("the simulator's JVM answered '" + line + "' to cpu");
        }
        String[] f = line.split(" ");
        return new Usage(Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4]));
    }

    @Override
    public void close() {
        in.close();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** User and kernel time of this process in clock ticks: fields 14 and 15 of {@code /proc/self/stat}. */
    private static String userAndKernelTicks() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" "); // the command name may hold spaces
            return f[11] + " " + f[12];
        } catch (IOException | RuntimeException e) {
            return "-1 -1";
        }
    }

    /** The child: a default {@code Vertx} and {@link Simulator}, as {@code railyard simulate} runs them. */
    public static void main(String[] args) throws Exception {
        PrintStream stdout = System.out;
        Vertx vertx = Vertx.vertx();
        Simulator simulator = new Simulator(vertx, SimulatorSettings.defaults().withLatencyMs(0));
        simulator.start().toCompletionStage().toCompletableFuture().join();
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        stdout.println(READY + simulator.rootUrl());
        stdout.flush();
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String command;
        while ((command = commands.readLine()) != null) {
            if (command.equals("cpu")) {
                stdout.println("cpu " + os.getProcessCpuTime() + " " + simulator.stats().totalRequests() + " " + userAndKernelTicks());
                stdout.flush();
            }
        }
        simulator.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        System.exit(0);
    }
}
