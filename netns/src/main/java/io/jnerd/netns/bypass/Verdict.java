package io.jnerd.netns.bypass;

/**
 * What the rules decided for one intercepted call, with the reason kept for the debug log
 * and the stats. Only {@link #SWITCH} replaces the socket; every other verdict leaves the
 * call to the container's own network namespace.
 */
public enum Verdict {
    SWITCH("switched to a host socket"),
    LOOPBACK("destination is loopback or unspecified (the local host)"),
    LINK_LOCAL("destination is link-local (its scope is a container interface)"),
    NOT_UNICAST("destination is multicast or broadcast"),
    CONTAINER_SUBNET("destination is in the container's own subnet"),
    IGNORED_CIDR("destination is in an ignored CIDR"),
    NOT_INET("socket is not AF_INET or AF_INET6"),
    NOT_TCP_OR_UDP("socket is neither TCP nor UDP (raw, ICMP, SCTP, ...)"),
    DISCONNECT("AF_UNSPEC connect dissolves an association"),
    FAMILY_MISMATCH("address family differs from the socket's (the kernel rejects it)"),
    BAD_ADDRESS("address too short for its family (the kernel rejects it)"),
    ALREADY_BOUND("socket already bound to a container address or port"),
    NOT_PUBLISHED("port is not published"),
    LOOPBACK_BIND("bind to loopback stays private to the container"),
    SENDS_NOT_GUARDED("UDP stays in the container: its filter does not notify sends, which a switched UDP socket"
            + " could aim at the host's loopback"),
    SOCKETCALL_NOT_GUARDED("stays in the container: its filter lets the i386 socketcall run unseen, which could"
            + " re-aim a switched socket at the host's loopback");

    private final String reason;

    Verdict(String reason) {
        this.reason = reason;
    }

    public boolean switches() {
        return this == SWITCH;
    }

    public String reason() {
        return reason;
    }
}
