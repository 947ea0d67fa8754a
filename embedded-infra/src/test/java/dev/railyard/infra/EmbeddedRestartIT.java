package dev.railyard.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.railyard.schema.Topics;
import dev.railyard.schema.db.Migrations;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded servers keep their state in the data directory and survive a stop, a restart and a killed run. */
class EmbeddedRestartIT {

    @Test
    void a_restart_on_the_same_data_directory_resumes_with_nothing_lost(@TempDir Path dir) throws Exception {
        try (Infrastructure infra = Infrastructure.start(dir, null, 0, null, null, null);
             HikariDataSource ds = Database.pool(infra.jdbcUrl(), infra.dbUser(), infra.dbPassword(), 2, "restart-1")) {
            assertThat(new Migrations(ds).migrate()).isPositive();
            try (Connection c = ds.getConnection()) {
                c.createStatement().executeUpdate("insert into tenants (id, name) values ('kept', 'Kept across restarts')");
            }
            // Plain clients, not kafka-io's: kafka-io's own tests run on this module's infrastructure.
            Map<String, Object> bootstrap = Map.of("bootstrap.servers", infra.bootstrapServers());
            try (Admin admin = Admin.create(bootstrap)) {
                admin.createTopics(List.of(new NewTopic(Topics.JOBS_SUBMITTED, 1, (short) 1))).all().get();
            }
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(bootstrap, new ByteArraySerializer(), new ByteArraySerializer())) {
                producer.send(new ProducerRecord<>(Topics.JOBS_SUBMITTED, 0, null, "kept".getBytes(StandardCharsets.UTF_8))).get();
            }
        }

        try (Infrastructure infra = Infrastructure.start(dir, null, 0, null, null, null);
             HikariDataSource ds = Database.pool(infra.jdbcUrl(), infra.dbUser(), infra.dbPassword(), 2, "restart-2")) {
            assertThat(new Migrations(ds).migrate()).isZero();
            try (Connection c = ds.getConnection();
                 ResultSet rs = c.createStatement().executeQuery("select name from tenants where id = 'kept'")) {
                assertThat(rs.next()).isTrue();
            }
            assertThat(firstValue(infra.bootstrapServers(), Topics.JOBS_SUBMITTED)).contains("kept");
        }
    }

    @Test
    void a_postgres_left_running_by_a_killed_run_is_stopped_and_replaced(@TempDir Path dir) throws Exception {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), StalePostgresProcess.class.getName(), dir.toString())
                .redirectErrorStream(true).start();
        try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && !line.equals("ready")) {
                // skip the child's log lines
            }
            assertThat(line).as("child JVM started PostgreSQL").isEqualTo("ready");
            child.destroyForcibly().waitFor(); // SIGKILL: no shutdown hooks, the postmaster survives
        }
        long stalePid = Long.parseLong(Files.readAllLines(dir.resolve("postgres/postmaster.pid")).get(0).trim());
        assertThat(ProcessHandle.of(stalePid).map(ProcessHandle::isAlive)).contains(true);

        try (EmbeddedPostgresServer fresh = EmbeddedPostgresServer.start(dir, 0);
             HikariDataSource ds = Database.pool(fresh.jdbcUrl(), fresh.user(), "", 1, "fresh")) {
            assertThat(ProcessHandle.of(stalePid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
            try (Connection c = ds.getConnection(); ResultSet rs = c.createStatement().executeQuery("select 1")) {
                assertThat(rs.next()).isTrue();
            }
        }
    }

    @Test
    void concurrent_migrations_at_start_are_safe(@TempDir Path dir) throws Exception {
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(dir, 0);
             HikariDataSource ds = Database.pool(pg.jdbcUrl(), pg.user(), "", 6, "concurrent")) {
            ExecutorService pool = Executors.newFixedThreadPool(3);
            try {
                List<Future<Integer>> runs = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    runs.add(pool.submit(() -> new Migrations(ds).migrate()));
                }
                int applied = 0;
                for (Future<Integer> run : runs) {
                    applied += run.get();
                }
                try (Connection c = ds.getConnection();
                     ResultSet rs = c.createStatement().executeQuery("select count(*) from flyway_schema_history where success")) {
                    rs.next();
                    assertThat(applied).isEqualTo(rs.getInt(1));
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private static Optional<String> firstValue(String bootstrapServers, String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrapServers),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            for (int i = 0; i < 50; i++) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    return Optional.of(new String(r.value(), StandardCharsets.UTF_8));
                }
            }
        }
        return Optional.empty();
    }
}
