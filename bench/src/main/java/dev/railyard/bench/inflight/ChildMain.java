package dev.railyard.bench.inflight;

import dev.railyard.infra.EmbeddedKafka;
import dev.railyard.simulator.Simulator;
import dev.railyard.simulator.SimulatorSettings;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the in-flight benchmark runs beside the worker, each in its own JVM so that neither its heap nor its
 * threads count against the worker measured: {@code broker DIR} (the embedded KRaft broker) or
 * {@code simulator LATENCY_MS} (the provider simulator, as {@code railyard simulate} runs it: a default
 * {@code Vertx} and {@link Simulator}). Prints one {@code ready <address>} line, then runs until its standard
 * input closes, so it never outlives the benchmark, even one that was killed.
 */
public final class ChildMain {
    static final String READY = "ready ";

    private ChildMain() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "broker" -> {
                try (EmbeddedKafka kafka = EmbeddedKafka.start(Files.createDirectories(Path.of(args[1])), 0)) {
                    System.out.println(READY + kafka.bootstrapServers());
                    awaitStdinClosed();
                }
            }
            case "simulator" -> {
                Vertx vertx = Vertx.vertx();
                Simulator simulator = new Simulator(vertx, SimulatorSettings.defaults().withLatencyMs(Long.parseLong(args[1])));
                simulator.start().toCompletionStage().toCompletableFuture().join();
                System.out.println(READY + simulator.rootUrl());
                awaitStdinClosed();
                simulator.close();
                vertx.close();
            }
            default -> throw new IllegalArgumentException("unknown child " + args[0]);
        }
        System.exit(0);
    }

    private static void awaitStdinClosed() throws IOException {
        InputStream in = System.in;
        while (in.read() >= 0) {
            // nothing to read: the parent only ever closes it
        }
    }
}
