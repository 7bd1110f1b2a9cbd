package io.jnerd.bench.macro;

import java.util.Locale;

/** Where a workload's container side runs; see docs/benchmarks.md for what each one means. */
public enum Mode {
    /** A plain host process: the baseline every ratio is taken against. */
    HOST("host", false),
    /** Rootful reference: a network namespace with a veth pair, no user-mode stack. */
    VETH("veth", false),
    SLIRP4NETNS("slirp4netns", true),
    PASTA("pasta", true),
    BYPASS4NETNS("bypass4netns", true);

    private final String label;
    private final boolean rootless;

    Mode(String label, boolean rootless) {
        this.label = label;
        this.rootless = rootless;
    }

    public String label() {
        return label;
    }

    /** Runs as {@code jnerd run --net=LABEL} of an unprivileged user. */
    public boolean rootless() {
        return rootless;
    }

    public static Mode parse(String s) {
        for (Mode m : values()) {
            if (m.label.equals(s.toLowerCase(Locale.ROOT))) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown mode '" + s + "' (host, veth, slirp4netns, pasta, bypass4netns)");
    }
}
