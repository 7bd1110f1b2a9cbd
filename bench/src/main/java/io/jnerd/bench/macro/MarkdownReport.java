package io.jnerd.bench.macro;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * results.md: one table per metric (a row per mode: median, min–max, ratio to host and to
 * slirp4netns), the modes and workloads that have no numbers and why, and the targets.
 */
public final class MarkdownReport {
    private MarkdownReport() {}

    public static String render(BenchResults results) {
        StringBuilder md = new StringBuilder("# jnerd bench results\n\n");
        for (Map.Entry<String, String> e : results.environment().entrySet()) {
            md.append("- ").append(e.getKey()).append(": ").append(e.getValue()).append('\n');
        }
        md.append("\nRatios are medians of this run: mode / host and mode / slirp4netns.\n");
        for (Metric metric : results.metrics()) {
            md.append("\n## ").append(metric.title()).append(" (").append(metric.unit())
                    .append(metric.higherIsBetter() ? ", higher is better" : ", lower is better").append(")\n\n");
            md.append("| mode | median | min – max | samples | vs host | vs slirp4netns |\n");
            md.append("| --- | ---: | ---: | ---: | ---: | ---: |\n");
            for (Mode mode : results.modes()) {
                Optional<Series> s = results.series(metric, mode);
                if (s.isEmpty()) {
                    continue;
                }
                Series series = s.get();
                md.append("| ").append(mode.label())
                        .append(" | ").append(Numbers.value(series.median()))
                        .append(" | ").append(Numbers.value(series.min())).append(" – ").append(Numbers.value(series.max()))
                        .append(" | ").append(series.samples().size())
                        .append(" | ").append(ratio(results, metric, mode, Mode.HOST))
                        .append(" | ").append(ratio(results, metric, mode, Mode.SLIRP4NETNS))
                        .append(" |\n");
            }
        }
        if (!results.notes().isEmpty()) {
            md.append("\n## Not measured\n\n");
            for (Map.Entry<String, String> e : results.notes().entrySet()) {
                md.append("- ").append(e.getKey()).append(": ").append(e.getValue()).append('\n');
            }
        }
        md.append("\n## Targets (issues 6, 8, 16, 17 and 20)\n\n```\n");
        for (Target t : Target.ISSUE_TARGETS) {
            md.append(t.line(results)).append('\n');
        }
        for (CrossTarget t : CrossTarget.ISSUE_TARGETS) {
            md.append(t.line(results)).append('\n');
        }
        md.append("```\n");
        return md.toString();
    }

    private static String ratio(BenchResults results, Metric metric, Mode mode, Mode baseline) {
        OptionalDouble r = results.ratio(metric, mode, baseline);
        return r.isPresent() ? Numbers.ratio(r.getAsDouble()) : "–";
    }
}
