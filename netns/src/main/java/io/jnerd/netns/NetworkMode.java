package io.jnerd.netns;

import java.util.Locale;
import java.util.Map;

/** A container's {@code --net} mode. */
public enum NetworkMode {
    /** The host's network namespace, as docker's {@code --net=host}. */
    HOST("host"),
    /** A network namespace with only {@code lo}. */
    NONE("none"),
    /** A network namespace attached to slirp4netns. */
    SLIRP4NETNS("slirp4netns"),
    /** A network namespace attached to pasta (passt). */
    PASTA("pasta"),
    /** The slirp4netns namespace plus the seccomp socket switcher. */
    BYPASS4NETNS("bypass4netns");

    /** nerdctl's annotation (and, in older nerdctl, label) that asks for bypass4netns. */
    public static final String NERDCTL_BYPASS_KEY = "nerdctl/bypass4netns";

    private final String flagValue;

    NetworkMode(String flagValue) {
        this.flagValue = flagValue;
    }

    /** The spelling of {@code --net}. */
    public String flagValue() {
        return flagValue;
    }

    /** True when the container gets its own network namespace with a user-mode network driver. */
    public boolean needsDriver() {
        return this == SLIRP4NETNS || this == PASTA || this == BYPASS4NETNS;
    }

    /** @throws IllegalArgumentException one line naming the value and the accepted ones */
    public static NetworkMode parse(String value) {
        String v = value.toLowerCase(Locale.ROOT);
        for (NetworkMode mode : values()) {
            if (mode.flagValue.equals(v)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("unknown network mode \"" + value
                + "\": use host, none, slirp4netns, pasta or bypass4netns");
    }

    /**
     * The mode of a container from its {@code --net} value (null: not given), its annotations
     * and its labels: nerdctl asks for bypass4netns with {@code nerdctl/bypass4netns=true} as
     * an annotation (a label in nerdctl before 1.0), on top of slirp4netns.
     */
    public static NetworkMode resolve(String netFlag, Map<String, String> annotations, Map<String, String> labels) {
        NetworkMode flagged = netFlag == null ? SLIRP4NETNS : parse(netFlag);
        boolean nerdctlBypass = nerdctlBool(annotations, "annotation") || nerdctlBool(labels, "label");
        if (!nerdctlBypass) {
            return flagged;
        }
        if (flagged != SLIRP4NETNS && flagged != BYPASS4NETNS) {
            throw new IllegalArgumentException(NERDCTL_BYPASS_KEY + " needs --net=slirp4netns (or bypass4netns), not --net="
                    + flagged.flagValue);
        }
        return BYPASS4NETNS;
    }

    /** Go's strconv.ParseBool, which nerdctl applies to the value. */
    private static boolean nerdctlBool(Map<String, String> values, String kind) {
        String v = values.get(NERDCTL_BYPASS_KEY);
        if (v == null) {
            return false;
        }
        switch (v) {
            case "1": case "t": case "T": case "true": case "TRUE": case "True":
                return true;
            case "0": case "f": case "F": case "false": case "FALSE": case "False":
                return false;
            default:
                throw new IllegalArgumentException("invalid " + kind + " " + NERDCTL_BYPASS_KEY + "=" + v
                        + ": expected true or false");
        }
    }
}
