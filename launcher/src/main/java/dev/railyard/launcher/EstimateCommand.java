package dev.railyard.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code railyard estimate FILE}: what a batch would cost at worst on a running platform ({@code POST /v1/estimates}). */
@Command(name = "estimate", mixinStandardHelpOptions = true,
        description = "Estimate a batch (OpenAI batch JSONL) or one request (a .json file) before submitting it: the deployment"
                + " the router would choose for each line now, prompt tokens, output limits and the worst-case cost. Nothing is submitted.")
final class EstimateCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "OpenAI batch input JSONL, or one request body as .json.")
    Path input;

    @Option(names = "--json", description = "Print the API's JSON instead of a summary.")
    boolean json;

    @Mixin
    ApiOptions api;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!Files.isRegularFile(input)) {
            err.println("railyard: no such file: " + input);
            err.flush();
            return 2;
        }
        byte[] body = Files.readAllBytes(input);
        boolean jsonl = !input.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".json");
        return api.call(err, client -> {
            JsonNode estimate = client.estimate(body, jsonl);
            if (json) {
                out.println(estimate.toPrettyString());
            } else {
                print(estimate, out);
            }
            out.flush();
            return 0;
        });
    }

    static void print(JsonNode e, PrintWriter out) {
        out.printf("%d lines: %d estimated, %d invalid, %d unroutable (%s)%n", e.path("lines").asInt(), e.path("estimated_lines").asInt(),
                e.path("invalid_lines").asInt(), e.path("unroutable_lines").asInt(), e.path("endpoint").asText());
        out.printf("prompt tokens %d, max output tokens %d, worst-case cost %s%n", e.path("prompt_tokens").asLong(),
                e.path("max_output_tokens").asLong(), TextTable.money(e.path("estimated_cost").asText()));
        if (!e.path("by_model").isEmpty()) {
            out.println();
            TextTable models = new TextTable(List.of("model", "lines", "prompt_tokens", "max_output_tokens", "worst_case_cost", "deployments"));
            for (JsonNode m : e.path("by_model")) {
                StringBuilder deployments = new StringBuilder();
                for (Map.Entry<String, JsonNode> d : m.path("deployments").properties()) {
                    deployments.append(deployments.isEmpty() ? "" : ", ").append(d.getKey()).append(" x").append(d.getValue().asInt());
                }
                models.row(List.of(m.path("model").asText(), m.path("lines").asText(), m.path("prompt_tokens").asText(),
                        m.path("max_output_tokens").asText(), TextTable.money(m.path("estimated_cost").asText()), deployments.toString()));
            }
            models.print(out);
        }
        problems("invalid lines (the batch would reject them)", e.path("invalid"), out);
        problems("unroutable lines (the router would fail them)", e.path("unroutable"), out);
    }

    private static void problems(String title, JsonNode lines, PrintWriter out) {
        if (lines.isEmpty()) {
            return;
        }
        out.println();
        out.println(title + ":");
        TextTable table = new TextTable(List.of("line", "custom_id", "code", "param", "message"));
        for (JsonNode p : lines) {
            table.row(java.util.Arrays.asList(p.path("line").asText(), text(p.path("custom_id")), p.path("code").asText(),
                    text(p.path("param")), p.path("message").asText()));
        }
        table.print(out);
    }

    private static String text(JsonNode n) {
        return n.isNull() || n.isMissingNode() ? null : n.asText();
    }
}
