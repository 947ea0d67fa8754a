package dev.railyard.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.function.BiConsumer;
import java.util.function.ToIntFunction;
import picocli.CommandLine.Option;

/** Where the commands that read a running platform find its API. */
final class ApiOptions {
    @Option(names = "--api", defaultValue = "${env:RAILYARD_API:-http://127.0.0.1:8080}",
            description = "Base URL of a running Railyard API (`railyard up`; default: ${DEFAULT-VALUE}).")
    String api;

    @Option(names = "--api-key", defaultValue = "${env:RAILYARD_API_KEY}",
            description = "API key sent as 'Authorization: Bearer' (env RAILYARD_API_KEY); not needed while the API is open.")
    String apiKey;

    RailyardClient client() {
        return new RailyardClient(api.endsWith("/") ? api.substring(0, api.length() - 1) : api, apiKey);
    }

    /** GETs {@code path} and prints the answer: its JSON with {@code --json}, else as {@code table} prints it. */
    int show(PrintWriter out, PrintWriter err, String path, boolean json, BiConsumer<JsonNode, PrintWriter> table) {
        return call(err, client -> {
            JsonNode body = client.get(path);
            if (json) {
                out.println(body.toPrettyString());
            } else {
                table.accept(body, out);
            }
            out.flush();
            return 0;
        });
    }

    /** Runs {@code read} against the API; an error answer or an unreachable API goes to {@code err}, exit code 1. */
    int call(PrintWriter err, ToIntFunction<RailyardClient> read) {
        try {
            return read.applyAsInt(client());
        } catch (RailyardClient.ApiException e) {
            err.println("railyard: " + e.getMessage());
            return 1;
        } catch (UncheckedIOException e) {
            err.println("railyard: cannot reach the API at " + api + " (" + e.getCause() + "); is `railyard up` running?");
            return 1;
        } finally {
            err.flush();
        }
    }
}
