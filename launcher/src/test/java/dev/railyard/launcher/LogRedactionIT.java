package dev.railyard.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.railyard.infra.testing.SharedInfrastructure;
import dev.railyard.schema.event.JobState;
import dev.railyard.simulator.SimulatorSettings;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The production JSON log configuration (logback.xml with RAILYARD_LOG_FORMAT=json) over the whole platform: jobs
 * whose prompts carry an API key, a bearer token, an e-mail address and a card number, some sent to a provider whose
 * error echoes the request and its Authorization header. The log is JSON lines carrying the jobs' ids and trace ids,
 * and none of the planted values, with payload logging off and on.
 */
@ExtendWith(SharedInfrastructure.class)
class LogRedactionIT {
    private static final String PROVIDER_KEY = "sk-planted-provider-key-0123456789";
    private static final String SK = "sk-proj-PLANTEDsecret0123456789abcdef";
    private static final String TOKEN = "plantedTOKEN.abc123.xyz789";
    private static final String EMAIL = "planted.person@example.com";
    private static final String CARD = "4111 1111 1111 1111";
    private static final List<String> PLANTED = List.of(PROVIDER_KEY, SK, "PLANTEDsecret", TOKEN, EMAIL, CARD,
            CARD.replace(" ", ""));
    private static final String PROMPT = "Summarise: my key is " + SK + ", header Authorization: Bearer " + TOKEN
            + ", mail me at " + EMAIL + ", card " + CARD + ".";

    private static Path logDir;
    private static HttpServer echo;
    private static Platform platform;
    private static RailyardClient client;

