package dev.railyard.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code railyard spend}: {@code GET /v1/spend} of a running platform, as a table. */
@Command(name = "spend", mixinStandardHelpOptions = true,
        description = "Spend from the ledger of a running platform, grouped and optionally bucketed in time (GET /v1/spend).")
final class SpendCommand implements Callable<Integer> {
    @Option(names = "--group-by", defaultValue = "model", description = "Comma-separated: tenant, key, model, provider, deployment,"
            + " batch, tag, project (default: ${DEFAULT-VALUE}).")
    String groupBy;

    @Option(names = "--bucket", description = "hour, day, week or month (UTC).")
    String bucket;

    @Option(names = "--from", description = "From this instant or date, inclusive (2026-03-15 or 2026-03-15T10:00:00Z).")
    String from;

    @Option(names = "--to", description = "Up to this instant or date, exclusive.")
    String to;

    @Option(names = "--tenant", description = "Only this tenant's spend.")
    String tenant;

    @Option(names = "--json", description = "Print the API's JSON instead of a table.")
    boolean json;

    @Mixin
    ApiOptions api;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        return api.show(spec.commandLine().getOut(), spec.commandLine().getErr(), "/v1/spend" + query(), json, SpendCommand::print);
    }

    String query() {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("group_by", groupBy);
        params.put("bucket", bucket);
        params.put("from", from);
        params.put("to", to);
        params.put("tenant", tenant);
        StringBuilder q = new StringBuilder();
        params.forEach((k, v) -> {
            if (v != null) {
                q.append(q.isEmpty() ? '?' : '&').append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8));
            }
        });
        return q.toString();
    }

    static void print(JsonNode body, PrintWriter out) {
        List<String> dims = new ArrayList<>();
        body.path("group_by").forEach(d -> dims.add(d.asText()));
        boolean bucketed = !body.path("bucket").isNull() && !body.path("bucket").isMissingNode();
        List<String> header = new ArrayList<>();
        if (bucketed) {
            header.add(body.path("bucket").asText());
        }
        header.addAll(dims);
        header.addAll(List.of("entries", "prompt_tokens", "completion_tokens", "cost", "estimated"));
        TextTable table = new TextTable(header);
        for (JsonNode row : body.path("data")) {
            List<String> cells = new ArrayList<>();
            if (bucketed) {
                cells.add(row.path("bucket_start").asText());
            }
            dims.forEach(d -> cells.add(row.path(d).isNull() ? null : row.path(d).asText()));
            cells.add(row.path("entries").asText());
            cells.add(row.path("prompt_tokens").asText());
            cells.add(row.path("completion_tokens").asText());
            cells.add(TextTable.money(row.path("cost").asText()));
            cells.add(row.path("estimated_entries").asText());
            table.row(cells);
        }
        if (table.isEmpty()) {
            out.println("no spend recorded" + (body.has("from") || body.has("to") || body.has("tenant") ? " for this selection" : ""));
        } else {
            table.print(out);
        }
        out.println("total " + TextTable.money(body.path("total_cost").asText())
                + (dims.contains("tag") ? " (each entry once, however many tags its job has)" : ""));
        out.flush();
    }
}
