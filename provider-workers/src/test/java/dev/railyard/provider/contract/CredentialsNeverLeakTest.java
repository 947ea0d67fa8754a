package dev.railyard.provider.contract;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.railyard.config.Deployment;
import dev.railyard.config.ProviderConfig;
import dev.railyard.provider.ProviderAdapter;
import dev.railyard.provider.ProviderAdapters;
import dev.railyard.provider.ProviderException;
import dev.railyard.provider.ProviderResponse;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.LoggerFactory;

/**
 * A unique key is planted in each provider's configuration; calls succeed, fail with the provider's
 * error (one that echoes the key back, as some servers do) and fail in transport. The key must appear
 * in no log line (everything logged, down to TRACE) and in no response or error a job carries.
 */
class CredentialsNeverLeakTest {
    private final ObjectMapper json = new ObjectMapper();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final List<Level> savedLevels = new ArrayList<>();
    private final List<Logger> loggers = new ArrayList<>();
    private Vertx vertx;
    private FakeProvider server;

    @BeforeEach
    void capture() throws Exception {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        for (String name : List.of(Logger.ROOT_LOGGER_NAME, "io.vertx", "io.netty", "dev.railyard")) {
            Logger logger = context.getLogger(name);
            loggers.add(logger);
            savedLevels.add(logger.getLevel());
            logger.setLevel(Level.TRACE);
        }
        logs.start();
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(logs);
        vertx = Vertx.vertx();
        server = new FakeProvider(vertx);
    }

    @AfterEach
    void release() throws Exception {
        server.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(logs);
        for (int i = 0; i < loggers.size(); i++) {
            loggers.get(i).setLevel(savedLevels.get(i));
        }
    }

    @ParameterizedTest
    @EnumSource(Family.class)
    void a_planted_key_is_never_logged_nor_returned(Family family) throws Exception {
        String planted = "planted-" + UUID.randomUUID();
        List<String> carried = new ArrayList<>();

        server.answer(r -> new FakeProvider.Answer(200, Map.of(), family.success(r.uri())));
        carried.add(outcome(family, family.config(server.root(), planted)));
        server.answer(r -> new FakeProvider.Answer(401, Map.of(), """
                {"error":{"message":"Incorrect API key provided: %s","type":"invalid_request_error","code":"invalid_api_key"},"type":"error"}""".formatted(planted)));
        carried.add(outcome(family, family.config(server.root(), planted)));
        server.answer(r -> family.rateLimited());
        carried.add(outcome(family, family.config(server.root(), planted)));
        carried.add(outcome(family, family.config("http://127.0.0.1:1", planted))); // nothing listens there

        assertThat(server.requests).hasSizeGreaterThanOrEqualTo(3); // the key did go to the provider
        assertThat(carried).hasSize(4).allSatisfy(text -> assertThat(text).doesNotContain(planted));
        assertThat(carried.get(1)).contains("Incorrect API key provided: ***");
        assertThat(logs.list).allSatisfy(event -> {
            assertThat(event.getFormattedMessage()).doesNotContain(planted);
            if (event.getThrowableProxy() != null) {
                assertThat(event.getThrowableProxy().getMessage()).doesNotContain(planted);
            }
        });
        assertThat(family.config(server.root(), planted).toString()).doesNotContain(planted);
    }

    /** Everything a job would carry away from one call: the response, or the error and its message. */
    private String outcome(Family family, ProviderConfig config) throws Exception {
        try (ProviderAdapter adapter = new ProviderAdapters(vertx, json, Clock.systemUTC()).create(config)) {
            ProviderResponse response = adapter.call(new Deployment("d", family.type, "m", family.chatModel),
                    AdapterContractTest.job("/v1/chat/completions", AdapterContractTest.CONVERSATION))
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            return json.writeValueAsString(response.body()) + response;
        } catch (ExecutionException e) {
            ProviderException failure = (ProviderException) e.getCause();
            return json.writeValueAsString(failure.error()) + failure.getMessage();
        }
    }
}
