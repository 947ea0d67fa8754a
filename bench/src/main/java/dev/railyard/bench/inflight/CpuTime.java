package dev.railyard.bench.inflight;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time from Linux's {@code /proc}, to tell which process (or something else on the machine) used the
 * cores during the steady state. In clock ticks of 1/100 s: USER_HZ is 100 on every mainstream kernel, and
 * only ratios of ticks are printed. Reads as -1 where {@code /proc} is missing.
 */
final class CpuTime {
    private CpuTime() {
    }

    /** User plus system time of a process so far. */
    static long processTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // Fields after the command name, which is in parentheses and may contain spaces.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14 and 15 of the line)
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Busy and total ticks of the whole machine (all cores): {@code [busy, total]}. */
    static long[] machineTicks() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < Math.min(f.length, 9); i++) { // user nice system idle iowait irq softirq steal
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            return new long[]{total - idle, total};
        } catch (IOException | RuntimeException e) {
            return new long[]{-1, -1};
        }
    }
}
