package io.jnerd.cli.demo;

import java.io.PrintStream;
import java.util.Map;

/**
 * The demo's figures: each path's throughput (or why it failed), then bypass4netns against
 * the host's own path — the stable figure, near 1 when the bypass works — and against
 * slirp4netns, which swings with slirp4netns itself.
 */
final class DemoReport {
    static final String HOST = "host";
    static final String SLIRP = "slirp4netns";
    static final String BYPASS = "bypass4netns";
    static final String[] PATHS = {HOST, SLIRP, BYPASS};

    private DemoReport() {}

    /** Prints the report; 0 when every path was measured, else 1. */
    static int print(PrintStream out, Map<String, Double> bitsPerSecond, Map<String, String> failures) {
        for (String path : PATHS) {
            if (bitsPerSecond.containsKey(path)) {
                out.printf("%-13s %8.2f Gbit/s%n", path + ":", bitsPerSecond.get(path) / 1e9);
            } else {
                out.printf("%-13s failed: %s%n", path + ":", failures.getOrDefault(path, "not measured"));
            }
        }
        Double bypass = bitsPerSecond.get(BYPASS);
        if (bypass != null && bitsPerSecond.containsKey(HOST)) {
            out.printf("ratio bypass4netns / host: %.2f%n", bypass / bitsPerSecond.get(HOST));
        }
        if (bypass != null && bitsPerSecond.containsKey(SLIRP)) {
            out.printf("ratio bypass4netns / slirp4netns: %.1f%n", bypass / bitsPerSecond.get(SLIRP));
        }
        return bitsPerSecond.size() == PATHS.length ? 0 : 1;
    }
}
