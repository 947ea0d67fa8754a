package dev.railyard.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code railyard cancel ID}: {@code POST /v1/batches/{id}/cancel}. */
@Command(name = "cancel", mixinStandardHelpOptions = true,
        description = "Cancels a batch: jobs not started yet end cancelled, running ones finish (POST /v1/batches/{id}/cancel).")
final class CancelCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "ID", description = "The batch id (batch_…).")
    String id;

    @Mixin
    ApiOptions api;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        return api.call(spec.commandLine().getErr(), client -> {
            JsonNode batch = client.post("/v1/batches/" + URLEncoder.encode(id, StandardCharsets.UTF_8) + "/cancel",
                    new ObjectMapper().createObjectNode());
            out.println("batch " + batch.path("id").asText() + ": " + batch.path("status").asText());
            out.flush();
            return 0;
        });
    }
}
