package io.jnerd.bench.macro;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;

/**
 * One bench run's choices, from the command line.
 *
 * @param target    servers the user runs (iperf3 -s on 5201, a TCP acceptor on 5300, redis on
 *                  6379) instead of the test host bench creates as root; null: the test host
 * @param jnerd     the launcher the rootless modes run ({@code jnerd run}) as the rootless user
 */
public record BenchSettings(List<Mode> modes, List<Workload> workloads, int repeats, int seconds, boolean quick,
        Path resultsDir, String jnerd, String rootlessUser, InetAddress target, String commandLine) {

    public BenchSettings {
        modes = List.copyOf(modes);
        workloads = List.copyOf(workloads);
        if (repeats < 1) {
            throw new IllegalArgumentException("--repeats must be at least 1, not " + repeats);
        }
        if (seconds < 1) {
            throw new IllegalArgumentException("--duration must be at least 1 second, not " + seconds);
        }
        if (modes.isEmpty() || workloads.isEmpty()) {
            throw new IllegalArgumentException("nothing to run: give at least one mode and one workload");
        }
    }

    int redisRequests() {
        return quick ? 20_000 : 100_000;
    }

    /** Issue 17 measured 7 pairs; --quick keeps 3 (each pair is two JVM starts). */
    int cliPairs() {
        return quick ? 3 : 7;
    }

    /**
     * Uncounted seconds of the connect loop before each timed one: a bypass agent inside the
     * {@code jnerd run} JVM compiles its path meanwhile (a cold agent ran at 0.72× a warm one
     * over its first 4 s in the reference harness; docs/benchmarks.md).
     */
    int connectWarmupSeconds() {
        return quick ? 1 : 3;
    }

    int startsPerSample() {
        return quick ? 1 : 3;
    }
}
