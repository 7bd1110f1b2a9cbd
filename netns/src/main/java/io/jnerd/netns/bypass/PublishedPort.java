package io.jnerd.netns.bypass;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Locale;

/**
 * One {@code -p [HOSTIP:]HOSTPORT:CONTAINERPORT[/PROTO]} as the bypass needs it: a bind to
 * {@code containerPort} inside the container becomes a bind to {@code hostIp:hostPort} on
 * the host. {@code hostIp} null means every host address (the wildcard).
 */
public record PublishedPort(String protocol, InetAddress hostIp, int hostPort, int containerPort) {

    public PublishedPort {
        protocol = protocol.toLowerCase(Locale.ROOT);
        if (!protocol.equals("tcp") && !protocol.equals("udp")) {
            throw new IllegalArgumentException("published port protocol must be tcp or udp, was " + protocol);
        }
        checkPort("host port", hostPort);
        checkPort("container port", containerPort);
        if (hostIp != null && hostIp.isAnyLocalAddress()) {
            hostIp = null;
        }
    }

    /** Whether a socket of {@code kind} carries this mapping's protocol. */
    public boolean carries(SocketKind kind) {
        return protocol.equals("tcp") ? kind.isTcp() : kind.isUdp();
    }

    /** Whether a socket of {@code family} can bind {@link #hostIp()} (IPv4 fits AF_INET6 as v4-mapped). */
    public boolean fitsFamily(int family) {
        return hostIp == null || family == SocketKind.AF_INET6 || hostIp instanceof Inet4Address;
    }

    @Override
    public String toString() {
        return (hostIp == null ? "" : hostIp.getHostAddress() + ":") + hostPort + ":" + containerPort + "/" + protocol;
    }

    private static void checkPort(String what, int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(what + " must be 1-65535, was " + port);
        }
    }
}
