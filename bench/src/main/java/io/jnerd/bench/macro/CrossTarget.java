package io.jnerd.bench.macro;

import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * A goal that compares two metrics of one run rather than two modes of one metric:
 * without a baseline, median(numerator) / median(denominator) in {@code mode} (issue 17:
 * jnerd's start over ctr's); with one, the ratio to the baseline of the numerator over that
 * of the denominator (issue 20: bypass/host with 4 threads over bypass/host with 1).
 *
 * @param atMost true: the quotient must be at most {@code limit}; false: at least
 */
public record CrossTarget(Metric numerator, Metric denominator, Mode mode, Mode baseline, double limit, boolean atMost,
        String name, String goal) {

    public static final List<CrossTarget> ISSUE_TARGETS = List.of(
            new CrossTarget(Metric.CLI_RUN_JNERD, Metric.CLI_RUN_CTR, Mode.HOST, null, 3, true,
                    "jnerd run / ctr run", "≤ 3× ctr run --rm"),
            new CrossTarget(Metric.CLI_PS_JNERD, Metric.CLI_PS_CTR, Mode.HOST, null, 3, true,
                    "jnerd ps / ctr containers ls", "≤ 3× ctr containers ls"),
            new CrossTarget(Metric.CONNECT_4T_RATE, Metric.CONNECT_4T_SINGLE_RATE, Mode.BYPASS4NETNS, Mode.HOST, 1, false,
                    "connect+close bypass4netns/host, 4 threads over 1 thread", "≥ the single thread's ratio"),
            new CrossTarget(Metric.CLI_RUN_JNERD_WARM, Metric.CLI_RUN_CTR, Mode.HOST, null, 3, true,
                    "jnerd run with cli-server / ctr run", "≤ 3× ctr run --rm"),
            new CrossTarget(Metric.CLI_PS_JNERD_WARM, Metric.CLI_PS_CTR, Mode.HOST, null, 3, true,
                    "jnerd ps with cli-server / ctr containers ls", "≤ 3× ctr containers ls"),
            new CrossTarget(Metric.DOCKER_RUN_NONE, Metric.DOCKER_RUN_CTR, Mode.HOST, null, 1.5, true,
                    "docker run (jnerd daemon) / ctr run", "≤ 1.5× ctr run --rm"),
            new CrossTarget(Metric.DOCKER_PS, Metric.DOCKER_PS_CTR, Mode.HOST, null, 2, true,
                    "docker ps (jnerd daemon) / ctr containers ls", "≤ 2× ctr containers ls"));

    public OptionalDouble quotient(BenchResults results) {
        OptionalDouble a = baseline == null ? median(results, numerator) : results.ratio(numerator, mode, baseline);
        OptionalDouble b = baseline == null ? median(results, denominator) : results.ratio(denominator, mode, baseline);
        if (a.isEmpty() || b.isEmpty() || b.getAsDouble() == 0) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(a.getAsDouble() / b.getAsDouble());
    }

    private OptionalDouble median(BenchResults results, Metric metric) {
        return results.series(metric, mode).map(s -> OptionalDouble.of(s.median())).orElse(OptionalDouble.empty());
    }

    public Target.Verdict verdict(BenchResults results) {
        OptionalDouble q = quotient(results);
        if (q.isEmpty()) {
            return Target.Verdict.NOT_MEASURED;
        }
        return (atMost ? q.getAsDouble() <= limit : q.getAsDouble() >= limit) ? Target.Verdict.PASS : Target.Verdict.FAIL;
    }

    /** "PASS  jnerd run / ctr run (host) = 2.10 (≤ 3× ctr run --rm)". */
    public String line(BenchResults results) {
        OptionalDouble q = quotient(results);
        String value = q.isPresent() ? String.format(Locale.ROOT, "%.2f", q.getAsDouble()) : "not measured";
        String verdict = switch (verdict(results)) {
            case PASS -> "PASS";
            case FAIL -> "FAIL";
            case NOT_MEASURED -> "n/a ";
        };
        return verdict + "  " + name + " (" + mode.label() + ") = " + value + " (" + goal + ")";
    }
}
