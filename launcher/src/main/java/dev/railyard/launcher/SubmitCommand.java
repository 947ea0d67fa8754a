package dev.railyard.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code railyard submit FILE [--wait]}: a batch for a running platform, the OpenAI way (upload the file, create the batch). */
@Command(name = "submit", mixinStandardHelpOptions = true,
        description = "Submits a batch (OpenAI batch JSONL) to a running platform: POST /v1/files, then POST /v1/batches."
                + " Prints the batch id; with --wait, shows progress and downloads the output and error files.")
final class SubmitCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Parameters(index = "0", paramLabel = "FILE", description = "OpenAI batch input JSONL.")
    Path input;

    @Option(names = "--wait", description = "Wait until the batch is terminal, then download FILE.output.jsonl and FILE.errors.jsonl.")
    boolean await;

    @Option(names = "--out", description = "Directory for the downloaded files (default: beside FILE).")
    Path outDir;

    @Option(names = "--endpoint", defaultValue = "/v1/chat/completions",
            description = "The endpoint of every line (default: ${DEFAULT-VALUE}).")
    String endpoint;

    @Option(names = "--completion-window", defaultValue = "24h", description = "The batch's completion window (default: ${DEFAULT-VALUE}).")
    String completionWindow;

    @Option(names = "--timeout", defaultValue = "PT24H", description = "With --wait: give up waiting after this long (ISO-8601).")
    Duration timeout;

    @Mixin
    ApiOptions api;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!Files.isRegularFile(input)) {
            err.println("railyard: no such file: " + input);
            err.flush();
            return 2;
        }
        return api.call(err, client -> {
            JsonNode file = client.uploadFile(input, "batch");
            ObjectNode create = JSON.createObjectNode().put("input_file_id", file.path("id").asText())
                    .put("endpoint", endpoint).put("completion_window", completionWindow);
            JsonNode batch = client.post("/v1/batches", create);
            out.println(batch.path("id").asText());
            out.flush();
            return await ? follow(client, batch, out) : 0;
        });
    }

    private int follow(RailyardClient client, JsonNode batch, PrintWriter out) {
        String stem = input.getFileName().toString().replaceFirst("\\.jsonl?$", "");
        Path dir = outDir != null ? outDir : input.toAbsolutePath().getParent();
        ProgressBar[] bar = new ProgressBar[1];
        BatchRun.Outcome o;
        try {
            o = new BatchRun(client).follow(batch, dir.resolve(stem + ".output.jsonl"), dir.resolve(stem + ".errors.jsonl"), timeout, n -> {
                if (n < 0) {
                    bar[0] = new ProgressBarBuilder().setTaskName("jobs").setInitialMax(-n)
                            .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).build();
                } else if (bar[0] != null) {
                    bar[0].stepTo(n);
                }
            });
        } finally {
            if (bar[0] != null) {
                bar[0].close();
            }
        }
        out.printf("batch %s: %s in %.1f s (%d total, %d succeeded, %d failed)%n", o.batchId(), o.status(),
                o.wallTime().toMillis() / 1000.0, o.total(), o.completed(), o.failed());
        out.println("output: " + o.output());
        out.println("errors: " + o.errors());
        if (!o.finished()) {
            out.println("NOT FINISHED: the batch was not terminal before --timeout; `railyard status " + o.batchId() + "` follows it");
        }
        out.flush();
        return "completed".equals(o.status()) ? 0 : 1;
    }
}
