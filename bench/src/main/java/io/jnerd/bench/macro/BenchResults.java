package io.jnerd.bench.macro;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Everything one {@code jnerd bench} run measured, and why a mode or workload has no
 * numbers. Ratios are only ever taken between series of this object: the same run.
 */
public final class BenchResults {
    private final List<Mode> modes;
    private final Map<Metric, Map<Mode, Series>> series = new EnumMap<>(Metric.class);
    private final Map<String, String> notes = new LinkedHashMap<>();
    private final Map<String, String> environment = new LinkedHashMap<>();

    public BenchResults(List<Mode> modes) {
        this.modes = List.copyOf(modes);
    }

    /** The modes asked for, in table order (skipped ones included). */
    public List<Mode> modes() {
        return modes;
    }

    public void add(Metric metric, Mode mode, double sample) {
        series.computeIfAbsent(metric, m -> new EnumMap<>(Mode.class))
                .computeIfAbsent(mode, m -> new Series(metric, m))
                .add(sample);
    }

    public Optional<Series> series(Metric metric, Mode mode) {
        Series s = series.getOrDefault(metric, Map.of()).get(mode);
        return s == null || s.isEmpty() ? Optional.empty() : Optional.of(s);
    }

    /** The metrics that have at least one sample, in declaration order. */
    public List<Metric> metrics() {
        List<Metric> out = new ArrayList<>();
        for (Metric m : Metric.values()) {
            if (series.containsKey(m)) {
                out.add(m);
            }
        }
        return out;
    }

    /** median(mode) / median(baseline), when both were measured (and the baseline is not 0). */
    public OptionalDouble ratio(Metric metric, Mode mode, Mode baseline) {
        Optional<Series> a = series(metric, mode);
        Optional<Series> b = series(metric, baseline);
        if (a.isEmpty() || b.isEmpty() || b.get().median() == 0) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(a.get().median() / b.get().median());
    }

    /** Why a whole mode has no numbers ("skipped: not root"). */
    public void skipMode(Mode mode, String reason) {
        notes.put(mode.label(), reason);
    }

    /** Why one workload has no numbers in one mode ("failed: ...", "skipped: ..."). */
    public void note(String workload, Mode mode, String reason) {
        notes.put(mode.label() + "/" + workload, reason);
    }

    public Optional<String> modeNote(Mode mode) {
        return Optional.ofNullable(notes.get(mode.label()));
    }

    /** Keys "MODE" or "MODE/WORKLOAD", in the order they happened. */
    public Map<String, String> notes() {
        return notes;
    }

    public void environment(String key, String value) {
        environment.put(key, value);
    }

    public Map<String, String> environment() {
        return environment;
    }
}