    @BeforeAll
    static void start(SharedInfrastructure.Servers servers, @TempDir Path dir) throws IOException {
        logDir = dir;
        echo = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        echo.createContext("/", exchange -> {
            // A provider that echoes what it was sent in its error, as some do ("Invalid value: ...").
            String request = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            ObjectNode error = E2e.JSON.createObjectNode();
            error.putObject("error").put("message", "Invalid request " + request + " with Authorization: "
                            + exchange.getRequestHeaders().getFirst("Authorization"))
                    .put("type", "invalid_request_error");
            byte[] body = E2e.JSON.writeValueAsBytes(error);
            exchange.getResponseHeaders().add("content-type", "application/json");
            exchange.sendResponseHeaders(400, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        echo.start();
        Path config = dir.resolve("railyard.yaml");
        String yaml = new String(LogRedactionIT.class.getResourceAsStream("/e2e-railyard.yaml").readAllBytes(), StandardCharsets.UTF_8)
                .replace("models:\n", "  echo:\n    type: openai-compatible\n    base_url: http://127.0.0.1:" + echo.getAddress().getPort()
                        + "/v1\n    api_key: " + PROVIDER_KEY + "\n    timeout_ms: 2000\n    max_in_flight: 8\nmodels:\n"
                        + "  echo-model: { owned_by: echo, kind: chat, input_per_million: 1, output_per_million: 1, context_window: 128000 }\n")
                .replace("deployments:\n", "deployments:\n  - { id: echo-echo-model, provider: echo, model: echo-model }\n");
        Files.writeString(config, yaml);
        platform = E2e.platform(servers, dir, config, SimulatorSettings.defaults(),
                Telemetry.with("railyard-it", SimpleSpanProcessor.create(InMemorySpanExporter.create())));
        client = new RailyardClient(platform.apiBaseUrl());
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            platform.close();
        }
        if (echo != null) {
            echo.stop(0);
        }
    }

    @AfterEach
    void restoreTestLogging() {
        System.clearProperty("RAILYARD_LOG_FORMAT");
        System.clearProperty("railyard.log.file");
        System.clearProperty("RAILYARD_LOG_PAYLOADS");
        configure("/logback-test.xml");
    }

    @Test
    void json_lines_carry_job_and_trace_ids_and_no_planted_secret() {
        Path log = jsonLog(false);

        List<String> jobs = runJobs();
        List<JsonNode> lines = awaitLines(log, jobs);

        assertThat(lines).noneMatch(l -> l.path("logger_name").asText().equals("railyard.payloads"));
        assertNothingPlanted(log);
    }

    @Test
    void with_payload_logging_on_payloads_are_logged_with_secrets_masked() {
        Path log = jsonLog(true);

        List<String> jobs = runJobs();
        List<JsonNode> lines = awaitLines(log, jobs);

        // The echoed error, prompt and all, was logged: only its secrets are masked.
        assertThat(lines).anySatisfy(l -> {
            assertThat(l.path("logger_name").asText()).isEqualTo("railyard.payloads");
            assertThat(l.path("message").asText()).contains("Summarise: my key is ***").contains("Bearer ***");
        });
        assertNothingPlanted(log);
    }

    /** A job to the simulator, one to the echoing provider, and a batch with one of each; returns their ids. */
    private static List<String> runJobs() {
        List<String> ids = new ArrayList<>();
        for (String model : List.of("gpt-4o-mini", "echo-model")) {
            ObjectNode request = E2e.JSON.createObjectNode();
            request.putObject("body").put("model", model).put("max_tokens", 16).putArray("messages").addObject()
                    .put("role", "user").put("content", PROMPT);
            ids.add(client.post("/v1/jobs", request).path("id").asText());
        }
        String jsonl = "{\"custom_id\":\"a\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"gpt-4o-mini\","
                + "\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":" + quoted(PROMPT) + "}]}}\n"
                + "{\"custom_id\":\"b\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"echo-model\","
                + "\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":" + quoted(PROMPT) + "}]}}\n";
        String batchId = client.submitBatch(jsonl.getBytes(StandardCharsets.UTF_8)).path("id").asText();
        ids.add(E2e.jobIdOf(platform, batchId, "a"));
        ids.add(E2e.jobIdOf(platform, batchId, "b"));
        for (String id : ids) {
            for (int i = 0; i < 600 && !JobState.terminal(client.get("/v1/jobs/" + id).path("status").asText()); i++) {
                pause();
            }
            assertThat(client.get("/v1/jobs/" + id).path("status").asText()).as(id).isIn("succeeded", "failed");
        }
        return ids;
    }

    /**
     * The log's lines, each parsed as JSON, once every job has a line whose budget-service record says its result
     * was recorded (the last hop); every line about a job carries its trace.
     */
    private static List<JsonNode> awaitLines(Path log, List<String> jobs) {
        List<JsonNode> lines = read(log);
        for (int i = 0; i < 300 && !jobs.stream().allMatch(id -> recorded(read(log), id)); i++) {
            pause();
        }
        lines = read(log);
        for (String id : jobs) {
            assertThat(recorded(lines, id)).as("the ledger logged job %s", id).isTrue();
            List<JsonNode> about = lines.stream().filter(l -> l.path("job_id").asText().equals(id)).toList();
            assertThat(about).as("lines about %s", id).hasSizeGreaterThanOrEqualTo(2).allSatisfy(l -> {
                assertThat(l.path("trace_id").asText()).matches("[0-9a-f]{32}");
                assertThat(l.path("span_id").asText()).matches("[0-9a-f]{16}");
            });
            assertThat(about.stream().map(l -> l.path("trace_id").asText()).distinct()).as("one trace per job").hasSize(1);
        }
        assertThat(lines).anySatisfy(l -> assertThat(l.path("batch_id").asText()).startsWith("batch_"));
        return lines;
    }

    private static boolean recorded(List<JsonNode> lines, String jobId) {
        return lines.stream().anyMatch(l -> l.path("job_id").asText().equals(jobId)
                && l.path("logger_name").asText().endsWith("ResultsHandler"));
    }

    private static void assertNothingPlanted(Path log) {
        String text;
        try {
            text = Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(text).isNotBlank();
        for (String planted : PLANTED) {
            assertThat(text).as("the log").doesNotContain(planted);
        }
    }

    /** Every line of the file parsed as JSON (a line that is not JSON fails the test). */
    private static List<JsonNode> read(Path log) {
        try {
            List<JsonNode> out = new ArrayList<>();
            for (String line : Files.readAllLines(log)) {
                out.add(E2e.JSON.readTree(line));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The production configuration, JSON format, into a fresh file; Railyard's own loggers at DEBUG. */
    private static Path jsonLog(boolean payloads) {
        try {
            Path file = Files.createTempFile(logDir, "railyard-log", ".jsonl");
            System.setProperty("RAILYARD_LOG_FORMAT", "json");
            System.setProperty("railyard.log.file", file.toString());
            System.setProperty("RAILYARD_LOG_PAYLOADS", Boolean.toString(payloads));
            configure("/logback.xml");
            ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger("dev.railyard").setLevel(Level.DEBUG);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void configure(String resource) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        try {
            configurator.doConfigure(LogRedactionIT.class.getResource(resource));
        } catch (JoranException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String quoted(String s) {
        try {
            return E2e.JSON.writeValueAsString(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
