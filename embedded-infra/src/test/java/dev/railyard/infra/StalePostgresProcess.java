package dev.railyard.infra;

import java.nio.file.Path;

/** Started in a child JVM by a test and killed with SIGKILL, leaving its postmaster behind. */
public final class StalePostgresProcess {
    private StalePostgresProcess() {
    }

    public static void main(String[] args) throws InterruptedException {
        EmbeddedPostgresServer.start(Path.of(args[0]), 0);
        System.out.println("ready");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
