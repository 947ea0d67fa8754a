package dev.railyard.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code railyard dlq list|replay}: the dead letters a running platform recorded ({@code /v1/dead-letters}, docs/kafka.md). */
@Command(name = "dlq", mixinStandardHelpOptions = true,
        description = "Dead letters of a running platform (GET /v1/dead-letters, POST /v1/dead-letters/{id}/replay); admin scope.",
        subcommands = {DlqCommand.ListDeadLetters.class, DlqCommand.Replay.class})
final class DlqCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists dead letters, newest first.")
    static final class ListDeadLetters implements Callable<Integer> {
        static final List<String> COLUMNS = List.of("id", "stage", "error", "reason", "job", "source", "recorded_at", "replayed");

        @Option(names = "--limit", defaultValue = "20", description = "At most this many (1 to 1000; default: ${DEFAULT-VALUE}).")
        int limit;

        @Option(names = "--json", description = "Print the API's JSON instead of a table.")
        boolean json;

        @Mixin
        ApiOptions api;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            return api.show(spec.commandLine().getOut(), spec.commandLine().getErr(), "/v1/dead-letters?limit=" + limit, json,
                    ListDeadLetters::print);
        }

        static void print(JsonNode body, PrintWriter out) {
            if (body.path("data").isEmpty()) {
                out.println("no dead letters");
                return;
            }
            TextTable table = new TextTable(COLUMNS);
            for (JsonNode d : body.path("data")) {
                JsonNode source = d.path("source");
                table.row(java.util.Arrays.asList(d.path("id").asText(), text(d.path("stage")), text(d.path("error_type")),
                        shorten(text(d.path("reason"))), text(d.path("job_id")),
                        source.path("topic").asText() + "[" + source.path("partition").asText() + "]@" + source.path("offset").asText(),
                        d.path("recorded_at").asText(), text(d.path("replayed_at"))));
            }
            table.print(out);
        }

        private static String shorten(String reason) {
            if (reason == null) {
                return null;
            }
            String line = reason.replaceAll("\\s+", " ").strip(); // decoder messages span lines; a table row must not
            return line.length() <= 60 ? line : line.substring(0, 59) + "…";
        }
    }

    @Command(name = "replay", mixinStandardHelpOptions = true,
            description = "Puts a dead letter's original record (key, value, headers) back on its source topic; only submitted and dispatch records.")
    static final class Replay implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "ID", description = "The dead letter's id (from `railyard dlq list`).")
        String id;

        @Option(names = "--force", description = "Replay again although it was replayed before.")
        boolean force;

        @Mixin
        ApiOptions api;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            return api.call(spec.commandLine().getErr(), client -> {
                JsonNode r = client.post("/v1/dead-letters/" + URLEncoder.encode(id, StandardCharsets.UTF_8) + "/replay"
                        + (force ? "?force=true" : ""), new ObjectMapper().createObjectNode());
                out.println("replayed dead letter " + id + " to " + r.path("topic").asText() + "[" + r.path("partition").asInt()
                        + "]@" + r.path("offset").asLong());
                out.flush();
                return 0;
            });
        }
    }

    private static String text(JsonNode node) {
        return node.isNull() || node.isMissingNode() ? null : node.asText();
    }
}
