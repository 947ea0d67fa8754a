package dev.railyard.infra.testing;

import com.zaxxer.hikari.HikariDataSource;
import dev.railyard.infra.Database;
import dev.railyard.schema.db.Migrations;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;

/** Kafka and PostgreSQL from Testcontainers, for machines with a Docker engine. */
final class ContainerInfrastructure {
    private ContainerInfrastructure() {
    }

    static boolean dockerAvailable() {
        return DockerClientFactory.instance().isDockerAvailable();
    }

    static SharedInfrastructure.Servers start() {
        KafkaContainer kafka = new KafkaContainer("apache/kafka:4.1.0");
        PostgreSQLContainer pg = new PostgreSQLContainer("postgres:17-alpine");
        kafka.start();
        pg.start();
        HikariDataSource ds = Database.pool(pg.getJdbcUrl(), pg.getUsername(), pg.getPassword(), 10, "test");
        new Migrations(ds).migrate();
        return new SharedInfrastructure.Servers(kafka.getBootstrapServers(), pg.getJdbcUrl(), pg.getUsername(), pg.getPassword(), ds);
    }
}
