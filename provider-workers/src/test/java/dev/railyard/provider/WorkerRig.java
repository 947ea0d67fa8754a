package dev.railyard.provider;

import dev.railyard.infra.testing.SharedInfrastructure;
import dev.railyard.kafka.KafkaClients;
import dev.railyard.simulator.Simulator;
import dev.railyard.simulator.SimulatorSettings;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;

/** What a provider-worker IT stands on: Vert.x, a simulator, Kafka clients on the shared broker and a producer. */
record WorkerRig(Vertx vertx, Simulator simulator, KafkaClients clients, KafkaProducer<byte[], byte[]> producer)
        implements AutoCloseable {

    static WorkerRig start(SharedInfrastructure.Servers servers, SimulatorSettings settings, String producerName)
            throws Exception {
        Vertx vertx = Vertx.vertx();
        Simulator simulator = new Simulator(vertx, settings);
        simulator.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        KafkaClients clients = new KafkaClients(servers.bootstrapServers());
        return new WorkerRig(vertx, simulator, clients, clients.producer(producerName));
    }

    @Override
    public void close() throws Exception {
        producer.close();
        simulator.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
