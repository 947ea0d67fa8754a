package dev.railyard.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code railyard results ID}: a batch's output (or error) file, or a job's response body. */
@Command(name = "results", mixinStandardHelpOptions = true,
        description = "A batch's output file (GET /v1/batches/{id}/output; --errors: its error file), or a job's response body.")
final class ResultsCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "ID", description = "A batch id (batch_…) or a job id (job_…).")
    String id;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write here (default: standard output).")
    Path file;

    @Option(names = "--errors", description = "The batch's error file, or the job's error, instead.")
    boolean errors;

    @Mixin
    ApiOptions api;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        return api.call(err, client -> {
            String encoded = URLEncoder.encode(id, StandardCharsets.UTF_8);
            if (StatusCommand.isJob(id)) {
                JsonNode job = client.get("/v1/jobs/" + encoded);
                JsonNode body = job.path(errors ? "error" : "response");
                if (body.isMissingNode()) {
                    err.println("railyard: job " + id + " is " + job.path("status").asText() + " and has no "
                            + (errors ? "error" : "response") + (errors ? "" : "; try --errors"));
                    err.flush();
                    return 1;
                }
                write(body.toString() + "\n", out);
                return 0;
            }
            return download(client, "/v1/batches/" + encoded + (errors ? "/errors" : "/output"), out, err);
        });
    }

    private int download(RailyardClient client, String path, PrintWriter out, PrintWriter err) {
        try {
            Path target = file != null ? file : Files.createTempFile("railyard-results", ".jsonl");
            try {
                int status = client.download(path, target);
                if (status >= 300) {
                    err.println("railyard: GET " + path + " failed: HTTP " + status + " " + Files.readString(target));
                    err.flush();
                    Files.deleteIfExists(target);
                    return 1;
                }
                if (file == null) {
                    out.print(Files.readString(target));
                    out.flush();
                } else {
                    out.println("wrote " + file + " (" + lines(target) + " lines)");
                    out.flush();
                }
                return 0;
            } finally {
                if (file == null) {
                    Files.deleteIfExists(target);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void write(String text, PrintWriter out) {
        if (file == null) {
            out.print(text);
            out.flush();
            return;
        }
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.println("wrote " + file);
        out.flush();
    }

    private static long lines(Path file) throws IOException {
        try (var lines = Files.lines(file)) {
            return lines.count();
        }
    }
}
