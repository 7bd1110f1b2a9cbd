package io.jnerd.netns.bypass;

import io.jnerd.nativebindings.SockAddr;
import io.jnerd.netns.PortMapping;
import io.jnerd.netns.Protocol;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Published ports under bypass. A container's {@code bind} to a published container port
 * (on the wildcard or a container address) is replaced by a host socket bound to the host
 * port, so listen and accept run on the host socket.
 *
 * <p>After that nothing listens on the port inside the container, yet the container may
 * still connect to its own service (127.0.0.1:80 or its own IP:80). Instead of keeping a
 * forwarder inside the container's namespace, such a connect is switched too and aimed at
 * the host side of the mapping ({@link #selfConnect}): the host's loopback (or the
 * mapping's host IP) on the host port, where the container's own listening socket is. That
 * is the only loopback destination a container reaches through the bypass, and only after
 * its own bind succeeded there. The mark is not undone when the container closes the
 * listener (close is not intercepted); a later self-connect then gets ECONNREFUSED from
 * the free host port, as it would in the container.
 */
public final class BindRules {

    private final List<PortMapping> published;
    private final Set<PortMapping> boundOnHost = ConcurrentHashMap.newKeySet();
    private final Set<Long> publishedSockets = ConcurrentHashMap.newKeySet();

    /** @param published the mappings with their host ports resolved (no port 0) */
    public BindRules(List<PortMapping> published) {
        for (PortMapping p : published) {
            if (p.hostPort() == 0) {
                throw new IllegalArgumentException("published port " + p + ": host port 0 must be resolved to a free port first");
            }
        }
        this.published = List.copyOf(published);
    }

    /** The mapping a bind of {@code kind} to {@code address} publishes, if any. */
    public Optional<PortMapping> forBind(SocketKind kind, Destination address) {
        InetSocketAddress inet = address.inet();
        if (inet == null || !kind.isInet() || kind.family() != address.family()) {
            return Optional.empty();
        }
        InetAddress ip = ConnectRules.unmapped(inet.getAddress());
        if (ip.isLoopbackAddress()) {
            return Optional.empty();
        }
        return find(kind, inet.getPort());
    }

    /** Why {@link #forBind} found nothing, for the log and stats. */
    public Verdict whyNot(Destination address) {
        InetSocketAddress inet = address.inet();
        if (inet != null && ConnectRules.unmapped(inet.getAddress()).isLoopbackAddress()) {
            return Verdict.LOOPBACK_BIND;
        }
        return Verdict.NOT_PUBLISHED;
    }

    /** Where the host socket binds for {@code port}, as a sockaddr for a socket of {@code family}. */
    public Destination hostBindAddress(int family, PortMapping port) {
        InetAddress ip = port.hostIp().filter(a -> !a.isAnyLocalAddress()).orElseGet(() -> wildcard(family));
        return Destination.of(family, new InetSocketAddress(ip, port.hostPort()));
    }

    /**
     * Records that the host socket for {@code port} is bound, so self-connects may go there,
     * and that the socket with {@code socketCookie} (SO_COOKIE) may listen.
     */
    public void markBound(PortMapping port, long socketCookie) {
        boundOnHost.add(port);
        publishedSockets.add(socketCookie);
    }

    /** Whether the host socket with {@code socketCookie} is one bound for a published port. */
    public boolean isPublishedSocket(long socketCookie) {
        return publishedSockets.contains(socketCookie);
    }

    /**
     * A connect from the container to its own published port (a loopback destination or
     * one in its own subnet) goes to the host side of the mapping, once that is bound.
     */
    public Optional<Destination> selfConnect(SocketKind kind, Destination destination) {
        InetSocketAddress inet = destination.inet();
        if (inet == null || kind.family() != destination.family()) {
            return Optional.empty();
        }
        return find(kind, inet.getPort())
                .filter(boundOnHost::contains)
                .map(p -> {
                    InetAddress target = p.hostIp().filter(a -> !a.isAnyLocalAddress())
                            .orElseGet(() -> loopbackLike(ConnectRules.unmapped(inet.getAddress())));
                    return Destination.of(kind.family(), new InetSocketAddress(target, p.hostPort()));
                });
    }

    private Optional<PortMapping> find(SocketKind kind, int containerPort) {
        for (PortMapping p : published) {
            if (p.containerPort() == containerPort && carries(p, kind) && fitsFamily(p, kind.family())) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private static boolean carries(PortMapping p, SocketKind kind) {
        return p.protocol() == Protocol.TCP ? kind.isTcp() : kind.isUdp();
    }

    /** An IPv4 host IP fits an AF_INET6 socket too (v4-mapped); an IPv6 one not an AF_INET socket. */
    private static boolean fitsFamily(PortMapping p, int family) {
        return family == SockAddr.AF_INET6 || p.hostIp().map(a -> a instanceof Inet4Address).orElse(true);
    }

    private static InetAddress wildcard(int family) {
        return family == SockAddr.AF_INET ? ip(new byte[4]) : ip(new byte[16]);
    }

    private static InetAddress loopbackLike(InetAddress ip) {
        if (ip instanceof Inet4Address) {
            return ip(new byte[] {127, 0, 0, 1});
        }
        byte[] v6 = new byte[16];
        v6[15] = 1;
        return ip(v6);
    }

    private static InetAddress ip(byte[] b) {
        try {
            return InetAddress.getByAddress(b);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
