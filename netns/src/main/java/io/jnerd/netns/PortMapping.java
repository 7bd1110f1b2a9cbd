package io.jnerd.netns;

import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * One published port: host {@code hostIp:hostPort} forwards to {@code containerPort} inside
 * the container. {@code hostPort} 0 means "any free port", chosen when the port is published;
 * an empty {@code hostIp} means all host addresses.
 */
public final class PortMapping {

    private final InetAddress hostIp;
    private final int hostPort;
    private final int containerPort;
    private final Protocol protocol;

    public PortMapping(InetAddress hostIp, int hostPort, int containerPort, Protocol protocol) {
        if (hostPort < 0 || hostPort > 65535) {
            throw new IllegalArgumentException("host port " + hostPort + " is not in 0..65535");
        }
        if (containerPort < 1 || containerPort > 65535) {
            throw new IllegalArgumentException("container port " + containerPort + " is not in 1..65535");
        }
        this.hostIp = hostIp;
        this.hostPort = hostPort;
        this.containerPort = containerPort;
        this.protocol = Objects.requireNonNull(protocol, "protocol");
    }

    public Optional<InetAddress> hostIp() {
        return Optional.ofNullable(hostIp);
    }

    public int hostPort() {
        return hostPort;
    }

    public int containerPort() {
        return containerPort;
    }

    public Protocol protocol() {
        return protocol;
    }

    /** The same mapping with a concrete host port (after "any free port" was resolved). */
    public PortMapping withHostPort(int port) {
        return new PortMapping(hostIp, port, containerPort, protocol);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof PortMapping)) {
            return false;
        }
        PortMapping p = (PortMapping) o;
        return hostPort == p.hostPort && containerPort == p.containerPort && protocol == p.protocol
                && Objects.equals(hostIp, p.hostIp);
    }

    @Override
    public int hashCode() {
        return Objects.hash(hostIp, hostPort, containerPort, protocol);
    }

    /** docker's spelling: {@code 127.0.0.1:8080:80/tcp}, {@code [::1]:8080:80/udp}, {@code 8080:80/tcp}. */
    @Override
    public String toString() {
        String host = hostIp == null ? ""
                : (hostIp.getAddress().length == 16 ? "[" + IpLiteral.format(hostIp) + "]" : IpLiteral.format(hostIp)) + ":";
        return host + hostPort + ":" + containerPort + "/" + protocol.wireName();
    }
}
