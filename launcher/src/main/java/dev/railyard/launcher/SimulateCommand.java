package dev.railyard.launcher;

import dev.railyard.simulator.Simulator;
import dev.railyard.simulator.SimulatorSettings;
import io.vertx.core.Vertx;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code railyard simulate}: the provider simulator alone. */
@Command(name = "simulate", description = "Run the provider simulator alone (OpenAI-compatible) until Ctrl-C.")
final class SimulateCommand implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "8090", description = "Port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--latency-ms", defaultValue = "0", description = "Latency per call (default: ${DEFAULT-VALUE}).")
    long latencyMs;

    @Option(names = "--error-rate", defaultValue = "0", description = "Share of calls answered with a transient error, 0..1.")
    double errorRate;

    @Override
    public Integer call() throws InterruptedException {
        Vertx vertx = Vertx.vertx();
        Simulator simulator = new Simulator(vertx, SimulatorSettings.defaults().withPort(port).withLatencyMs(latencyMs).withErrorRate(errorRate));
        simulator.start().toCompletionStage().toCompletableFuture().join();
        System.out.println("simulator: " + simulator.baseUrl() + " (Ctrl-C stops)");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            simulator.close();
            vertx.close();
            stopped.countDown();
        }));
        stopped.await();
        return 0;
    }
}
