package dev.railyard.launcher;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code railyard} command line. */
@Command(name = "railyard", mixinStandardHelpOptions = true, version = "railyard 0.1.0",
        description = "Asynchronous LLM job processing on Kafka and PostgreSQL.",
        subcommands = {RunCommand.class, UpCommand.class, SimulateCommand.class, SpendCommand.class, BudgetCommand.class,
                EstimateCommand.class, KeysCommand.class, SubmitCommand.class, StatusCommand.class, ResultsCommand.class,
                CancelCommand.class, DlqCommand.class, ServiceCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
