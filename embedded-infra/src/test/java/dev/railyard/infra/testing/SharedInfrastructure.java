package dev.railyard.infra.testing;

import dev.railyard.infra.Infrastructure;
import dev.railyard.schema.db.Migrations;
import com.zaxxer.hikari.HikariDataSource;
import dev.railyard.infra.Database;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One real Kafka broker and one real PostgreSQL per test run, shared by every test class that uses
 * this extension (kept in JUnit's root store, closed when the run ends), migrated with Flyway.
 * Embedded by default; with {@code -Drailyard.it.infra=testcontainers} and a Docker engine present,
 * Testcontainers supplies them instead.
 */
public final class SharedInfrastructure implements BeforeAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(SharedInfrastructure.class);

    /** The running servers as test classes see them. */
    public record Servers(String bootstrapServers, String jdbcUrl, String dbUser, String dbPassword, HikariDataSource dataSource) {
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        servers(context);
    }

    public static Servers servers(ExtensionContext context) {
        return context.getRoot().getStore(NS).getOrComputeIfAbsent("servers", k -> new Started(start()), Started.class).servers;
    }

    private static Servers start() {
        if ("testcontainers".equals(System.getProperty("railyard.it.infra")) && ContainerInfrastructure.dockerAvailable()) {
            return ContainerInfrastructure.start();
        }
        try {
            Path dir = Files.createTempDirectory("railyard-it-");
            Infrastructure infra = Infrastructure.start(dir, null, 0, null, null, null);
            HikariDataSource ds = Database.pool(infra.jdbcUrl(), infra.dbUser(), infra.dbPassword(), 10, "test");
            new Migrations(ds).migrate();
            Runtime.getRuntime().addShutdownHook(new Thread(infra::close));
            return new Servers(infra.bootstrapServers(), infra.jdbcUrl(), infra.dbUser(), infra.dbPassword(), ds);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private record Started(Servers servers) implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        @Override
        public void close() {
            servers.dataSource().close();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
        return p.getParameter().getType() == Servers.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext e) {
        return servers(e);
    }
}
