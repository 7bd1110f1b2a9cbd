package io.jnerd.bench.macro;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The samples of one metric in one mode (one per repeat), with min, median and max. */
public final class Series {
    private final Metric metric;
    private final Mode mode;
    private final List<Double> samples = new ArrayList<>();

    public Series(Metric metric, Mode mode) {
        this.metric = metric;
        this.mode = mode;
    }

    public Metric metric() {
        return metric;
    }

    public Mode mode() {
        return mode;
    }

    public void add(double sample) {
        if (!(sample >= 0) || Double.isInfinite(sample)) {
            throw new IllegalArgumentException(metric.id() + " in " + mode.label() + ": bad sample " + sample);
        }
        samples.add(sample);
    }

    public List<Double> samples() {
        return Collections.unmodifiableList(samples);
    }

    public boolean isEmpty() {
        return samples.isEmpty();
    }

    public double min() {
        return sorted().get(0);
    }

    public double max() {
        List<Double> s = sorted();
        return s.get(s.size() - 1);
    }

    /** The middle sample; with an even count, the mean of the two middle ones. */
    public double median() {
        return median(sorted());
    }

    /** The median of a non-empty sorted list. */
    static double median(List<Double> sorted) {
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private List<Double> sorted() {
        if (samples.isEmpty()) {
            throw new IllegalStateException(metric.id() + " in " + mode.label() + " has no samples");
        }
        List<Double> s = new ArrayList<>(samples);
        Collections.sort(s);
        return s;
    }
}
