package dev.railyard.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code railyard status ID}: a batch ({@code GET /v1/batches/{id}}) or a job ({@code GET /v1/jobs/{id}}). */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Status of a batch (batch_…: its request counts and spend) or a job (job_…: its outcome, usage and cost).")
final class StatusCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "ID", description = "A batch id (batch_…) or a job id (job_…).")
    String id;

    @Option(names = "--json", description = "Print the API's JSON instead.")
    boolean json;

    @Mixin
    ApiOptions api;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        return api.call(spec.commandLine().getErr(), client -> {
            String encoded = URLEncoder.encode(id, StandardCharsets.UTF_8);
            if (isJob(id)) {
                JsonNode job = client.get("/v1/jobs/" + encoded);
                out.println(json ? job.toPrettyString() : job(job));
            } else {
                JsonNode batch = client.get("/v1/batches/" + encoded);
                out.println(json ? batch.toPrettyString() : batch(batch, batchCost(client, id)));
            }
            out.flush();
            return 0;
        });
    }

    static boolean isJob(String id) {
        return id.startsWith("job_");
    }

    static String job(JsonNode job) {
        StringBuilder s = new StringBuilder("job " + job.path("id").asText() + ": " + job.path("status").asText());
        if (job.hasNonNull("model")) {
            s.append("\n  model: ").append(job.path("model").asText());
        }
        if (job.hasNonNull("batch_id")) {
            s.append("\n  batch: ").append(job.path("batch_id").asText());
        }
        if (job.has("usage")) {
            s.append("\n  tokens: ").append(job.path("usage").path("prompt_tokens").asText()).append(" prompt, ")
                    .append(job.path("usage").path("completion_tokens").asText()).append(" completion");
        }
        if (job.hasNonNull("cost")) {
            s.append("\n  cost: ").append(TextTable.money(job.path("cost").asText()));
        }
        s.append("\n  attempts: ").append(job.path("attempts").asInt());
        if (job.has("error")) {
            s.append("\n  error: ").append(job.path("error").path("code").asText()).append(": ")
                    .append(job.path("error").path("message").asText());
        }
        return s.toString();
    }

    static String batch(JsonNode batch, String cost) {
        JsonNode counts = batch.path("request_counts");
        long total = counts.path("total").asLong();
        long done = counts.path("completed").asLong() + counts.path("failed").asLong();
        StringBuilder s = new StringBuilder("batch " + batch.path("id").asText() + ": " + batch.path("status").asText());
        s.append("\n  requests: ").append(total).append(" total, ").append(counts.path("completed").asLong()).append(" completed, ")
                .append(counts.path("failed").asLong()).append(" failed, ").append(total - done).append(" pending");
        if (cost != null) {
            s.append("\n  cost: ").append(TextTable.money(cost));
        }
        if (batch.hasNonNull("output_file_id")) {
            s.append("\n  output file: ").append(batch.path("output_file_id").asText());
        }
        if (batch.hasNonNull("error_file_id")) {
            s.append("\n  error file: ").append(batch.path("error_file_id").asText());
        }
        return s.toString();
    }

    /** The batch's spend so far from the ledger ({@code GET /v1/spend?group_by=batch}), or null when nothing is billed yet. */
    private static String batchCost(RailyardClient client, String id) {
        for (JsonNode row : client.get("/v1/spend?group_by=batch").path("data")) {
            if (id.equals(row.path("batch").asText())) {
                return row.path("cost").asText();
            }
        }
        return null;
    }
}
