package dev.railyard.bench.simulator;

import java.util.ArrayList;
import java.util.List;

/**
 * Parameters of {@code bench/run simulator}: {@code --connections C --rate R --warmup-s W --seconds S --rounds R
 * --system-prompt --child-opt OPT}.
 *
 * @param connections  keep-alive HTTP/1.1 connections, each with one request outstanding at a time
 * @param rate         requests a second to send, at most; 0: as many as the simulator answers (each answer sends
 *                     the next request). CPU per request falls as the load rises (more requests per wake-up of an
 *                     event loop), so builds are compared at one rate
 * @param warmupS      seconds of load before measuring, so the simulator's JIT has compiled the request path
 * @param seconds      length of one measured round
 * @param rounds       measured rounds, printed each and as their median
 * @param systemPrompt every request also carries one system message shared by all of them (a batch's system prompt)
 * @param childOptions extra JVM options of the simulator's JVM, e.g. {@code -XX:StartFlightRecording=filename=sim.jfr}
 */
record SimulatorLoadArgs(int connections, int rate, int warmupS, int seconds, int rounds, boolean systemPrompt, List<String> childOptions) {
    static final String USAGE = "bench/run simulator [--connections C] [--rate R] [--warmup-s W] [--seconds S] [--rounds R] [--system-prompt]"
            + " [--child-opt JVM_OPTION]...";

    SimulatorLoadArgs {
        if (connections < 1 || rate < 0 || warmupS < 0 || seconds < 1 || rounds < 1) {
            throw new IllegalArgumentException("connections, seconds and rounds must be positive; usage: " + USAGE);
        }
        childOptions = List.copyOf(childOptions);
    }

    static SimulatorLoadArgs parse(String[] args) {
        int connections = 200;
        int rate = 0;
        int warmup = 15;
        int seconds = 10;
        int rounds = 3;
        boolean system = false;
        List<String> child = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--system-prompt")) {
                system = true;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + args[i] + " lacks its value; usage: " + USAGE);
            }
            String v = args[++i];
            switch (args[i - 1]) {
                case "--connections" -> connections = Integer.parseInt(v);
                case "--rate" -> rate = Integer.parseInt(v);
                case "--warmup-s" -> warmup = Integer.parseInt(v);
                case "--seconds" -> seconds = Integer.parseInt(v);
                case "--rounds" -> rounds = Integer.parseInt(v);
                case "--child-opt" -> child.add(v);
                default -> throw new IllegalArgumentException("unknown option " + args[i - 1] + "; usage: " + USAGE);
            }
        }
        return new SimulatorLoadArgs(connections, rate, warmup, seconds, rounds, system, child);
    }
}
