package dev.railyard.infra;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.utils.Time;

/**
 * A single-node KRaft Kafka broker in this JVM (broker and controller in one), with share groups on.
 * Its log lives under {@code dataDir/kafka}, so a restart on the same directory resumes.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final String CLUSTER_ID_FILE = "cluster.id";

    private final KafkaRaftServer server;
    private final int port;

    private EmbeddedKafka(KafkaRaftServer server, int port) {
        this.server = server;
        this.port = port;
    }

    /** Starts a broker on {@code port} (0 picks a free one); the controller takes another free port. */
    public static EmbeddedKafka start(Path dataDir, int port) {
        try {
            Path dir = Files.createDirectories(dataDir.resolve("kafka"));
            int brokerPort = port == 0 ? FreePorts.pick() : port;
            int controllerPort = FreePorts.pick();
            Properties p = new Properties();
            p.put("process.roles", "broker,controller");
            p.put("node.id", "1");
            p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
            p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
            p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
            p.put("controller.listener.names", "CONTROLLER");
            p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
            p.put("inter.broker.listener.name", "PLAINTEXT");
            p.put("log.dirs", dir.resolve("logs").toString());
            p.put("offsets.topic.replication.factor", "1");
            p.put("offsets.topic.num.partitions", "1");
            p.put("transaction.state.log.replication.factor", "1");
            p.put("transaction.state.log.min.isr", "1");
            p.put("share.coordinator.state.topic.replication.factor", "1");
            p.put("share.coordinator.state.topic.min.isr", "1");
            p.put("group.initial.rebalance.delay.ms", "0");
            p.put("group.consumer.heartbeat.interval.ms", "1000");
            p.put("group.consumer.min.heartbeat.interval.ms", "500");
            p.put("group.consumer.session.timeout.ms", "10000");
            p.put("group.consumer.min.session.timeout.ms", "5000");
            p.put("group.share.heartbeat.interval.ms", "1000");
            p.put("group.share.min.heartbeat.interval.ms", "500");
            p.put("log.cleaner.dedupe.buffer.size", "2097152");
            p.put("num.network.threads", "2");
            p.put("num.io.threads", "2");
            p.put("num.partitions", "4");
            p.put("auto.create.topics.enable", "false");
            Path serverProperties = dir.resolve("server.properties");
            try (Writer w = Files.newBufferedWriter(serverProperties)) {
                p.store(w, "written by Railyard's embedded broker");
            }
            String clusterId = clusterId(dir);
            kafka.tools.StorageTool.execute(new String[]{"format", "-t", clusterId, "-c", serverProperties.toString(),
                    "--ignore-formatted"}, new PrintStream(OutputStream.nullOutputStream()));
            KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(p, false), Time.SYSTEM);
            server.startup();
            return new EmbeddedKafka(server, brokerPort);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String clusterId(Path dir) throws IOException {
        Path file = dir.resolve(CLUSTER_ID_FILE);
        if (Files.exists(file)) {
            return Files.readString(file).trim();
        }
        String id = org.apache.kafka.common.Uuid.randomUuid().toString();
        Files.writeString(file, id);
        return id;
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }
}
