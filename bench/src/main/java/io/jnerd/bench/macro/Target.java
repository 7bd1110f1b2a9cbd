package io.jnerd.bench.macro;

import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * A goal of issues 6, 8 and 20, checked against the ratios of one run: median of {@code mode}
 * over median of {@code baseline} must be at least {@code minRatio}. Printed next to the
 * table as PASS / FAIL / n/a; a benchmark never fails the build.
 */
public record Target(Metric metric, Mode mode, Mode baseline, double minRatio, String goal) {

    public static final List<Target> ISSUE_TARGETS = List.of(
            new Target(Metric.IPERF_TCP_OUT, Mode.BYPASS4NETNS, Mode.HOST, 0.9, "≥ 0.9× host throughput"),
            new Target(Metric.IPERF_TCP_IN, Mode.BYPASS4NETNS, Mode.HOST, 0.9, "≥ 0.9× host throughput"),
            new Target(Metric.IPERF_TCP_OUT, Mode.BYPASS4NETNS, Mode.SLIRP4NETNS, 4, "≥ 4× slirp4netns throughput"),
            new Target(Metric.IPERF_TCP_IN, Mode.BYPASS4NETNS, Mode.SLIRP4NETNS, 4, "≥ 4× slirp4netns throughput"),
            // Issue 20 restated issue 6's 0.5× against what a C agent of the same design
            // reaches here (0.35–0.43×).
            new Target(Metric.CONNECT_RATE, Mode.BYPASS4NETNS, Mode.HOST, 0.4, "≥ 0.40× host connect rate"),
            new Target(Metric.CONNECT_RATE, Mode.BYPASS4NETNS, Mode.SLIRP4NETNS, 5, "≥ 5× slirp4netns connect rate"),
            new Target(Metric.CONNECT_NERDCTL_RATE, Mode.BYPASS4NETNS, Mode.HOST, 0.25,
                    "≥ 0.25× host connect rate under nerdctl's profile"),
            new Target(Metric.REDIS_SERVER_IN, Mode.BYPASS4NETNS, Mode.HOST, 0.8, "≥ 0.8× host requests/s"),
            new Target(Metric.REDIS_CLIENT_IN, Mode.BYPASS4NETNS, Mode.HOST, 0.8, "≥ 0.8× host requests/s"),
            // Issue 6: "the same speed with and without bypass (≤ 1.05×)": slirp4netns has
            // no seccomp notification at all, so it is the "without".
            new Target(Metric.SOCKOPT_LOOP, Mode.BYPASS4NETNS, Mode.SLIRP4NETNS, 1 / 1.05, "≤ 1.05× slower than without bypass"));

    public enum Verdict { PASS, FAIL, NOT_MEASURED }

    public Verdict verdict(BenchResults results) {
        OptionalDouble r = results.ratio(metric, mode, baseline);
        if (r.isEmpty()) {
            return Verdict.NOT_MEASURED;
        }
        return r.getAsDouble() >= minRatio ? Verdict.PASS : Verdict.FAIL;
    }

    /** "PASS  iperf3 TCP container→test host: bypass4netns/host = 0.95 (≥ 0.9× host throughput)". */
    public String line(BenchResults results) {
        OptionalDouble r = results.ratio(metric, mode, baseline);
        String ratio = r.isPresent() ? String.format(Locale.ROOT, "%.2f", r.getAsDouble()) : "not measured";
        String verdict = switch (verdict(results)) {
            case PASS -> "PASS";
            case FAIL -> "FAIL";
            case NOT_MEASURED -> "n/a ";
        };
        return verdict + "  " + metric.title() + ": " + mode.label() + "/" + baseline.label() + " = " + ratio
                + " (" + goal + ")";
    }
}
