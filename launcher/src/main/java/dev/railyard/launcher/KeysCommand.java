package dev.railyard.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code railyard keys create|list|revoke}: API keys of a running platform, through {@code /v1/admin/keys} (docs/auth.md). */
@Command(name = "keys", mixinStandardHelpOptions = true,
        description = "API keys of a running platform (POST|GET|DELETE /v1/admin/keys): an admin key is needed once any key exists.",
        subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class})
final class KeysCommand implements Runnable {
    private static final ObjectMapper JSON = new ObjectMapper();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Creates a key and prints its secret, once: only its hash is stored. The first key must have the admin scope.")
    static final class Create implements Callable<Integer> {
        @Option(names = "--tenant", required = true, description = "The tenant the key acts as (created if new).")
        String tenant;

        @Option(names = "--scopes", required = true, split = ",", description = "Comma-separated: submit, read, admin.")
        List<String> scopes;

        @Option(names = "--name", description = "What the key is for.")
        String name;

        @Option(names = "--rpm", description = "Its requests per minute (default: the API's).")
        Integer rpm;

        @Option(names = "--json", description = "Print the API's JSON instead.")
        boolean json;

        @Mixin
        ApiOptions api;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            ObjectNode body = JSON.createObjectNode().put("tenant", tenant);
            if (name != null) {
                body.put("name", name);
            }
            ArrayNode scopeCodes = body.putArray("scopes");
            scopes.forEach(s -> scopeCodes.add(s.strip()));
            if (rpm != null) {
                body.put("requests_per_minute", rpm);
            }
            return api.call(spec.commandLine().getErr(), client -> {
                JsonNode key = client.post("/v1/admin/keys", body);
                if (json) {
                    out.println(key.toPrettyString());
                } else {
                    out.println("created " + key.path("id").asText() + " for tenant " + key.path("tenant").asText()
                            + " (scopes " + String.join(", ", texts(key.path("scopes"))) + ")");
                    out.println("secret: " + key.path("secret").asText());
                    out.println("Shown once: only its hash is stored. Send it as 'Authorization: Bearer <secret>' (or x-api-key),"
                            + " or set RAILYARD_API_KEY for the CLI.");
                }
                out.flush();
                return 0;
            });
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists keys (never their secrets).")
    static final class ListKeys implements Callable<Integer> {
        static final List<String> COLUMNS = List.of("id", "tenant", "name", "scopes", "prefix", "rpm", "created", "last_used", "revoked");

        @Option(names = "--tenant", description = "Only this tenant's keys.")
        String tenant;

        @Option(names = "--json", description = "Print the API's JSON instead of a table.")
        boolean json;

        @Mixin
        ApiOptions api;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            return api.show(spec.commandLine().getOut(), spec.commandLine().getErr(), "/v1/admin/keys"
                    + (tenant == null ? "" : "?tenant=" + URLEncoder.encode(tenant, StandardCharsets.UTF_8)), json, ListKeys::print);
        }

        static void print(JsonNode body, PrintWriter out) {
            if (body.path("data").isEmpty()) {
                out.println("no API keys: the API is open unless RAILYARD_AUTH_REQUIRED is set");
                return;
            }
            TextTable table = new TextTable(COLUMNS);
            for (JsonNode k : body.path("data")) {
                List<String> cells = new ArrayList<>();
                cells.add(k.path("id").asText());
                cells.add(k.path("tenant").asText());
                cells.add(text(k.path("name")));
                cells.add(String.join(",", texts(k.path("scopes"))));
                cells.add(k.path("prefix").asText() + "…");
                cells.add(k.path("requests_per_minute").isNull() ? "default" : k.path("requests_per_minute").asText());
                cells.add(time(k.path("created_at")));
                cells.add(time(k.path("last_used_at")));
                cells.add(time(k.path("revoked_at")));
                table.row(cells);
            }
            table.print(out);
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revokes a key: requests with it get 401 from then on.")
    static final class Revoke implements Callable<Integer> {
        @Parameters(index = "0", description = "The key's id (key_…).")
        String id;

        @Mixin
        ApiOptions api;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            return api.call(spec.commandLine().getErr(), client -> {
                JsonNode key = client.delete("/v1/admin/keys/" + URLEncoder.encode(id, StandardCharsets.UTF_8));
                out.println("revoked " + key.path("id").asText() + " (tenant " + key.path("tenant").asText() + ")");
                out.flush();
                return 0;
            });
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static String text(JsonNode node) {
        return node.isNull() || node.isMissingNode() ? null : node.asText();
    }

    private static String time(JsonNode epochSeconds) {
        return epochSeconds.isNull() || epochSeconds.isMissingNode() ? null : Instant.ofEpochSecond(epochSeconds.asLong()).toString();
    }
}
