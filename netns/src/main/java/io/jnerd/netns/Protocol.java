package io.jnerd.netns;

import java.util.Locale;

/** Transport protocol of a published port. */
public enum Protocol {
    TCP, UDP;

    /** "tcp" or "udp", case-insensitive. */
    public static Protocol parse(String text) {
        switch (text.toLowerCase(Locale.ROOT)) {
            case "tcp":
                return TCP;
            case "udp":
                return UDP;
            case "sctp":
                throw new IllegalArgumentException("protocol \"sctp\" is not supported: use tcp or udp");
            default:
                throw new IllegalArgumentException("unknown protocol \"" + text + "\": use tcp or udp");
        }
    }

    /** The lower-case name, as docker, slirp4netns and bypass4netnsd write it. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
