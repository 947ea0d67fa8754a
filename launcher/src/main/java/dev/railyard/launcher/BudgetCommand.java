package dev.railyard.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code railyard budget}: every budget's current window on a running platform ({@code GET /v1/budgets}), read-only. */
@Command(name = "budget", mixinStandardHelpOptions = true,
        description = "Every configured budget's current window on a running platform: limit, spent, reserved, remaining (GET /v1/budgets).")
final class BudgetCommand implements Callable<Integer> {
    /** The columns shown, in order; a field the API does not send shows as "-", and --json shows everything. */
    static final List<String> COLUMNS = List.of("id", "scope", "period", "action", "limit", "spent", "reserved", "remaining", "resets_at");
    private static final List<String> MONEY = List.of("limit", "spent", "reserved", "remaining");

    @Option(names = "--json", description = "Print the API's JSON instead of a table.")
    boolean json;

    @Mixin
    ApiOptions api;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        return api.show(spec.commandLine().getOut(), spec.commandLine().getErr(), "/v1/budgets", json, BudgetCommand::print);
    }

    static void print(JsonNode body, PrintWriter out) {
        if (body.path("data").isEmpty()) {
            out.println("no budgets configured");
            return;
        }
        TextTable table = new TextTable(COLUMNS);
        for (JsonNode b : body.path("data")) {
            List<String> cells = new ArrayList<>();
            for (String column : COLUMNS) {
                JsonNode v = b.path(column);
                String cell = v.isNull() || v.isMissingNode() ? null : v.isValueNode() ? v.asText() : v.toString();
                if (column.equals("scope") && cell != null && b.hasNonNull("scope_value")) {
                    cell = cell + ":" + b.path("scope_value").asText(); // tenant:team-a
                } else if (column.equals("resets_at") && cell == null && b.has("resets_at")) {
                    cell = "never";
                } else if (MONEY.contains(column) && cell != null && v.isTextual()) {
                    cell = TextTable.money(cell);
                }
                cells.add(cell);
            }
            table.row(cells);
        }
        table.print(out);
    }
}
