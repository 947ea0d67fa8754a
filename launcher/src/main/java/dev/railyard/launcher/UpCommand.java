package dev.railyard.launcher;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code railyard up}: the platform as a server until Ctrl-C. */
@Command(name = "up", description = "Run the platform as a server (API, workers, embedded Kafka and PostgreSQL) until Ctrl-C.")
final class UpCommand implements Callable<Integer> {
    @Mixin
    InfraOptions infra;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "API host (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "${env:RAILYARD_PORT:-8080}", description = "API port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--kafka-port", defaultValue = "9092", description = "Embedded Kafka's port (default: ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Override
    public Integer call() throws InterruptedException {
        Platform platform = Platform.start(infra.settings().withApi(host, port).withKafkaPort(kafkaPort));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("railyard: stopping…");
            platform.close();
            stopped.countDown();
        }, "railyard-shutdown"));
        System.out.println("railyard: API    http://" + host + ":" + platform.apiPort() + "/v1");
        System.out.println("railyard: Kafka  " + platform.infrastructure().bootstrapServers()
                + (platform.infrastructure().embeddedKafka() ? " (embedded)" : ""));
        System.out.println("railyard: DB     " + platform.infrastructure().jdbcUrl()
                + (platform.infrastructure().embeddedPostgres() ? " (embedded)" : ""));
        if (platform.simulator() != null) {
            System.out.println("railyard: providers without an API key are served by the simulator at " + platform.simulator().baseUrl());
        }
        System.out.println("railyard: up. Ctrl-C stops.");
        stopped.await();
        return 0;
    }
}
