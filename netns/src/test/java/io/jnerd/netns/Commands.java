package io.jnerd.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Short commands for tests: output and exit status. */
public final class Commands {

    private Commands() {}

    public record Result(int status, String output) {}

    public static Result run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + ": timed out");
        }
        return new Result(p.exitValue(), out);
    }

    /** Runs and asserts exit status 0; returns the output. */
    public static String ok(String... cmd) throws IOException, InterruptedException {
        Result r = run(cmd);
        assertEquals(0, r.status(), () -> String.join(" ", cmd) + ": " + r.output());
        return r.output();
    }

    /** True when running as root (the privileged tier). */
    public static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** Processes whose command line mentions {@code text}, other than this JVM. */
    public static List<ProcessHandle> processesMentioning(String text) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.pid() != ProcessHandle.current().pid())
                .filter(p -> p.info().commandLine().map(c -> c.contains(text)).orElse(false))
                .collect(java.util.stream.Collectors.toList());
    }
}
