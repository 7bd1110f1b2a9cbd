package io.jnerd.bench.macro;

import java.util.Locale;

/** Number formatting shared by the Markdown table, the terminal and the chart. */
final class Numbers {
    private Numbers() {}

    /** Three significant figures at most, no exponent: 15.7, 0.352, 20700. */
    static String value(double v) {
        double a = Math.abs(v);
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (a >= 1) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, "%.3f", v);
    }

    static String ratio(double r) {
        return String.format(Locale.ROOT, "%.2f×", r);
    }
}
