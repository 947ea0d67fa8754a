package dev.railyard.launcher;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code railyard run FILE}: process one batch end to end and exit. */
@Command(name = "run", description = "Process a batch (OpenAI batch JSONL) end to end: embedded Kafka and PostgreSQL, "
        + "the simulator for providers without API keys, output and error files, a summary.")
final class RunCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "OpenAI batch input JSONL.")
    Path input;

    @Option(names = "--out", description = "Directory for FILE.output.jsonl and FILE.errors.jsonl (default: beside FILE).")
    Path outDir;

    @Option(names = "--timeout", defaultValue = "PT30M", description = "Give up after this long (ISO-8601, default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Mixin
    InfraOptions infra;

    @Override
    public Integer call() throws IOException {
        if (!Files.isRegularFile(input)) {
            System.err.println("railyard: no such file: " + input);
            return 2;
        }
        byte[] jsonl = Files.readAllBytes(input);
        String stem = input.getFileName().toString().replaceFirst("\\.jsonl?$", "");
        Path dir = outDir != null ? outDir : input.toAbsolutePath().getParent();
        Path output = dir.resolve(stem + ".output.jsonl");
        Path errors = dir.resolve(stem + ".errors.jsonl");
        System.out.println("railyard: starting (data in " + infra.dataDir + ")…");
        try (Platform platform = Platform.start(infra.settings())) {
            System.out.println("railyard: API " + platform.apiBaseUrl() + ", Kafka " + platform.infrastructure().bootstrapServers()
                    + (platform.simulator() != null ? ", simulated providers at " + platform.simulator().baseUrl() : ""));
            BatchRun.Outcome outcome;
            ProgressBar[] bar = new ProgressBar[1];
            try {
                // Needed only once API keys exist in this data dir's database (docs/auth.md).
                outcome = new BatchRun(new RailyardClient(platform.apiBaseUrl(), System.getenv("RAILYARD_API_KEY"))).run(jsonl, output, errors, timeout, n -> {
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
            printSummary(platform, outcome);
            return outcome.finished() ? 0 : 1;
        } catch (RailyardClient.ApiException e) {
            System.err.println("railyard: " + e.getMessage());
            return 1;
        }
    }

    private static void printSummary(Platform platform, BatchRun.Outcome o) {
        System.out.println();
        System.out.printf("batch %s: %s in %.1f s%n", o.batchId(), o.status(), o.wallTime().toMillis() / 1000.0);
        System.out.printf("  jobs: %d total, %d succeeded, %d failed%n", o.total(), o.completed(), o.failed());
        try (Connection c = platform.dataSource().getConnection();
             PreparedStatement st = c.prepareStatement(
                     "select model, count(*), coalesce(sum(cost), 0) from spend_ledger where batch_id = ? group by model order by model")) {
            st.setString(1, o.batchId());
            BigDecimal total = BigDecimal.ZERO;
            System.out.println("  spend by model:");
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    BigDecimal cost = rs.getBigDecimal(3);
                    total = total.add(cost);
                    System.out.printf("    %-26s %6d calls  $%s%n", rs.getString(1), rs.getLong(2), money(cost));
                }
            }
            System.out.printf("    %-26s %12s  $%s%n", "total", "", money(total));
        } catch (SQLException e) {
            System.out.println("  spend: unavailable (" + e.getMessage() + ")");
        }
        System.out.println("  output: " + o.output());
        System.out.println("  errors: " + o.errors());
        if (!o.finished()) {
            System.out.println("  NOT FINISHED: some lines had not reached a terminal state before the timeout");
        }
    }

    private static String money(BigDecimal cost) {
        return cost.setScale(6, RoundingMode.HALF_EVEN).toPlainString();
    }
}
